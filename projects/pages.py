"""Small pieces shared by the server-rendered pages (front desk, customer page)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from projects.access import has_role, project_for
from projects.models import Project
from projects.roles import DESK_ROLES
from salesoffice.errors import NotFound


def page_project(request, code: str, roles: tuple[str, ...] = DESK_ROLES) -> Project:
    """The project of a page URL: 404 outside the user's projects, 403 for other roles."""
    try:
        project = project_for(request.user, code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if not has_role(request.user, *roles):
        raise PermissionDenied
    return project


def or_404(find, *args):
    """What ``find`` finds, a page's 404 where it raises the services' NotFound (a record
    outside the viewer's projects or reach)."""
    try:
        return find(*args)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def first_error(form) -> str:
    """The sentence a refused form is flashed with: its first error."""
    return next(iter(form.errors.values()))[0]


def render_local(request, project: Project, template: str, context: dict, **kwargs):
    """Render with the project's clock: a Shanghai office reads 10:00, whatever the server's."""
    # The navigation follows the project being worked in, also on pages whose URL has no code.
    request.current_project = project
    with timezone.override(project.tzinfo):
        return render(request, template, {"project": project, **context}, **kwargs)
