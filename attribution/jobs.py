"""Scheduled work (DOMAIN.md §10). Each job is set-based (a statement per batch, never a save
per row), idempotent (running twice equals running once) and safe to run late: the engine's
answers never depend on them; they keep the materialised status tidy and tell people things."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils import formats

from attribution.models import HouseholdState, Reception
from attribution.services import household_states_refresh
from customers.models import Customer
from projects.models import Membership, Notification, Project
from projects.notifications import notify_many

BATCH = 500


def claims_lapse(*, now: datetime) -> int:
    """Claims whose last second has passed go to the pool: one UPDATE for all of them."""
    return HouseholdState.objects.filter(status="active", expires_at__lt=now).update(
        status="pool",
        last_owner=F("owner"),
        owner=None,
        since=F("expires_at") + timedelta(seconds=1),
        expires_at=None,
        computed_at=now,
    )


def pending_resolve(*, now: datetime) -> int:
    """A4: pending periods that ended are decided again by the engine, a batch at a time."""
    ended = HouseholdState.objects.filter(status="pending", expires_at__lt=now)
    by_project: dict[int, list[int]] = defaultdict(list)
    for household, project in ended.values_list("household_id", "project_id"):
        by_project[project].append(household)
    projects = Project.objects.in_bulk(list(by_project))
    for project_id, households in by_project.items():
        for start in range(0, len(households), BATCH):
            household_states_refresh(
                project=projects[project_id],
                household_ids=households[start : start + BATCH],
                now=now,
            )
    return sum(len(h) for h in by_project.values())


def _first_member_name():
    return Subquery(
        Customer.objects.filter(household=OuterRef("household")).order_by("id").values("name")[:1]
    )


def lapse_reminders(*, now: datetime) -> int:
    """Owners of claims lapsing within a day are told once per claim end (the key)."""
    lapsing = (
        HouseholdState.objects.filter(
            status="active",
            owner__isnull=False,
            expires_at__gte=now,
            expires_at__lt=now + timedelta(days=1),
        )
        .annotate(customer_name=_first_member_name())
        .select_related("project")
    )
    rows = [
        Notification(
            recipient_id=state.owner_id,
            project=state.project,
            kind="claim_lapsing",
            params={
                "customer": state.customer_name,
                "until": formats.date_format(
                    state.expires_at.astimezone(state.project.tzinfo), "MONTH_DAY_FORMAT"
                ),
            },
            url=f"/p/{state.project.code}/my-customers/",
            key=f"lapsing:{state.household_id}:{state.expires_at.isoformat()}:{state.owner_id}",
            created_at=now,
        )
        for state in lapsing
    ]
    notify_many(rows)
    return len(rows)


# What follows a batch of walk-ins flagged unregistered: the discipline app fines each (未登记,
# seed 004), in one insert for the batch. It connects itself in its AppConfig.ready.
RECEPTIONS_FLAGGED: list[Callable[[list[Reception], datetime], None]] = []


def receptions_flag_unregistered(*, now: datetime) -> list[int]:
    """Walk-ins not registered by their deadline are flagged (未登记) and managers told."""
    overdue = Reception.objects.filter(
        flagged_at__isnull=True,
        register_by__lt=now,
        registration__isnull=True,
        recorded_for__isnull=True,
    )
    found = list(overdue.select_related("project", "consultant"))
    if not found:
        return []
    Reception.objects.filter(pk__in=[r.pk for r in found], flagged_at__isnull=True).update(
        flagged_at=now
    )
    for react in RECEPTIONS_FLAGGED:
        react(found, now)
    managers = defaultdict(list)
    for project_id, user_id in Membership.objects.filter(
        project_id__in={r.project_id for r in found},
        user__groups__name="manager",
        user__is_active=True,
    ).values_list("project_id", "user_id"):
        managers[project_id].append(user_id)
    notify_many(
        [
            Notification(
                recipient_id=manager,
                project=r.project,
                kind="reception_unregistered",
                params={
                    "consultant": r.consultant.first_name or r.consultant.username,
                    "time": formats.date_format(
                        r.received_at.astimezone(r.project.tzinfo), "TIME_FORMAT"
                    ),
                },
                url=f"/p/{r.project.code}/rotation/report/",
                key=f"unregistered:{r.pk}:{manager}",
                created_at=now,
            )
            for r in found
            for manager in managers[r.project_id]
        ]
    )
    return [r.pk for r in found]
