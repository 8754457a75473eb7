"""The violations ledger's writes (DOMAIN.md §7): violations found by a ruling or by a rule
(a tamper attempt, a walk-in left unregistered), each with the fine the policy set when it
happened, recorded once however often it is found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from attribution.engine import policy_at
from attribution.selectors import policy_facts
from customers.models import TamperAttempt
from disputes.models import Violation, ViolationKind
from projects.models import Project


@dataclass(frozen=True)
class ViolationDraft:
    """A violation a rule found: who, which kind, when, and what it was found on (the source)."""

    project: Project
    staff_id: int
    kind: str
    occurred_at: datetime
    source: str
    note: str = ""


def violations_record(
    drafts: Sequence[ViolationDraft], *, now: datetime | None = None, acting_user=None
) -> int:
    """Violations with the policy's amounts, in one insert; each project's policy versions are
    read once. The same (staff, kind, source) recorded twice is recorded once."""
    if not drafts:
        return 0
    now = now or timezone.now()
    versions = {d.project.pk: policy_facts(d.project) for d in drafts}
    rows = [
        Violation(
            project=d.project,
            staff_id=d.staff_id,
            kind=d.kind,
            # The fine in force when it happened, as the policy stood then.
            amount=policy_at(versions[d.project.pk], d.occurred_at, d.occurred_at).policy.penalty(
                d.kind
            ),
            occurred_at=d.occurred_at,
            source=d.source[:40],
            note=d.note,
            entered_at=now,
            entered_by=acting_user,
        )
        for d in drafts
    ]
    return len(Violation.objects.bulk_create(rows, ignore_conflicts=True))


def violation_record(
    *,
    project: Project,
    staff,
    kind: str,
    occurred_at: datetime,
    source: str,
    note: str = "",
    acting_user=None,
    now: datetime | None = None,
) -> None:
    """A violation with the policy's amount; recording the same one twice records it once."""
    violations_record(
        [ViolationDraft(project, staff.pk, kind, occurred_at, source, note)],
        now=now,
        acting_user=acting_user,
    )


def tampering_fine(attempt: TamperAttempt, now: datetime) -> None:
    """擅自改正客户确认记录: an attempt to rewrite the ledger is a violation of whoever tried."""
    if attempt.project_id and attempt.entered_by_id:
        violation_record(
            project=attempt.project,
            staff=attempt.entered_by,
            kind=ViolationKind.TAMPERING,
            occurred_at=now,
            source=f"tamper:{attempt.pk}",
            now=now,
        )


def unregistered_receptions_record(receptions: Sequence, now: datetime) -> int:
    """未登记: each flagged walk-in is a violation of the consultant who received it (once per
    reception, however often the job runs)."""
    return violations_record(
        [
            ViolationDraft(
                r.project,
                r.consultant_id,
                ViolationKind.UNREGISTERED,
                r.register_by,
                f"reception:{r.pk}",
            )
            for r in receptions
        ],
        now=now,
    )
