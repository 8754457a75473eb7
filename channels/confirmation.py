"""Visit confirmations (到访确认, A13) and their signatures (三方确认).

A registered visit confirms a report when it is in time and matches it; a visit that ends the
report instead (too late, before the report, or not matching) stores that end *before* the
refusal is raised. So call ``visit_confirm`` outside any transaction that an error would roll
back (views do; the project does not use ATOMIC_REQUESTS). Each write is atomic and reads the
clock once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from attribution.selectors import policy_in_force
from attribution.windows import window_end
from channels.matching import names_match, phone_matches
from channels.models import (
    ChannelReport,
    ConfirmationSignature,
    ReportEnd,
    ReportEndOutcome,
    SignatureParty,
    VisitConfirmation,
)
from channels.skimming import Visit, flag_skimming
from customers.models import Kind, Registration
from projects.access import has_role, is_member
from projects.models import Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotFound, NotPermitted

FRONT_DESK = (Role.CLERK, Role.MANAGER)


def ensure_front_desk(user, project: Project) -> None:
    """Clerks and managers confirm visits (API.md); consultants and agents do not."""
    if not (user.is_superuser or (has_role(user, *FRONT_DESK) and is_member(user, project))):
        raise NotPermitted(_("Only a clerk or a manager confirms a channel visit."))


# -- visit confirmation (到访确认) ---------------------------------------------------------------


def unknown_registration() -> DomainError:
    return DomainError(
        _("No such registration in this project."),
        code="unknown_registration",
        fields={"registration": [_("Unknown registration.")]},
    )


def visit_confirm(
    *, report: ChannelReport, registration: Registration, acting_user
) -> VisitConfirmation:
    """A registered visit confirms the report when it is in time and matches it. A late visit
    lapses the report (``report_lapsed``); a mismatching one makes it invalid
    (``report_mismatch``); a visit before the report shows the site received the customer
    first (``already_customer``, flagged). Those ends are stored, then raised."""
    project = report.project
    ensure_front_desk(acting_user, project)
    if registration.project_id != project.pk:
        raise unknown_registration()
    with transaction.atomic():
        report = (
            ChannelReport.objects.select_for_update().select_related("project").get(pk=report.pk)
        )
        now = timezone.now()
        existing = VisitConfirmation.objects.filter(report=report).first()
        if existing is not None:
            return _confirmed_already(existing, registration)
        _ensure_confirmable(report, registration)
        end = _visit_ends_report(report, registration, acting_user, now)
        if end is None:
            return _confirm(report, registration, acting_user, now)
    raise Conflict(end.reason, code=end.code)


def _confirmed_already(existing: VisitConfirmation, registration) -> VisitConfirmation:
    """The same confirmation twice is one confirmation (a retried request)."""
    if existing.registration_id == registration.pk:
        return existing
    raise Conflict(
        _("This report is already confirmed by an earlier visit."), code="already_confirmed"
    )


def _ensure_confirmable(report: ChannelReport, registration: Registration) -> None:
    if report.refused:
        raise Conflict(_("A refused report cannot be confirmed."), code="report_refused")
    if report.ends.filter(outcome=ReportEndOutcome.INVALID).exists():
        raise Conflict(
            _("This report is invalid: a visit did not match it."), code="report_invalid"
        )
    if registration.kind != Kind.VISIT:
        raise Conflict(_("Only a visit confirms a report, not a call."), code="not_a_visit")
    if not registration.valid or registration.customer_id is None:
        raise Conflict(
            _("This registration is invalid; register the visit completely first."),
            code="registration_invalid",
        )
    if VisitConfirmation.objects.filter(registration=registration).exists():
        raise Conflict(_("This visit already confirms another report."), code="registration_used")


def _visit_ends_report(
    report: ChannelReport, registration: Registration, acting_user, now: datetime
) -> ReportEnd | None:
    visit_at = registration.attributed_at
    if visit_at > report.valid_until:
        return _end(
            report, ReportEndOutcome.LAPSED, "report_lapsed", registration, acting_user, now
        )
    if visit_at < report.attributed_at:
        flag = Visit(visit_at, registration_id=registration.pk)
        flag_skimming(report, [flag], now)
        return _end(
            report, ReportEndOutcome.INVALID, "already_customer", registration, acting_user, now
        )
    if not (
        names_match(registration.name, report.name)
        and phone_matches(registration.phone, report.phone_head, report.phone_tail)
    ):
        return _end(
            report, ReportEndOutcome.INVALID, "report_mismatch", registration, acting_user, now
        )
    return None


END_REASONS = {
    "report_lapsed": lambda: _("The report lapsed: the customer did not visit in time."),
    "already_customer": lambda: _(
        "The customer visited before the report: the site's customer, the report is invalid."
    ),
    "report_mismatch": lambda: _(
        "The visit's name or phone does not match the report: the report is invalid."
    ),
}


def end_text(code: str) -> str:
    reason = END_REASONS.get(code)
    return reason() if reason else code


def _end(report, outcome: str, code: str, registration, acting_user, now) -> ReportEnd:
    existing = report.ends.filter(outcome=outcome).first()
    if existing is not None:  # the lapse job wrote it already
        return existing
    return ReportEnd.objects.create(
        report=report,
        outcome=outcome,
        code=code,
        registration=registration,
        reason=end_text(code),
        entered_at=now,
        entered_by=acting_user,
    )


def _confirm(report, registration, acting_user, now: datetime) -> VisitConfirmation:
    project = report.project
    visit_at = registration.attributed_at
    days = policy_in_force(project, visit_at).channel_visit_protection_days
    confirmation = VisitConfirmation.objects.create(
        report=report,
        registration=registration,
        customer_id=registration.customer_id,
        visit_at=visit_at,
        protected_until=window_end(visit_at, days, project.tzinfo),
        entered_at=now,
        entered_by=acting_user,
    )
    # Whoever confirms at the front desk signs in their own role (三方确认).
    _sign(confirmation, party_of(acting_user), acting_user, now)
    _tell_confirmed(report, confirmation)
    return confirmation


def _tell_confirmed(report: ChannelReport, confirmation: VisitConfirmation) -> None:
    project = report.project
    until = formats.date_format(
        confirmation.protected_until.astimezone(project.tzinfo), "MONTH_DAY_FORMAT"
    )
    params = {"customer": report.name, "channel": report.channel_name, "until": until}
    notify(
        recipients=[report.agent],
        kind="channel_visit_confirmed",
        params=params,
        project=project,
        url=f"/channel/{project.code}/",
    )
    notify(
        recipients=managers_of(project),
        kind="channel_visit_confirmed",
        params=params,
        project=project,
        url=f"/p/{project.code}/channel-reports/?status=confirmed",
    )


# -- signatures (三方确认) -----------------------------------------------------------------------


def party_of(user) -> str:
    if has_role(user, Role.CHANNEL):
        return SignatureParty.AGENT
    if has_role(user, Role.CLERK):
        return SignatureParty.DESK
    if has_role(user, Role.MANAGER):  # superusers act as managers
        return SignatureParty.MANAGER
    raise NotPermitted(_("Only the agent, the front desk and the manager sign a confirmation."))


def confirmation_sign(*, report: ChannelReport, acting_user) -> ConfirmationSignature:
    """The agent who reported, a clerk (front desk) or a manager signs the confirmation."""
    party = party_of(acting_user)
    if party == SignatureParty.AGENT and report.agent_id != acting_user.pk:
        raise NotFound(_("No such report."))
    if party != SignatureParty.AGENT:
        ensure_front_desk(acting_user, report.project)
    with transaction.atomic():
        confirmation = (
            VisitConfirmation.objects.select_for_update().filter(report_id=report.pk).first()
        )
        if confirmation is None:
            raise Conflict(_("Only a confirmed visit is signed."), code="not_confirmed")
        return _sign(confirmation, party, acting_user, timezone.now())


def _sign(confirmation, party: str, user, now: datetime) -> ConfirmationSignature:
    signed = confirmation.signatures.filter(Q(party=party) | Q(signer=user)).first()
    if signed is not None:
        message = (
            _("You signed this confirmation already.")
            if signed.signer_id == user.pk
            else _("This confirmation is signed for that party already.")
        )
        raise Conflict(message, code="already_signed")
    return ConfirmationSignature.objects.create(
        confirmation=confirmation, party=party, signer=user, entered_at=now, entered_by=user
    )
