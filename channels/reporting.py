"""Channel reports (报备, A13): an agent's report of a customer, decided when it is entered.

A report is written atomically and reads the clock once. Nothing the agent does is lost: a
refused report is stored with its refusal *before* the refusal is raised. So call it outside
any transaction that an error would roll back (views do; the project does not use
ATOMIC_REQUESTS).

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
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import Reception
from attribution.policy import Policy
from attribution.selectors import policy_in_force, verdicts_for
from attribution.windows import day_bounds, local_day, window_end
from channels.matching import VisiblePhone, names_match, parse_visible_phone, visible_overlap
from channels.models import ChannelReport, ReportEndOutcome
from channels.skimming import Visit, flag_skimming
from customers.models import Customer, Kind, Registration
from customers.phones import mask_phone
from customers.validity import attribution_time, name_defect, reason_text
from projects.access import display_name, has_role, is_member
from projects.models import Membership, Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotPermitted

# pg_advisory_xact_lock(namespace, project and digits): two reports of one phone are decided
# one after the other, so the earlier one is the one that wins.
REPORT_LOCK_NAMESPACE = 0x4348  # "CH"
# The verdicts that mean the household is somebody's: a live claim or a deal (A13).
TAKEN = ("active", "disputed", "locked")
EXAMPLE_PHONE = "13800138000"


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


# -- who reports -------------------------------------------------------------------------------


def ensure_channel_agent(user, project: Project) -> None:
    if not (has_role(user, Role.CHANNEL) and is_member(user, project)):
        raise NotPermitted(_("Only the project's channel agents report customers."))


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
            flag_skimming(report, site.visits, now)
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
