"""In-app notifications (also e-mailed): who is told what (the words: notification_texts)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from projects.models import Notification, Project
from projects.tasks import send_notification_emails


def notify(
    *,
    recipients: Iterable,
    kind: str,
    params: dict | None = None,
    project: Project | None = None,
    url: str = "",
    key: str | None = None,
) -> None:
    """One notification per recipient; with ``key`` a second call for the same event adds
    nothing (scheduled jobs may run twice). E-mails go out after the transaction commits."""
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            project=project,
            kind=kind,
            params=params or {},
            url=url,
            key=f"{key}:{user.pk}" if key else None,
            created_at=now,
        )
        for user in {u.pk: u for u in recipients if u is not None}.values()
    ]
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(_send_emails_later)


def notify_many(rows: list[Notification]) -> None:
    """Prepared notifications in one statement (jobs build them set-wise)."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(_send_emails_later)


def _send_emails_later() -> None:
    send_notification_emails.delay()


def managers_of(project: Project):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__project=project, groups__name="manager", is_active=True
    )


# Whether a notification's link would open for its reader is for the apps above to say
# (attribution: a customer's page). Each check takes the reader and the notifications and returns
# the ids of those whose link would not open; it connects itself in its AppConfig.ready.
CLOSED_LINKS: list[Callable[[Any, list[Notification]], set[int]]] = []


def open_links(user, notifications: list[Notification]) -> dict[int, str]:
    """The links a reader may follow, by notification id: a page they would get a 404 on is
    shown as plain text instead."""
    closed = set().union(*(check(user, notifications) for check in CLOSED_LINKS))
    return {n.pk: n.url for n in notifications if n.url and n.pk not in closed}
