"""Thin tasks: each claims its work under a row lock, so running twice sends once."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from projects.models import Notification
from projects.notification_texts import render

BATCH = 500


@shared_task(name="projects.send_notification_emails")
def send_notification_emails() -> int:
    """E-mail the notifications not yet e-mailed to people with an address."""
    now = timezone.now()
    waiting = Notification.objects.filter(emailed_at__isnull=True).exclude(recipient__email="")
    with transaction.atomic():
        ids = list(
            waiting.select_for_update(skip_locked=True, of=("self",))
            .order_by("id")
            .values_list("id", flat=True)[:BATCH]
        )
        Notification.objects.filter(id__in=ids).update(emailed_at=now)
    notifications = Notification.objects.filter(id__in=ids).select_related("recipient")
    with override(settings.LANGUAGE_CODE):
        messages = [
            (render(n)[:80], render(n), settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
            for n in notifications
        ]
    return send_mass_mail(messages, fail_silently=True) if messages else 0
