"""Thin tasks: each reads the clock once and calls its job (orders/overdue.py)."""

from celery import shared_task
from django.utils import timezone

from orders.overdue import payments_overdue_notify


@shared_task(name="orders.remind_overdue_payments")
def remind_overdue_payments() -> int:
    return payments_overdue_notify(now=timezone.now())
