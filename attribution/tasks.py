"""Thin tasks: each reads the clock once and calls its job (attribution/jobs.py)."""

from celery import shared_task
from django.utils import timezone

from attribution import jobs


@shared_task(name="attribution.lapse_claims")
def lapse_claims() -> int:
    return jobs.claims_lapse(now=timezone.now())


@shared_task(name="attribution.resolve_pending")
def resolve_pending() -> int:
    return jobs.pending_resolve(now=timezone.now())


@shared_task(name="attribution.remind_lapsing")
def remind_lapsing() -> int:
    return jobs.lapse_reminders(now=timezone.now())


@shared_task(name="attribution.flag_unregistered")
def flag_unregistered() -> int:
    return len(jobs.receptions_flag_unregistered(now=timezone.now()))
