"""Skimming flags (§5: 飞单 / skimming): the usual skimming is a walk-in left unregistered,
then reported by a channel. A report for a visitor the site received first is flagged with
each visit it matched, and the managers are told once per report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats

from channels.models import ChannelReport, SkimmingFlag
from projects.access import display_name
from projects.notifications import managers_of, notify


@dataclass(frozen=True)
class Visit:
    """A visitor the site received: a rotation reception, or a visit's registration."""

    received_at: datetime
    reception_id: int | None = None
    registration_id: int | None = None


def flag_skimming(report: ChannelReport, visits: list[Visit], now: datetime) -> None:
    """§5: the usual skimming is a walk-in left unregistered, then reported by a channel."""
    SkimmingFlag.objects.bulk_create(
        SkimmingFlag(
            report=report,
            reception_id=v.reception_id,
            registration_id=v.registration_id,
            received_at=v.received_at,
            entered_at=now,
        )
        for v in visits
    )
    _tell_managers_of_skimming(report, min(v.received_at for v in visits))


def _tell_managers_of_skimming(report: ChannelReport, received_at: datetime) -> None:
    project = report.project
    notify(
        recipients=managers_of(project),
        kind="channel_report_skimming",
        params={
            "agent": display_name(report.agent),
            "channel": report.channel_name,
            "customer": report.name,
            "phone": report.phone_visible,
            "time": formats.date_format(received_at.astimezone(project.tzinfo), "DATETIME_FORMAT"),
        },
        project=project,
        url=f"/p/{project.code}/channel-reports/?status=refused",
        key=f"channel_skimming:{report.pk}",
    )
