"""Scheduled work of the channels app (DOMAIN.md §10): set-based, idempotent, safe to run late.

A report's status never depends on this job (``ChannelReport.status_at`` reads the time); the
job records each lapse once and tells the agent once.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from channels.models import ChannelReport, ReportEnd, ReportEndOutcome
from projects.models import Notification
from projects.notifications import notify_many

BATCH = 500


def reports_lapse(*, now: datetime) -> int:
    """Valid reports past their last second with no visit confirmed lapse (A13): one query
    finds them, one insert records their ends, one insert tells their agents."""
    lapsed = list(
        ChannelReport.objects.filter(
            refusal_code="", confirmation__isnull=True, ends__isnull=True, valid_until__lt=now
        ).select_related("project")
    )
    reason = _("The report lapsed: the customer did not visit in time.")
    ReportEnd.objects.bulk_create(
        [
            ReportEnd(
                report=report,
                outcome=ReportEndOutcome.LAPSED,
                code="report_lapsed",
                reason=reason,
                entered_at=now,
            )
            for report in lapsed
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    notify_many([_lapse_notice(report, now) for report in lapsed])
    return len(lapsed)


def _lapse_notice(report: ChannelReport, now: datetime) -> Notification:
    project = report.project
    until = report.valid_until.astimezone(project.tzinfo)
    return Notification(
        recipient_id=report.agent_id,
        project=project,
        kind="channel_report_lapsed",
        params={
            "customer": report.name,
            "phone": report.phone_visible,
            "until": formats.date_format(until, "MONTH_DAY_FORMAT"),
        },
        url=f"/channel/{project.code}/",
        key=f"channel_report_lapsed:{report.pk}:{report.agent_id}",
        created_at=now,
    )
