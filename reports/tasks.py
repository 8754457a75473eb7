"""Thin tasks: each reads the clock once and calls its job (reports/jobs.py)."""

from celery import shared_task
from django.utils import timezone

from reports.jobs import daily_summaries_send


@shared_task(name="reports.send_daily_summaries")
def send_daily_summaries() -> int:
    return daily_summaries_send(now=timezone.now())
