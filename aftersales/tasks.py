"""Thin tasks: each reads the clock once and calls its job (aftersales/jobs.py)."""

from celery import shared_task
from django.utils import timezone

from aftersales import jobs


@shared_task(name="aftersales.escalate_tickets")
def escalate_tickets() -> int:
    return jobs.tickets_escalate(now=timezone.now())


@shared_task(name="aftersales.remind_visits")
def remind_visits() -> int:
    return jobs.visits_remind(now=timezone.now())
