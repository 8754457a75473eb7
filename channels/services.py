"""Writes of the channels app (A13): reports, visit confirmations, signatures.

Every operation is atomic and reads the clock once. Nothing a user does is lost: a refused
report is stored with its refusal, and a visit that ends a report (too late, or not matching)
stores that end, *before* the refusal is raised. So call these outside any transaction that an
error would roll back (views do; the project does not use ATOMIC_REQUESTS).

The site's own records win against a report: whether the customer already has a live claim,
was received on site, or was reported by another channel is checked at the moment the report
is entered, not at the time the agent says they reported (which only starts the validity).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from attribution.models import Reception
from attribution.policy import Policy
from attribution.selectors import policy_in_force, verdicts_for
from attribution.windows import day_bounds, local_day, window_end
from channels.matching import (
    VisiblePhone,
    names_match,
    parse_visible_phone,
    phone_matches,
    visible_overlap,
)
from channels.models import (
    ChannelReport,
    ConfirmationSignature,
    ReportEnd,
    ReportEndOutcome,
    SignatureParty,
    SkimmingFlag,
    VisitConfirmation,
)
from customers.models import Customer, Kind, Registration
from customers.phones import mask_phone
from customers.validity import attribution_time, name_defect, reason_text
from projects.access import display_name, has_role, is_member
from projects.models import Membership, Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotFound, NotPermitted

# pg_advisory_xact_lock(namespace, project and digits): two reports of one phone are decided
# one after the other, so the earlier one is the one that wins.
REPORT_LOCK_NAMESPACE = 0x4348  # "CH"
# The verdicts that mean the household is somebody's: a live claim or a deal (A13).
TAKEN = ("active", "disputed", "locked")
EXAMPLE_PHONE = "13800138000"
FRONT_DESK = (Role.CLERK, Role.MANAGER)


def refusal_text(code: str) -> str:
    texts = {
        "invalid_phone_visible": _(
            "The visible phone must show exactly the digits the project asks for, the rest as *."
        ),
        "reported_in_future": _("The report time is in the future."),
        "report_duplicate": _(
            "Another channel reported this customer first and that report is still valid: "
            "the earliest report wins."
        ),
        "already_customer": _("This customer is already the site's customer."),
    }
    return str(texts.get(code) or reason_text(code))


class ReportRefused(DomainError):
    """A report stored as refused: 400 for what was typed wrong, 409 for the site's rules."""

    FIELDS = {
        "invalid_phone_visible": "phone_visible",
        "name_missing": "name",
        "name_incomplete": "name",
        "reported_in_future": "reported_at",
    }

    def __init__(self, report: ChannelReport) -> None:
        field_name = self.FIELDS.get(report.refusal_code)
        self.status_code = 400 if field_name else 409
        super().__init__(
            report.refusal_reason,
            code=report.refusal_code,
            fields={field_name: [report.refusal_reason]} if field_name else None,
            extra={"id": report.pk, "status": "refused"},
        )


# -- who may do what ---------------------------------------------------------------------------


def ensure_channel_agent(user, project: Project) -> None:
    if not (has_role(user, Role.CHANNEL) and is_member(user, project)):
        raise NotPermitted(_("Only the project's channel agents report customers."))


def ensure_front_desk(user, project: Project) -> None:
    """Clerks and managers confirm visits (API.md); consultants and agents do not."""
    if not (user.is_superuser or (has_role(user, *FRONT_DESK) and is_member(user, project))):
        raise NotPermitted(_("Only a clerk or a manager confirms a channel visit."))


def channel_of(agent, project: Project) -> str:
    """The agent's company (Membership.channel_name); an independent agent is their own."""
    name = (
        Membership.objects.filter(project=project, user=agent)
        .values_list("channel_name", flat=True)
        .first()
    )
    return name or display_name(agent)


def phone_pattern(policy: Policy) -> str:
    """What an agent types under this policy, e.g. 138****8000."""
    return mask_phone(EXAMPLE_PHONE, *policy.visible_digits)


# -- reporting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    name: str
    gender: str = ""
    phone_visible: str = ""
    reported_at: datetime | None = None  # aware; the entry time when not given


