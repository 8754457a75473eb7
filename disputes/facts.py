"""Open disputes as the engine sees them: a household is ``disputed`` from the opening to the
ruling, and again from an appeal to the final ruling (registered as a ledger fact source)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from attribution.facts import DisputeFact
from disputes.models import Dispute, DisputeStep, StepKind

CLOSING = (StepKind.RULING, StepKind.FINAL_RULING)


def dispute_facts(household_ids) -> Iterable[tuple[int, DisputeFact]]:
    disputes = list(
        Dispute.objects.filter(customer__household_id__in=household_ids).values_list(
            "id", "customer_id", "opened_at"
        )
    )
    steps = defaultdict(list)
    for dispute, kind, entered_at in (
        DisputeStep.objects.filter(dispute_id__in=[d[0] for d in disputes])
        .order_by("entered_at", "id")
        .values_list("dispute_id", "kind", "entered_at")
    ):
        steps[dispute].append((kind, entered_at))
    for dispute, customer, opened_at in disputes:
        for number, (start, end) in enumerate(_open_intervals(opened_at, steps[dispute])):
            yield customer, DisputeFact(dispute * 10 + number, start, end)


def _open_intervals(opened_at, steps):
    start = opened_at
    for kind, entered_at in steps:
        if kind in CLOSING and start is not None:
            yield start, entered_at
            start = None
        elif kind == StepKind.APPEAL and start is None:
            start = entered_at
    if start is not None:
        yield start, None


dispute_facts.present = lambda ids: Dispute.objects.filter(customer__household_id__in=ids)
