"""Consultants' daily reports (业务日报表): each consultant's visits, calls, new customers,
follow-ups and deals per local day, and over the period for everyone on the staff."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from customers.models import FollowUp
from projects.access import display_name, receiving_staff
from projects.models import Project
from reports.figures import (
    counted_registrations,
    live_contracts,
    live_subscriptions,
    registration_counts,
)
from reports.periods import Period

User = get_user_model()
ACTIVITIES = ("visits", "calls", "new_customers", "follow_ups", "subscriptions", "contracts")


@dataclass
class Activity:
    """One consultant's work on one day (or over the period, for the totals)."""

    user_id: int
    username: str
    name: str
    day: date | None = None
    visits: int = 0
    calls: int = 0
    new_customers: int = 0
    follow_ups: int = 0
    subscriptions: int = 0
    contracts: int = 0

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in ACTIVITIES)

    def add(self, other: Activity) -> None:
        for name in ACTIVITIES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DailyReport:
    project: Project
    period: Period
    rows: list[Activity]  # per day and consultant; a single day lists everyone
    totals: list[Activity]  # per consultant over the period, everyone on the staff
    grand: Activity


def _grouped(rows, person: str, **counts) -> dict[tuple[date, int], dict]:
    """{(day, user id): {count name: n}} from a query grouped by local day and person."""
    return {(row["day"], row[person]): row for row in rows.values("day", person).annotate(**counts)}


def _activity_counts(project: Project, period: Period) -> dict[tuple[date, int], dict]:
    """Five grouped queries, merged by (local day, consultant)."""
    tz = project.tzinfo
    start, end = period.bounds(tz)

    def by_day(queryset, at: str):
        return queryset.annotate(day=TruncDate(at, tzinfo=tz))

    registrations = counted_registrations(project, start, end)
    follow_ups = FollowUp.objects.filter(
        project=project, occurred_at__gte=start, occurred_at__lt=end
    )
    deals = live_subscriptions(project).filter(occurred_at__gte=start, occurred_at__lt=end)
    contracts = live_contracts(project).filter(signed_at__gte=start, signed_at__lt=end)
    merged: dict[tuple[date, int], dict] = defaultdict(dict)
    for found in (
        _grouped(by_day(registrations, "occurred_at"), "consultant_id", **registration_counts()),
        _grouped(by_day(follow_ups, "occurred_at"), "consultant_id", follow_ups=Count("pk")),
        _grouped(by_day(deals, "occurred_at"), "consultant_id", subscriptions=Count("pk")),
        _grouped(
            by_day(contracts, "signed_at"), "subscription__consultant_id", contracts=Count("pk")
        ),
    ):
        for key, row in found.items():
            merged[key].update({k: v for k, v in row.items() if k in ACTIVITIES})
    return merged


def _staff(project: Project, user_ids: set[int]) -> list:
    """The project's receiving staff, and whoever else appears in the figures (one query)."""
    on_staff = receiving_staff(project).values("pk")
    return list(User.objects.filter(Q(pk__in=user_ids) | Q(pk__in=on_staff)).distinct())


def daily_report(*, project: Project, period: Period) -> DailyReport:
    counts = _activity_counts(project, period)
    people = {u.pk: u for u in _staff(project, {user for _day, user in counts})}

    def activity(user, day=None, **values) -> Activity:
        return Activity(user.pk, user.username, display_name(user), day, **values)

    rows = [activity(people[user], day, **values) for (day, user), values in counts.items()]
    totals = {pk: activity(user) for pk, user in people.items()}
    for row in rows:
        totals[row.user_id].add(row)
    if period.is_day:
        seen = {row.user_id for row in rows}
        rows += [activity(u, period.first) for pk, u in people.items() if pk not in seen]
    grand = Activity(0, "", _("Total"))
    for total in totals.values():
        grand.add(total)
    return DailyReport(
        project=project,
        period=period,
        rows=sorted(rows, key=lambda a: (a.day, a.name, a.username)),
        totals=sorted(totals.values(), key=lambda a: (a.name, a.username)),
        grand=grand,
    )
