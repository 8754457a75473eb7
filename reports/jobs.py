"""The managers' daily summary (DOMAIN.md §10): once the office day is over, each manager of a
project is told the day's visits, calls and walk-ins not registered in time.

Set-based and idempotent like every job: per time zone, one grouped query for the day's
registrations, one for the receptions and one for the managers; the key (project, local day,
manager) makes a second run add nothing, and a late run still reports the day it was for.
The figures are the reports' own (reports/figures.py: voided registrations do not count).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from attribution.models import Reception
from attribution.windows import day_bounds
from customers.models import Kind, Registration
from projects.models import Membership, Notification, Project
from projects.notifications import notify_many
from projects.roles import Role
from reports.figures import voided

SUMMARY_HOUR = 21  # local: after the evening's sheets are in (当晚交给内业)


def _day_of_zone(zone: str, now: datetime) -> date | None:
    """The local day a zone's offices are summed up for, once it is over; None before."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() if local.hour >= SUMMARY_HOUR else None


def _contacts(project_ids: list[int], start: datetime, end: datetime) -> Counter:
    rows = (
        Registration.objects.filter(project_id__in=project_ids, occurred_at__gte=start)
        .filter(occurred_at__lt=end)
        .filter(~voided())
        .values("project_id", "kind")
        .annotate(n=Count("pk"))
    )
    return Counter({(row["project_id"], row["kind"]): row["n"] for row in rows})


def _unregistered(project_ids: list[int], start: datetime, end: datetime, now: datetime):
    """Walk-ins not registered by their deadline (未登记), late or still not: the rotation's
    definition (attribution.rotation.fairness.reception_status)."""
    rows = (
        Reception.objects.filter(project_id__in=project_ids, received_at__gte=start)
        .filter(received_at__lt=end)
        .annotate(registered_at=Coalesce("registration__entered_at", "recorded_for__entered_at"))
        .filter(
            Q(registered_at__isnull=True, register_by__lt=now)
            | Q(registered_at__gt=F("register_by"))
        )
        .values("project_id")
        .annotate(n=Count("pk"))
    )
    return {row["project_id"]: row["n"] for row in rows}


def _managers(project_ids: list[int]) -> dict[int, list[int]]:
    managers = defaultdict(list)
    for project_id, user_id in Membership.objects.filter(
        project_id__in=project_ids, user__groups__name=Role.MANAGER, user__is_active=True
    ).values_list("project_id", "user_id"):
        managers[project_id].append(user_id)
    return managers


def _summaries(projects: dict[int, Project], day: date, now: datetime) -> list[Notification]:
    start, end = day_bounds(day, next(iter(projects.values())).tzinfo)
    ids = list(projects)
    contacts = _contacts(ids, start, end)
    unregistered = _unregistered(ids, start, end, now)
    return [
        Notification(
            recipient_id=manager,
            project=projects[project_id],
            kind="daily_summary",
            params={
                "visits": contacts[(project_id, Kind.VISIT)],
                "calls": contacts[(project_id, Kind.CALL)],
                "unregistered": unregistered.get(project_id, 0),
                "day": day.isoformat(),
            },
            url=f"/p/{projects[project_id].code}/dashboard/",
            key=f"daily-summary:{project_id}:{day.isoformat()}:{manager}",
            created_at=now,
        )
        for project_id, managers in _managers(ids).items()
        for manager in managers
    ]


def daily_summaries_send(*, now: datetime) -> int:
    """Tell every manager of every project whose office day is over; returns how many
    notifications were prepared (the keys drop those already sent)."""
    zones = Project.objects.order_by().values_list("timezone", flat=True).distinct()
    rows: list[Notification] = []
    for zone in zones:
        day = _day_of_zone(zone, now)
        if day is None:
            continue
        rows += _summaries(Project.objects.filter(timezone=zone).in_bulk(), day, now)
    notify_many(rows)
    return len(rows)
