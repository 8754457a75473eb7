"""Overdue instalments: a set-based, idempotent beat job tells finance and the consultant once
per item and due date, and the managers once it is a week late; paid, cancelled and not-yet-
late items tell nobody."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.contracts import contract_cancel
from orders.overdue import payments_overdue_notify
from orders.tasks import remind_overdue_payments
from projects.models import Notification
from projects.notification_texts import render
from tests.orders.conftest import SH
from tests.orders.deals import contracted, pay

pytestmark = pytest.mark.django_db

APRIL_2 = datetime(2026, 4, 2, 9, 0, tzinfo=SH)  # the first instalment (due 04-01) is late


def told(kind="payment_overdue") -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted((n.recipient.username, n.params["due"]) for n in rows)


def test_finance_and_the_consultant_are_told_once_per_item(project, alice, fiona, mike, clock):
    contract = contracted(project, alice, mike)
    clock.move_to(APRIL_2, tick=False)
    payments_overdue_notify(now=APRIL_2)
    assert told() == [("alice", "2026-04-01"), ("fiona", "2026-04-01")]
    note = Notification.objects.filter(recipient=fiona).get()
    assert note.url == f"/contracts/{contract.pk}/"
    assert "¥850,000.00" in render(note) and "赵敏" in render(note)
    payments_overdue_notify(now=APRIL_2 + timedelta(hours=1))
    assert Notification.objects.filter(kind="payment_overdue").count() == 2
    assert told("payment_overdue_escalated") == []


def test_the_due_day_itself_tells_nobody(project, alice, fiona, mike, clock):
    contracted(project, alice, mike)
    payments_overdue_notify(now=datetime(2026, 4, 1, 23, 59, tzinfo=SH))
    assert Notification.objects.filter(kind__startswith="payment_overdue").count() == 0


def test_what_was_paid_settles_the_earliest_item_first(project, alice, fiona, mike, clock):
    contract = contracted(project, alice, mike)
    pay(contract, fiona, "850000.00")
    late = datetime(2026, 6, 3, 9, 0, tzinfo=SH)
    payments_overdue_notify(now=late)
    assert told() == [("alice", "2026-06-01"), ("fiona", "2026-06-01")]


def test_managers_are_told_once_it_is_a_week_late(project, alice, fiona, mike, clock):
    contracted(project, alice, mike)
    payments_overdue_notify(now=datetime(2026, 4, 7, 9, 0, tzinfo=SH))
    assert told("payment_overdue_escalated") == []
    week = datetime(2026, 4, 8, 9, 0, tzinfo=SH)
    payments_overdue_notify(now=week)
    payments_overdue_notify(now=week + timedelta(days=1))
    assert told("payment_overdue_escalated") == [("mike", "2026-04-01")]
    assert told() == [("alice", "2026-04-01"), ("fiona", "2026-04-01")]


def test_a_cancelled_contract_tells_nobody(project, alice, fiona, mike, clock):
    contract = contracted(project, alice, mike)
    contract_cancel(contract=contract, reason="客户退房", acting_user=mike)
    payments_overdue_notify(now=APRIL_2)
    assert Notification.objects.filter(kind__startswith="payment_overdue").count() == 0


def test_the_job_is_set_based(project, alice, fiona, mike, clock):
    contracted(project, alice, mike, room="301", phone="13800000051")
    with CaptureQueriesContext(connection) as one:
        payments_overdue_notify(now=APRIL_2)
    for i in range(2, 6):
        contracted(project, alice, mike, room=f"30{i}", phone=f"1380000005{i}")
    with CaptureQueriesContext(connection) as five:
        payments_overdue_notify(now=APRIL_2)
    assert len(five) == len(one)
    assert Notification.objects.filter(kind="payment_overdue").count() == 10


def test_the_task_runs_the_job_and_beat_schedules_it(project, alice, fiona, mike, clock):
    contracted(project, alice, mike)
    clock.move_to(APRIL_2, tick=False)
    remind_overdue_payments.delay()
    assert len(told()) == 2
    entry = settings.CELERY_BEAT_SCHEDULE["remind-overdue-payments"]
    assert entry["task"] == "orders.remind_overdue_payments"
