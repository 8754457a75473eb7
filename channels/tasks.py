"""Thin tasks: each reads the clock once and calls its job (channels/jobs.py)."""

from celery import shared_task
from django.utils import timezone

from channels import jobs


@shared_task(name="channels.lapse_reports")
def lapse_reports() -> int:
    return jobs.reports_lapse(now=timezone.now())
