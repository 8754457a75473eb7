"""Overdue instalments (DOMAIN.md §8, §10): a set-based, idempotent job on beat.

Every schedule item past its due day (in the project's zone) and not settled produces one
notification per item and due date to the project's finance staff and to the deal's
consultant; after ``PAYMENT_OVERDUE_ESCALATION_DAYS`` days the managers are told too. The keys
make a second run add nothing, so a late or repeated run is harmless. Nothing else depends on
the job: the finance desk reads lateness from the data and the time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from orders.balances import ItemBalance, overdue_items, settle_in_due_order, with_balances
from orders.models import Contract, ScheduleItem
from projects.models import Membership, Notification, Project
from projects.notifications import notify_many
from salesoffice.money import yuan

ESCALATION_DAYS = 7


def escalation_days() -> int:
    return int(getattr(settings, "PAYMENT_OVERDUE_ESCALATION_DAYS", ESCALATION_DAYS))


def _late_contracts(zone: str, today: date) -> list[Contract]:
    """Live contracts of the projects in ``zone`` with something unpaid that fell due before
    ``today``, with only those items (items due later are settled after them)."""
    contracts = with_balances(
        Contract.objects.filter(project__timezone=zone, cancellation__isnull=True), today
    ).filter(overdue_amount__gt=0)
    return list(
        contracts.select_related(
            "project", "subscription__customer", "subscription__consultant"
        ).prefetch_related(
            Prefetch("schedule", queryset=ScheduleItem.objects.filter(due__lt=today))
        )
    )


def late_items(now: datetime) -> Iterator[tuple[Contract, ItemBalance, date]]:
    """(contract, item, the project's today) for every overdue item, zone by zone."""
    zones = Project.objects.order_by().values_list("timezone", flat=True).distinct()
    for zone in zones:
        today = timezone.localdate(now, timezone=ZoneInfo(zone))
        for contract in _late_contracts(zone, today):
            balances = settle_in_due_order(contract.schedule.all(), contract.settled)
            for item in overdue_items(balances, today):
                yield contract, item, today


def _staff_by_project(project_ids: set[int], role: str) -> dict[int, list[int]]:
    staff = defaultdict(list)
    for project_id, user_id in Membership.objects.filter(
        project_id__in=project_ids, user__groups__name=role, user__is_active=True
    ).values_list("project_id", "user_id"):
        staff[project_id].append(user_id)
    return staff


def _notification(contract, item, recipient_id, kind, key, now, days) -> Notification:
    return Notification(
        recipient_id=recipient_id,
        project=contract.project,
        kind=kind,
        params={
            "customer": contract.subscription.customer.name,
            "amount": yuan(item.outstanding),
            "due": item.due.isoformat(),
            "number": contract.number,
            "days": days,
        },
        url=f"/contracts/{contract.pk}/",
        key=f"{key}:{item.pk}:{item.due.isoformat()}:{recipient_id}",
        created_at=now,
    )


def payments_overdue_notify(*, now: datetime) -> int:
    """One reminder per overdue item and due date to finance and the consultant, and one
    escalation to the managers once it is ``escalation_days()`` late. Returns how many
    notifications were prepared (the keys drop the ones already sent)."""
    late = list(late_items(now))
    projects = {contract.project_id for contract, _, _ in late}
    finance = _staff_by_project(projects, "finance")
    managers = _staff_by_project(projects, "manager")
    rows = []
    for contract, item, today in late:
        days = item.days_overdue(today)
        told = {*finance[contract.project_id], contract.subscription.consultant_id}
        rows += [
            _notification(contract, item, user, "payment_overdue", "overdue", now, days)
            for user in sorted(told)
        ]
        if days >= escalation_days():
            rows += [
                _notification(
                    contract,
                    item,
                    user,
                    "payment_overdue_escalated",
                    "overdue-escalated",
                    now,
                    days,
                )
                for user in managers[contract.project_id]
            ]
    notify_many(rows)
    return len(rows)
