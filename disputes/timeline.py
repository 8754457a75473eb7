"""Disputes on the customer page's timeline: the opening, the review, the rulings and appeals of
every dispute on the customer's household (registered as a timeline source; three queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from attribution.selectors import names_for
from customers.models import Customer
from customers.timeline import TimelineEntry
from disputes.models import Dispute, DisputeStep, ViolationKind
from disputes.rulings import TERMS, RulingTemplate


@dataclass(frozen=True)
class OpeningRow:
    """The opening as a timeline item (it is the dispute row, which has no ``entered_*``)."""

    dispute: Dispute

    @property
    def pk(self) -> int:
        return self.dispute.pk

    @property
    def entered_at(self) -> datetime:
        return self.dispute.opened_at

    @property
    def entered_by(self):
        return self.dispute.opened_by


@dataclass(frozen=True)
class StepRow:
    step: DisputeStep
    term: str  # the template's office word, e.g. 五五分成
    shares: list[tuple[str, str]]  # (name, percent)
    violations: list[tuple[str, str]]  # (name, kind's label)

    @property
    def pk(self) -> int:
        return self.step.pk

    @property
    def entered_at(self) -> datetime:
        return self.step.entered_at

    @property
    def entered_by(self):
        return self.step.entered_by


def template_term(template: str) -> str:
    return TERMS.get(template, "") if template in RulingTemplate.values else ""


def step_rows(steps) -> list[StepRow]:
    """Steps with the names of the people their shares and violations name (one query)."""
    steps = list(steps)
    names = names_for(
        {s["consultant"] for step in steps for s in step.shares}
        | {v["staff"] for step in steps for v in step.violations}
    )
    labels = dict(ViolationKind.choices)
    return [
        StepRow(
            step,
            template_term(step.template),
            [(names.get(s["consultant"], s["consultant"]), s["percent"]) for s in step.shares],
            [
                (names.get(v["staff"], v["staff"]), labels.get(v["kind"], v["kind"]))
                for v in step.violations
            ],
        )
        for step in steps
    ]


def dispute_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    disputes = list(
        Dispute.objects.filter(customer__household_id=customer.household_id)
        .select_related("claimant", "owner_at_opening", "opened_by")
        .prefetch_related(
            Prefetch("steps", queryset=DisputeStep.objects.select_related("entered_by", "owner"))
        )
    )
    entries = [
        TimelineEntry(
            "dispute",
            d.opened_at,
            OpeningRow(d),
            template="disputes/partials/timeline_opening.html",
        )
        for d in disputes
    ]
    entries += [
        TimelineEntry(
            "dispute_step", row.entered_at, row, template="disputes/partials/timeline_step.html"
        )
        for row in step_rows(step for dispute in disputes for step in dispute.steps.all())
    ]
    return entries
