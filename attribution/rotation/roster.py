"""The day's roster: who stands in the rotation's queue, in which order, and in which state
(free, busy, away). Setting it locks the day's queue (see ``attribution.rotation.queue``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import RosterEntry, RotationState
from attribution.rotation.access import ensure_runs_rotation
from attribution.rotation.queue import day_entries, locked_entries, roster_of, today
from attribution.services import ensure_acts_for
from projects.access import display_name, has_role
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError

User = get_user_model()

# Who can stand in the queue: the staff who receive customers.
ON_ROSTER_ROLES = (Role.CONSULTANT, Role.MANAGER)


def roster_candidates(project: Project):
    """Everyone who could stand in the queue: the project's active consultants and managers."""
    return (
        User.objects.filter(
            memberships__project=project, groups__name__in=ON_ROSTER_ROLES, is_active=True
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _roster_staff(project: Project, usernames: list[str]) -> list:
    """The staff named, in the order given: each once, each able to receive customers."""
    if len(set(usernames)) != len(usernames):
        raise DomainError(
            _("Each consultant appears once in the order."),
            code="duplicate_consultant",
            fields={"order": [_("A name appears twice.")]},
        )
    found = User.objects.filter(
        memberships__project=project, username__in=usernames, is_active=True
    ).prefetch_related("groups")
    by_username = {user.username: user for user in found}
    unknown = [name for name in usernames if name not in by_username]
    if unknown:
        raise DomainError(
            _("Unknown consultant: %(name)s.") % {"name": ", ".join(unknown)},
            code="unknown_consultant",
            fields={"order": [_("Unknown staff member.")]},
        )
    others = [name for name in usernames if not has_role(by_username[name], *ON_ROSTER_ROLES)]
    if others:
        raise DomainError(
            _("Only consultants and managers receive customers: %(name)s.")
            % {"name": ", ".join(others)},
            code="not_a_consultant",
            fields={"order": [_("Not a consultant.")]},
        )
    return [by_username[name] for name in usernames]


def roster_set(
    *,
    project: Project,
    date: dt.date,
    usernames: list[str],
    acting_user,
    expected: list[str] | None = None,
) -> list[RosterEntry]:
    """The day's order. Newcomers start free with nothing received; consultants already on the
    roster keep their count and state (a reorder must not free someone with a customer);
    those left out leave the queue. A past day is history and cannot be rewritten.

    ``expected`` is the queue the caller was looking at: if walk-ins moved it since, saving
    would silently undo those moves, so it is refused (``roster_changed``)."""
    ensure_runs_rotation(acting_user, project)
    if date < today(project, timezone.now()):
        raise DomainError(
            _("The rotation of a past day cannot be changed."),
            code="roster_in_past",
            fields={"date": [_("A past day.")]},
        )
    staff = _roster_staff(project, usernames)
    with transaction.atomic():
        # A day without rows has nothing to lock: the project row serialises roster writers
        # (two clerks setting a new day at once would otherwise both insert).
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = locked_entries(project, date)
        if expected is not None and [e.consultant.username for e in current] != expected:
            raise Conflict(
                _("The queue has moved since this page was opened: check the order, then save."),
                code="roster_changed",
            )
        existing = {e.consultant_id: e for e in current}
        for position, user in enumerate(staff, start=1):
            entry = existing.pop(user.pk, None) or RosterEntry(
                project=project, date=date, consultant=user
            )
            entry.position = position
            entry.save()
        for gone in existing.values():
            gone.delete()
    return roster_of(project, date)


def rotation_status_set(*, project: Project, consultant, state: str, acting_user) -> RosterEntry:
    """free | busy | away: a consultant for themself, a clerk or manager for anyone."""
    ensure_acts_for(acting_user, consultant, project)
    if state not in RotationState.values:
        raise DomainError(
            _("Unknown state."), code="invalid_state", fields={"state": [_("Unknown state.")]}
        )
    with transaction.atomic():
        day = today(project, timezone.now())
        entry = (
            day_entries(project, day)
            .select_related("consultant")
            .select_for_update(of=("self",))
            .filter(consultant=consultant)
            .first()
        )
        if entry is None:
            raise Conflict(
                _("%(name)s is not on today's rotation.") % {"name": display_name(consultant)},
                code="not_on_roster",
            )
        entry.state = state
        entry.save(update_fields=["state"])
    return entry
