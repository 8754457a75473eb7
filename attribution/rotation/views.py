"""The rotation's pages: the live bar the front desk includes (UX §1), the clerk's page that
sets the day's order, and the fairness report. Thin views over ``attribution.rotation``.

Errors a user can cause come back as a sentence inside the bar or the page, never as an
error page; the bar answers 200 so that htmx swaps the sentence in.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attribution.models import Reception, RosterEntry, RotationState
from attribution.rotation.access import ROTATION_RUNNERS, runs_rotation
from attribution.rotation.fairness import fairness_report
from attribution.rotation.queue import day_or_today, roster_of, rotation_queue, today
from attribution.rotation.receptions import open_reception, walk_in_receive
from attribution.rotation.roster import roster_candidates, roster_set, rotation_status_set
from projects.access import staff_in_project
from projects.models import Project
from projects.pages import page_project, render_local
from projects.roles import DESK_ROLES
from salesoffice.errors import DomainError

BAR = "attribution/partials/rotation_bar.html"


# -- the bar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    entry: RosterEntry
    place: int
    is_next: bool
    may_toggle: bool


@dataclass(frozen=True)
class OpenReception:
    reception: Reception
    seconds_left: int  # negative once the deadline has passed

    @property
    def overdue(self) -> bool:
        return self.seconds_left < 0

    @property
    def countdown(self) -> str:
        """mm:ss left, as the page's script keeps showing it."""
        minutes, seconds = divmod(max(self.seconds_left, 0), 60)
        return f"{minutes:02d}:{seconds:02d}"


def bar_context(request, project: Project, error: DomainError | None = None) -> dict:
    now = timezone.now()
    queue = rotation_queue(project=project, now=now)
    # Decided once for the viewer, not per card: a consultant toggles only their own state.
    runs = runs_rotation(request.user, project)
    items = [
        QueueItem(entry, place, entry is queue.next, runs or entry.consultant_id == request.user.pk)
        for place, entry in enumerate(queue.entries, start=1)
    ]
    reception = open_reception(project=project, viewer=request.user, now=now)
    pending = None
    if reception is not None:
        pending = OpenReception(reception, int((reception.register_by - now).total_seconds()))
    return {
        "queue": queue,
        "items": items,
        "next": queue.next.consultant if queue.next else None,
        "pending": pending,
        "states": RotationState.choices,
        "error": error,
        "runs_rotation": runs,
    }


def _bar(request, project: Project, error: DomainError | None = None, trigger: dict | None = None):
    response = render_local(request, project, BAR, bar_context(request, project, error))
    if trigger:
        # The desk can listen for it (e.g. to carry the reception into its registration form).
        response["HX-Trigger"] = json.dumps(trigger)
    return response


@login_required
@require_GET
def rotation_bar(request, code):
    project = page_project(request, code, DESK_ROLES)
    return _bar(request, project)


@login_required
@require_POST
def rotation_bar_receive(request, code):
    project = page_project(request, code, DESK_ROLES)
    try:
        reception = walk_in_receive(
            project=project, phone=request.POST.get("phone"), acting_user=request.user
        )
    except DomainError as exc:
        return _bar(request, project, error=exc)
    event = {"reception": reception.pk, "consultant": reception.consultant.username}
    return _bar(request, project, trigger={"rotation-received": event})


@login_required
@require_POST
def rotation_bar_status(request, code):
    project = page_project(request, code, DESK_ROLES)
    try:
        rotation_status_set(
            project=project,
            consultant=staff_in_project(project, request.POST.get("consultant", "")),
            state=request.POST.get("state", ""),
            acting_user=request.user,
        )
    except DomainError as exc:
        return _bar(request, project, error=exc)
    return _bar(request, project)


# -- the clerk's page: the day's order ---------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    user: object
    on_duty: bool
    entry: RosterEntry | None


def roster_rows(project: Project, day: dt.date) -> list[RosterRow]:
    """The day's roster in order, then everyone else who could be on it, by name."""
    entries = roster_of(project, day)
    on_duty = {e.consultant_id for e in entries}
    rows = [RosterRow(e.consultant, True, e) for e in entries]
    rows += [
        RosterRow(user, False, None)
        for user in roster_candidates(project)
        if user.pk not in on_duty
    ]
    return rows


def _usernames(joined: str | None) -> list[str] | None:
    """The queue the form was rendered with ("alice,bob"); None when the form sent none."""
    if joined is None:
        return None
    return [name for name in joined.split(",") if name]


def _page_day(request, project: Project) -> tuple[dt.date, str]:
    raw = request.POST.get("date") or request.GET.get("date")
    try:
        return day_or_today(raw, project), ""
    except DomainError as exc:
        return today(project, timezone.now()), exc.detail


@login_required
@require_http_methods(["GET", "POST"])
def rotation_page(request, code):
    project = page_project(request, code, ROTATION_RUNNERS)
    day, error = _page_day(request, project)
    if request.method == "POST" and not error:
        try:
            roster_set(
                project=project,
                date=day,
                usernames=request.POST.getlist("order"),
                acting_user=request.user,
                expected=_usernames(request.POST.get("expected")),
            )
        except DomainError as exc:
            error = exc.detail
        else:
            url = reverse("rotation", kwargs={"code": project.code})
            return redirect(f"{url}?date={day.isoformat()}&saved=1")
    rows = roster_rows(project, day)
    context = {
        "day": day,
        "is_today": day == today(project, timezone.now()),
        "rows": rows,
        "expected": ",".join(row.user.username for row in rows if row.on_duty),
        "roster_error": error,
        "saved": request.GET.get("saved") == "1" and not error,
        **bar_context(request, project),
    }
    return render_local(request, project, "attribution/rotation.html", context)


# -- the fairness report -----------------------------------------------------------------------


@login_required
@require_GET
def rotation_report(request, code):
    project = page_project(request, code, ROTATION_RUNNERS)
    day, error = _page_day(request, project)
    report = fairness_report(project=project, day=day)
    context = {
        "report": report,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "date_error": error,
        "flagged_total": sum(row.unregistered for row in report.rows),
    }
    return render_local(request, project, "attribution/rotation_report.html", context)
