"""The channel: 安居房产经纪's agreement and its agent's reports (报备, A13) over the month.

One report became a buyer (confirmed, three signatures: the deal's commission gives the channel
its share), one is confirmed and waits for the manager's signature, one lapsed without a visit,
one is still valid, and two were refused: a duplicate of the valid one, and a customer the site
already had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib import admin
from django.test import RequestFactory

from channels.confirmation import confirmation_sign, visit_confirm
from channels.models import ChannelAgreement
from channels.reporting import ReportInput, ReportRefused, channel_report_create
from customers.models import Registration
from customers.phones import mask_phone
from demo.casting import Casting
from demo.clock import Calendar
from demo.history import History, Track
from demo.office import Office, Step
from demo.people import Person
from demo.sales import Deal
from demo.staff import AGENT, CHANNEL_NAME, CLERKS, MANAGER

SHARE_PERCENT = Decimal("30.00")
# What the preset shows of a phone to agents (channel_phone_visible "3+4": 138****8000).
VISIBLE = (3, 4)


class DemoRefusalMissing(RuntimeError):
    """A report the story expects the site to refuse was accepted: the story is wrong."""


@dataclass(frozen=True)
class AgreementStep(Step):
    """Agreements have no service of their own: they are kept in the admin (channels/admin.py).
    So the superuser saves this one through the admin's own form and ``save_model``, as on the
    admin's add page, with the same validation, history user and log entry."""

    valid_from: date

    def apply(self, office: Office) -> None:
        model_admin = admin.site._registry[ChannelAgreement]
        request = RequestFactory().post("/admin/channels/channelagreement/add/")
        request.user = office.user("admin")
        form = model_admin.get_form(request, None, change=False)(
            data={
                "project": office.project.pk,
                "channel_name": CHANNEL_NAME,
                "share_percent": str(SHARE_PERCENT),
                "valid_from": self.valid_from.isoformat(),
                "valid_to": "",
                "note": "渠道带客成交，佣金按成交佣金的30%结算，按季度支付",
            }
        )
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        agreement = form.save(commit=False)
        agreement._history_user = request.user  # what the history middleware does for a page
        model_admin.save_model(request, agreement, form, change=False)
        model_admin.log_addition(request, agreement, [{"added": {}}])


@dataclass(frozen=True)
class ReportStep(Step):
    report: str  # the name it is kept under
    name: str
    gender: str
    phone_visible: str
    refused: str = ""  # the refusal code the site answers with, if it refuses

    def apply(self, office: Office) -> None:
        data = ReportInput(name=self.name, gender=self.gender, phone_visible=self.phone_visible)
        try:
            report = channel_report_create(
                project=office.project, agent=office.user(AGENT), data=data
            )
        except ReportRefused as refusal:
            # Stored with its refusal before it was raised: the agent's page lists it.
            if refusal.code != self.refused:
                raise
            return
        if self.refused:
            raise DemoRefusalMissing(f"{self.report} was not refused ({self.refused})")
        office.keep(self.report, report)


@dataclass(frozen=True)
class ConfirmStep(Step):
    """The front desk confirms the reported customer's first visit (到访确认)."""

    report: str
    phone: str

    def apply(self, office: Office) -> None:
        visit = (
            Registration.objects.filter(project=office.project, phone=self.phone, kind="visit")
            .order_by("occurred_at")
            .first()
        )
        visit_confirm(
            report=office.ref(self.report), registration=visit, acting_user=office.user(CLERKS[0])
        )


@dataclass(frozen=True)
class SignStep(Step):
    report: str
    by: str

    def apply(self, office: Office) -> None:
        confirmation_sign(report=office.ref(self.report), acting_user=office.user(self.by))


def report(at: datetime, name: str, person: Person, refused: str = "") -> ReportStep:
    visible = mask_phone(person.phone, *VISIBLE)
    return ReportStep(at, name, person.name, person.gender, visible, refused)


def reported_before_visit(cal: Calendar, name: str, track: Track, signers: tuple[str, ...]):
    """Reported the afternoon before the first visit; confirmed once the visit is entered,
    then signed by the agent an hour later and by whoever else follows the next morning."""
    first = track.first
    confirmed = first.entered_at + timedelta(minutes=15)
    steps = [
        report(cal.at(cal.days_ago_of(first.occurred_at) + 1, "15:00"), name, track.person),
        ConfirmStep(confirmed, name, track.person.phone),
        SignStep(confirmed + timedelta(hours=1), name, AGENT),
    ]
    next_morning = cal.at(cal.days_ago_of(first.occurred_at) - 1, "09:30")
    return steps + [SignStep(next_morning, name, signer) for signer in signers]


def plan_channels(
    cal: Calendar, history: History, casting: Casting, deals: dict[str, Deal], opened: datetime
) -> list[Step]:
    valid = history.people.person()
    taken = casting.pick(first=(4, 7), kind="call")
    return [
        AgreementStep(opened + timedelta(hours=1), opened.astimezone(cal.tz).date()),
        report(cal.at(16, "11:00"), "R-lapsed", history.people.person()),
        *reported_before_visit(cal, "R-bought", deals["C4"].track, (MANAGER,)),
        *reported_before_visit(cal, "R-confirmed", casting.pick(first=(3, 9)), ()),
        report(cal.at(3, "14:00"), "R-taken", taken.person, refused="already_customer"),
        report(cal.at(2, "16:30"), "R-valid", valid),
        report(cal.at(1, "10:00"), "R-duplicate", valid, refused="report_duplicate"),
    ]
