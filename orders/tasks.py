"""Thin tasks: each reads the clock once and calls its job (orders/overdue.py,
orders/report_jobs.py)."""

from celery import shared_task
from django.utils import timezone

from orders.overdue import payments_overdue_notify
from orders.report_jobs import daily_summaries_send


@shared_task(name="orders.remind_overdue_payments")
def remind_overdue_payments() -> int:
    return payments_overdue_notify(now=timezone.now())


@shared_task(name="orders.send_daily_summaries")
def send_daily_summaries() -> int:
    return daily_summaries_send(now=timezone.now())