@dataclass(frozen=True)
class Visit:
    """A visitor the site received: a rotation reception, or a visit's registration."""

    received_at: datetime
    reception_id: int | None = None
    registration_id: int | None = None


@dataclass
class SiteFacts:
    """What the site knows about the reported digits when the report is entered."""

    duplicate: ChannelReport | None = None
    visits: list[Visit] = field(default_factory=list)
    taken: list[Customer] = field(default_factory=list)
    returning: list[Customer] = field(default_factory=list)


def channel_report_create(*, project: Project, agent, data: ReportInput) -> ChannelReport:
    """报备. Returns the valid report; a refused one is stored, then raised as ReportRefused."""
    ensure_channel_agent(agent, project)
    with transaction.atomic():
        now = timezone.now()
        policy = policy_in_force(project, now)
        report = _report_as_given(project, agent, data, policy, now)
        visible = parse_visible_phone(data.phone_visible, *policy.visible_digits)
        code = _input_defect(report, visible, now)
        site = SiteFacts()
        if code is None:
            report.phone_head, report.phone_tail = visible.head, visible.tail
            _lock_digits(project, visible)
            site = _site_facts(report, policy, now)
            code = _site_refusal(site)
        _decide(report, code, site, policy, now)
        report.save()
        if site.visits:
            _flag_skimming(report, site.visits, now)
    if report.refused:
        raise ReportRefused(report)
    return report


def _report_as_given(project, agent, data: ReportInput, policy: Policy, now) -> ChannelReport:
    reported_at = data.reported_at or now
    return ChannelReport(
        project=project,
        agent=agent,
        channel_name=channel_of(agent, project),
        name=data.name.strip()[:100],
        gender=data.gender,
        phone_visible=data.phone_visible.strip()[:32],
        reported_at=reported_at,
        # Like a registration: the real time if entered promptly, else the entry time.
        attributed_at=min(attribution_time(reported_at, now, policy.max_entry_delay_hours), now),
        entered_at=now,
        entered_by=agent,
    )


def _input_defect(report: ChannelReport, visible: VisiblePhone | None, now) -> str | None:
    if visible is None:
        return "invalid_phone_visible"
    defect = name_defect(report.name, report.gender)
    if defect:
        return defect
    if report.reported_at > now:
        return "reported_in_future"
    return None


def _site_refusal(site: SiteFacts) -> str | None:
    """Earliest report wins; then the site's own visitors and claims (A13, §5)."""
    if site.duplicate is not None:
        return "report_duplicate"
    if site.visits or site.taken:
        return "already_customer"
    return None


def _decide(report: ChannelReport, code: str | None, site: SiteFacts, policy: Policy, now):
    tz = report.project.tzinfo
    if code is None:
        report.valid_until = window_end(report.attributed_at, policy.channel_report_valid_days, tz)
        # A household in the pool may be reported; the manager sees it was the site's.
        report.site_customer = _same_name_first(site.returning, report.name)
        return
    report.refusal_code = code
    report.refusal_reason = refusal_text(code)
    if code == "invalid_phone_visible":
        report.refusal_reason += " " + _("Example: %(pattern)s.") % {
            "pattern": phone_pattern(policy)
        }
    report.duplicate_of = site.duplicate
    report.site_customer = _same_name_first(site.taken, report.name)


def _same_name_first(customers: list[Customer], name: str) -> Customer | None:
    same = [c for c in customers if names_match(c.name, name)]
    return (same or customers or [None])[0]


def _lock_digits(project: Project, visible: VisiblePhone) -> None:
    if connection.vendor != "postgresql":
        return
    # The last four digits: visible under every usual policy, so a policy change does not
    # put two reports of one phone under different locks.
    key = zlib.crc32(f"{project.pk}:{visible.tail[-4:]}".encode())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [REPORT_LOCK_NAMESPACE, key - 2**32 if key >= 2**31 else key],
        )


