"""Disputes, their steps and the violations ledger as the API shows them (times in the project's
zone, people as ``{"username", "name"}``, commission shares as username and percent string)."""

from __future__ import annotations

from django.urls import reverse

from disputes.models import Dispute, DisputeEvidence, DisputeStep, Violation
from disputes.selectors import MonthViolations
from projects.access import person
from salesoffice.api import iso


def evidence_payload(evidence: DisputeEvidence, tz) -> dict:
    return {
        "id": evidence.pk,
        "file": evidence_url(evidence) if evidence.file else None,
        "name": evidence.filename,
        "note": evidence.note,
        "uploaded_by": person(evidence.uploaded_by),
        "uploaded_at": iso(evidence.uploaded_at, tz),
    }


def evidence_url(evidence: DisputeEvidence) -> str:
    return reverse("dispute-evidence", args=[evidence.dispute_id, evidence.pk])


def step_payload(step: DisputeStep, tz) -> dict:
    return {
        "id": step.pk,
        "kind": step.kind,
        "note": step.note,
        "owner": person(step.owner),
        "template": step.template,
        "shares": [{"consultant": s["consultant"], "percent": s["percent"]} for s in step.shares],
        "violations": [{"staff": v["staff"], "kind": v["kind"]} for v in step.violations],
        "entered_by": person(step.entered_by),
        "entered_at": iso(step.entered_at, tz),
    }


def dispute_payload(dispute: Dispute, *, detail: bool = False) -> dict:
    """``detail`` adds the evidence and steps (prefetched by ``selectors.dispute_for``)."""
    tz = dispute.project.tzinfo
    body = {
        "id": dispute.pk,
        "project": dispute.project.code,
        "household": dispute.customer.household_id,
        "customer": dispute.customer_id,
        "kind": dispute.kind,
        "state": dispute.state,
        "claimant": person(dispute.claimant),
        "owner_at_opening": person(dispute.owner_at_opening),
        "opened_by": person(dispute.opened_by),
        "opened_at": iso(dispute.opened_at, tz),
        "closed_at": iso(dispute.closed_at, tz),
        "reason": dispute.reason,
        "attribution_at_opening": dispute.attribution_at_opening,
    }
    if detail:
        body["evidence"] = [evidence_payload(e, tz) for e in dispute.evidence.all()]
        body["steps"] = [step_payload(s, tz) for s in dispute.steps.all()]
    return body


def violation_payload(violation: Violation, tz) -> dict:
    return {
        "id": violation.pk,
        "staff": person(violation.staff),
        "kind": violation.kind,
        "kind_label": violation.get_kind_display(),
        "amount": str(violation.amount),
        "occurred_at": iso(violation.occurred_at, tz),
        "source": violation.source,
        "note": violation.note,
    }


def month_payload(report: MonthViolations, project) -> dict:
    tz = project.tzinfo
    entries = [violation_payload(v, tz) for v in report.entries]
    return {
        "project": project.code,
        "month": report.month,
        # "results" as in every list of this API; "entries" as the ledger's own word.
        "results": entries,
        "entries": entries,
        "totals": [
            {"staff": person(t.staff), "count": t.count, "amount": str(t.amount)}
            for t in report.totals
        ],
        "total": str(report.total),
    }
