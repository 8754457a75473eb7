"""Pages of the channels app: the agent's portal (/channel/) and the front desk's 报备信息登记表.

Thin views over the services the API uses. Whatever a user can get wrong comes back as a
sentence on the page, never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution.selectors import policy_in_force
from attribution.windows import local_day
from channels import selectors
from channels.confirmation import (
    confirmation_sign,
    end_text,
    party_of,
    unknown_registration,
    visit_confirm,
)
from channels.forms import ChannelReportForm
from channels.models import ChannelReport, ReportStatus, SignatureParty, VisitConfirmation
from channels.reporting import (
    ReportInput,
    ReportRefused,
    channel_report_create,
    phone_pattern,
    refusal_text,
)
from customers.models import Registration
from projects.access import projects_of
from projects.models import Project
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError

PAGE_SIZE = 50
AGENTS = (Role.CHANNEL,)
FRONT_DESK = (Role.CLERK, Role.MANAGER)
STATUS_TABS = (
    ReportStatus.VALID,
    ReportStatus.CONFIRMED,
    ReportStatus.LAPSED,
    ReportStatus.INVALID,
    ReportStatus.REFUSED,
)


@dataclass(frozen=True)
class ReportRow:
    report: ChannelReport
    status: str
    confirmation: VisitConfirmation | None
    days_left: int | None  # whole local days left while the report waits for the visit
    signed_by: dict  # party -> signature
    to_sign: bool  # the viewer may sign it now
    visits: tuple[Registration, ...] = ()  # the day's registrations that may confirm it

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label

    @property
    def reason(self) -> str:
        """Why a report was refused or ended, in the reader's language."""
        report = self.report
        if report.refused:
            return refusal_text(report.refusal_code)
        end = report.invalid_end()
        return end_text(end.code) if end else ""


def report_row(report: ChannelReport, user, now: datetime, visits=()) -> ReportRow:
    tz = report.project.tzinfo
    status = report.status_at(now)
    confirmation = getattr(report, "confirmation", None)
    signed = {s.party: s for s in confirmation.signatures.all()} if confirmation else {}
    days_left = None
    if status == ReportStatus.VALID:
        days_left = (local_day(report.valid_until, tz) - local_day(now, tz)).days
    return ReportRow(
        report=report,
        status=status,
        confirmation=confirmation,
        days_left=days_left,
        signed_by=signed,
        to_sign=bool(confirmation) and _may_sign(user, signed),
        visits=tuple(selectors.matching_visits(report, visits))
        if status == ReportStatus.VALID
        else (),
    )


def _may_sign(user, signed: dict) -> bool:
    try:
        party = party_of(user)
    except DomainError:
        return False
    return party not in signed and all(s.signer_id != user.pk for s in signed.values())


# -- the agent's portal ------------------------------------------------------------------------


def agent_project(request, code: str | None) -> Project:
    """The project of the portal: the one named, or the agent's first."""
    if code is None:
        first = projects_of(request.user).order_by("code").first()
        if first is None:
            raise Http404
        code = first.code
    return page_project(request, code, AGENTS)


def report_form(project: Project, data=None) -> ChannelReportForm:
    policy = policy_in_force(project)
    return ChannelReportForm(data, pattern=phone_pattern(policy), digits=policy.visible_digits)


def portal_page(request, project: Project, form: ChannelReportForm | None = None):
    now = timezone.now()
    reports = selectors.reports_of_agent(agent=request.user, project=project)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form or report_form(project),
        "page": page,
        "rows": [report_row(r, request.user, now) for r in page],
        "projects": projects_of(request.user).order_by("code"),
    }
    return render_local(request, project, "channels/portal.html", context)


@login_required
@require_GET
def portal(request, code: str | None = None):
    return portal_page(request, agent_project(request, code))


@login_required
@require_POST
def portal_report(request, code: str):
    project = agent_project(request, code)
    form = report_form(project, request.POST)
    if not form.is_valid():
        return portal_page(request, project, form)
    try:
        report = channel_report_create(
            project=project, agent=request.user, data=ReportInput(**form.cleaned_data)
        )
    except ReportRefused as exc:
        if exc.fields:  # something the agent typed: say so next to it, keep what was typed
            for name, errors in exc.fields.items():
                form.add_error(name if name in form.fields else None, errors)
            return portal_page(request, project, form)
        messages.error(request, exc.detail)
        return redirect("channel-portal", code=project.code)
    until = local_text(report.valid_until, project, "DATETIME_FORMAT")
    messages.success(request, _("Reported. Valid until %(until)s.") % {"until": until})
    return redirect("channel-portal", code=project.code)


@login_required
@require_POST
def portal_sign(request, code: str, pk: int):
    project = agent_project(request, code)
    _sign(request, pk)
    return redirect("channel-portal", code=project.code)


def _sign(request, pk: int) -> None:
    try:
        report = selectors.report_for(request.user, pk)
        confirmation_sign(report=report, acting_user=request.user)
        messages.success(request, _("Signed."))
    except DomainError as exc:
        messages.error(request, exc.detail)


# -- the front desk's list (报备信息登记表) ----------------------------------------------------


@login_required
@require_GET
def reports_page(request, code: str):
    project = page_project(request, code, FRONT_DESK)
    now = timezone.now()
    status = request.GET.get("status") or None
    status = status if status in STATUS_TABS else None
    reports = selectors.with_status(selectors.reports_of_project(project=project), status, now)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    visits = selectors.day_visits(project=project, now=now)
    context = {
        "page": page,
        "rows": [report_row(r, request.user, now, visits) for r in page],
        "status": status,
        "tabs": [(s, ReportStatus(s).label) for s in STATUS_TABS],
        "parties": SignatureParty.choices,
    }
    return render_local(request, project, "channels/reports.html", context)


def back_to_list(request, project: Project):
    url = reverse("channel-reports", kwargs={"code": project.code})
    status = request.POST.get("status")
    return redirect(f"{url}?status={status}" if status in STATUS_TABS else url)


@login_required
@require_POST
def report_confirm(request, code: str, pk: int):
    """Confirm the visit with one of the day's matching registrations."""
    project = page_project(request, code, FRONT_DESK)
    registration = Registration.objects.filter(
        pk=_int(request.POST.get("registration")), project=project
    ).first()
    try:
        if registration is None:
            raise unknown_registration()
        report = selectors.report_for(request.user, pk)
        if report.project_id != project.pk:
            raise Http404
        confirmation = visit_confirm(
            report=report, registration=registration, acting_user=request.user
        )
        messages.success(
            request,
            _("Visit confirmed: %(channel)s is protected until %(until)s.")
            % {
                "channel": report.channel_name,
                "until": local_text(confirmation.protected_until, project, "MONTH_DAY_FORMAT"),
            },
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    return back_to_list(request, project)


@login_required
@require_POST
def report_sign(request, code: str, pk: int):
    project = page_project(request, code, FRONT_DESK)
    _sign(request, pk)
    return back_to_list(request, project)


def local_text(value: datetime, project: Project, fmt: str) -> str:
    return formats.date_format(value.astimezone(project.tzinfo), fmt)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