def _site_facts(report: ChannelReport, policy: Policy, now: datetime) -> SiteFacts:
    duplicate = live_report_matching(report, now)
    if duplicate is not None:
        return SiteFacts(duplicate=duplicate)
    customers = _customers_matching(report)
    verdicts = verdicts_for(report.project, {c.household_id for c in customers}, now)
    taken = [c for c in customers if verdicts[c.household_id].status in TAKEN]
    return SiteFacts(
        visits=_visits_before(report, policy, now),
        taken=taken,
        returning=[c for c in customers if c not in taken],
    )


def _digits(report: ChannelReport) -> dict:
    return {"phone__startswith": report.phone_head, "phone__endswith": report.phone_tail}


def _customers_matching(report: ChannelReport) -> list[Customer]:
    return list(Customer.objects.filter(project=report.project, **_digits(report)).order_by("id"))


def live_report_matching(report: ChannelReport, now: datetime) -> ChannelReport | None:
    """The earliest report still live now (valid and not lapsed, or confirmed and protected)
    with the same name and visible digits."""
    candidates = (
        ChannelReport.objects.filter(
            project=report.project,
            refusal_code="",
            phone_tail__endswith=report.phone_tail[-4:],
        )
        .exclude(pk=report.pk)
        .exclude(ends__outcome=ReportEndOutcome.INVALID)
        .filter(
            Q(confirmation__isnull=True, valid_until__gte=now)
            | Q(confirmation__protected_until__gte=now)
        )
        .order_by("attributed_at", "id")
    )
    return next(
        (
            c
            for c in candidates
            if names_match(c.name, report.name)
            and visible_overlap(c.phone_head, c.phone_tail, report.phone_head, report.phone_tail)
        ),
        None,
    )


def _visits_before(report: ChannelReport, policy: Policy, now: datetime) -> list[Visit]:
    """Visitors received on site before the report was entered, whose visit would still be
    covered by a report's validity (a visit on local day D counts through D + N)."""
    tz = report.project.tzinfo
    first_day = local_day(report.attributed_at, tz) - timedelta(
        days=policy.channel_report_valid_days
    )
    since = day_bounds(first_day, tz)[0]
    receptions = list(
        Reception.objects.filter(
            project=report.project, received_at__gte=since, received_at__lt=now, **_digits(report)
        )
        .exclude(phone="")
        .values_list("pk", "received_at", "recorded_for_id")
    )
    seen = {recorded for _, _, recorded in receptions if recorded}
    visits = [Visit(received_at, reception_id=pk) for pk, received_at, _ in receptions]
    registrations = Registration.objects.filter(
        project=report.project,
        kind=Kind.VISIT,
        occurred_at__gte=since,
        occurred_at__lt=now,
        **_digits(report),
    ).values_list("pk", "occurred_at", "reception_id")
    received = {pk for pk, _, _ in receptions}
    visits += [
        Visit(occurred_at, registration_id=pk)
        for pk, occurred_at, reception in registrations
        if pk not in seen and reception not in received
    ]
    return visits


def _flag_skimming(report: ChannelReport, visits: list[Visit], now: datetime) -> None:
    """§5: the usual skimming is a walk-in left unregistered, then reported by a channel."""
    SkimmingFlag.objects.bulk_create(
        SkimmingFlag(
            report=report,
            reception_id=v.reception_id,
            registration_id=v.registration_id,
            received_at=v.received_at,
            entered_at=now,
        )
        for v in visits
    )
    _tell_managers_of_skimming(report, min(v.received_at for v in visits))


def _tell_managers_of_skimming(report: ChannelReport, received_at: datetime) -> None:
    project = report.project
    notify(
        recipients=managers_of(project),
        kind="channel_report_skimming",
        params={
            "agent": display_name(report.agent),
            "channel": report.channel_name,
            "customer": report.name,
            "phone": report.phone_visible,
            "time": formats.date_format(received_at.astimezone(project.tzinfo), "DATETIME_FORMAT"),
        },
        project=project,
        url=f"/p/{project.code}/channel-reports/?status=refused",
        key=f"channel_skimming:{report.pk}",
    )


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
        _flag_skimming(report, [flag], now)
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
