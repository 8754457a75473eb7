"""Reads of the channels app, and what other apps need from it.

Lists run a constant number of queries: a report's status comes from its own row, its
confirmation (joined) and its ends, signatures and flags (prefetched), never from a query per row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.windows import day_bounds, local_day
from channels.matching import names_match, phone_matches
from channels.models import (
    ChannelAgreement,
    ChannelReport,
    ReportEnd,
    ReportEndOutcome,
    ReportStatus,
)
from customers.models import Kind, Registration
from projects.access import has_role, projects_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import NotFound


def channel_share(*, project: Project, channel: str, at: datetime | None = None) -> Decimal | None:
    """The channel's commission share (percent) per its agreement with the project in force
    on the local day of ``at`` (default now), if any."""
    day = local_day(at or timezone.now(), project.tzinfo)
    agreement = (
        ChannelAgreement.objects.filter(project=project, channel_name=channel, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )
    return agreement.share_percent if agreement else None


def with_facts(reports: QuerySet) -> QuerySet:
    """Everything a report's status and its line in a list need, in constant queries."""
    return reports.select_related(
        "project", "agent", "confirmation", "site_customer"
    ).prefetch_related("ends", "confirmation__signatures__signer", "skimming_flags")


def with_status(reports: QuerySet, status: str | None, now: datetime) -> QuerySet:
    """Reports of one status (ReportStatus), decided in the query as ``status_at`` does."""
    if status == ReportStatus.REFUSED:
        return reports.exclude(refusal_code="")
    if status == ReportStatus.CONFIRMED:
        return reports.filter(confirmation__isnull=False)
    invalid = Exists(
        ReportEnd.objects.filter(report=OuterRef("pk"), outcome=ReportEndOutcome.INVALID)
    )
    unconfirmed = reports.filter(refusal_code="", confirmation__isnull=True)
    if status == ReportStatus.INVALID:
        return unconfirmed.filter(invalid)
    if status == ReportStatus.LAPSED:
        return unconfirmed.filter(~invalid, valid_until__lt=now)
    if status == ReportStatus.VALID:
        return unconfirmed.filter(~invalid, valid_until__gte=now)
    return reports


def reports_of_agent(*, agent, project: Project | None = None) -> QuerySet:
    """An agent's own reports, newest first (across their projects unless one is given)."""
    reports = ChannelReport.objects.filter(agent=agent)
    if project is not None:
        reports = reports.filter(project=project)
    return with_facts(reports).order_by("-attributed_at", "-id")


def reports_of_project(*, project: Project) -> QuerySet:
    return with_facts(ChannelReport.objects.filter(project=project)).order_by(
        "-attributed_at", "-id"
    )


def report_for(user, pk: int) -> ChannelReport:
    """A report of the user's projects; an agent finds only their own (404 otherwise)."""
    report = (
        ChannelReport.objects.select_related("project", "agent")
        .filter(pk=pk, project__in=projects_of(user))
        .first()
    )
    if report is None or (has_role(user, Role.CHANNEL) and report.agent_id != user.pk):
        raise NotFound(_("No such report."))
    return report


def day_visits(*, project: Project, now: datetime) -> list[Registration]:
    """Today's valid visit registrations that confirm no report yet (one query)."""
    start, end = day_bounds(local_day(now, project.tzinfo), project.tzinfo)
    return list(
        Registration.objects.filter(
            project=project,
            kind=Kind.VISIT,
            valid=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
            channel_confirmation__isnull=True,
        )
        .select_related("consultant")
        .order_by("occurred_at", "id")
    )


def matching_visits(report: ChannelReport, visits: list[Registration]) -> list[Registration]:
    """The visits whose name and phone match the report: the ones that may confirm it."""
    return [
        r
        for r in visits
        if names_match(r.name, report.name)
        and phone_matches(r.phone, report.phone_head, report.phone_tail)
        and r.attributed_at >= report.attributed_at
    ]
