"""The reports as data: JSON for the API (money as strings with two decimals) and XLSX tables
(money as numbers shown with two decimals). One function per report and format, reading what
the reports computed (reports/visits.py, daily.py, funnel.py, sales.py, overdue.py); nothing
here queries the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from projects.access import display_name, person
from reports.charts import money_text
from reports.daily import ACTIVITIES, Activity, DailyReport
from reports.funnel import FunnelReport
from reports.overdue import OverdueReport
from reports.periods import Period
from reports.sales import MonthSales, SalesReport
from reports.visits import SourceReport, Tally, VisitCallSheet
from salesoffice.api import iso

MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Table:
    """An XLSX sheet: headers, rows, and the columns (0-based) that hold money."""

    headers: list[str]
    rows: list[list]
    money_columns: tuple[int, ...] = ()

    @property
    def number_formats(self) -> dict[int, str]:
        return dict.fromkeys(self.money_columns, MONEY_FORMAT)


def period_json(period: Period) -> dict:
    return {"first": period.first.isoformat(), "last": period.last.isoformat()}


def tally_json(tally: Tally) -> dict:
    return {"visits": tally.visits, "calls": tally.calls, "new_customers": tally.new_customers}


# -- the day's visits and calls -----------------------------------------------------------------


def sheet_json(sheet: VisitCallSheet) -> dict:
    tz = sheet.project.tzinfo
    return {
        "day": sheet.day.isoformat(),
        "totals": {**tally_json(sheet.totals), "invalid": sheet.invalid, "voided": sheet.voided},
        "by_consultant": [
            {"consultant": {"username": t.key, "name": t.label}, **tally_json(t)}
            for t in sheet.by_consultant
        ],
        "by_source": [{"source": t.key, **tally_json(t)} for t in sheet.by_source],
        "by_hour": [
            {"hour": int(t.key), "visits": t.visits, "calls": t.calls} for t in sheet.by_hour
        ],
        "registrations": [
            {
                "id": line.registration.pk,
                "occurred_at": iso(line.registration.occurred_at, tz),
                "kind": line.registration.kind,
                "consultant": person(line.registration.consultant),
                "customer": line.registration.customer_id,
                "name": line.registration.name,
                "gender": line.registration.gender,
                "phone": line.registration.phone,
                "source": line.registration.source,
                "valid": line.registration.valid,
                "voided": line.voided,
                "new_customer": line.new_customer,
            }
            for line in sheet.lines
        ],
    }


def sheet_table(sheet: VisitCallSheet) -> Table:
    tz = sheet.project.tzinfo
    rows = [
        [
            line.registration.occurred_at.astimezone(tz).strftime("%H:%M"),
            line.registration.get_kind_display(),
            display_name(line.registration.consultant),
            line.registration.name,
            line.registration.get_gender_display(),
            line.registration.phone or line.registration.phone_input,
            line.registration.source,
            _("Voided") if line.voided else ("" if line.registration.valid else _("Invalid")),
            line.registration.note,
        ]
        for line in sheet.lines
    ]
    headers = [
        _("Time"),
        _("Kind"),
        _("Consultant"),
        _("Customer"),
        _("Gender"),
        _("Mobile"),
        _("Source"),
        _("Status"),
        _("Note"),
    ]
    return Table(headers, rows)


# -- consultants' daily reports -----------------------------------------------------------------


def activity_json(activity: Activity) -> dict:
    return {name: getattr(activity, name) for name in ACTIVITIES}


def daily_json(report: DailyReport) -> dict:
    def who(a: Activity) -> dict:
        return {"username": a.username, "name": a.name}

    return {
        "period": period_json(report.period),
        "rows": [
            {"day": a.day.isoformat(), "consultant": who(a), **activity_json(a)}
            for a in report.rows
        ],
        "totals": [{"consultant": who(a), **activity_json(a)} for a in report.totals],
        "total": activity_json(report.grand),
    }


def activity_headers() -> list[str]:
    return [
        _("Visits"),
        _("Calls"),
        _("New customers"),
        _("Follow-ups"),
        _("Subscriptions"),
        _("Contracts"),
    ]


def daily_table(report: DailyReport) -> Table:
    rows = [[a.day.isoformat(), a.name, *(getattr(a, n) for n in ACTIVITIES)] for a in report.rows]
    rows += [[_("Total"), a.name, *(getattr(a, n) for n in ACTIVITIES)] for a in report.totals]
    rows.append([_("Total"), "", *(getattr(report.grand, n) for n in ACTIVITIES)])
    return Table([_("Day"), _("Consultant"), *activity_headers()], rows)


# -- sources ------------------------------------------------------------------------------------


def sources_json(report: SourceReport) -> dict:
    return {
        "period": period_json(report.period),
        "sources": [{"source": t.key, **tally_json(t)} for t in report.sources],
        "total": tally_json(report.totals),
    }


def sources_table(report: SourceReport) -> Table:
    rows = [[t.label, t.visits, t.calls, t.new_customers] for t in report.sources]
    rows.append(
        [_("Total"), report.totals.visits, report.totals.calls, report.totals.new_customers]
    )
    return Table([_("Source"), _("Visits"), _("Calls"), _("New customers")], rows)


# -- the funnel ---------------------------------------------------------------------------------


def funnel_json(report: FunnelReport) -> dict:
    return {
        "period": period_json(report.period),
        "stages": [
            {"stage": s.stage, "customers": s.customers, "entered": s.entered, "left": s.left}
            for s in report.stages
        ],
        "transitions": [
            {"from_stage": t.from_stage, "to_stage": t.to_stage, "moves": t.moves}
            for t in report.transitions
        ],
        "lost_reasons": [{"reason": text, "moves": n} for text, n in report.lost_reasons],
    }


def funnel_table(report: FunnelReport) -> Table:
    rows = [[s.label, s.customers, s.entered, s.left] for s in report.stages]
    rows.append([_("Total"), report.customers, None, None])
    headers = [_("Stage"), _("Customers now"), _("Moved in"), _("Moved out")]
    return Table(headers, rows)


# -- sales and collections ----------------------------------------------------------------------

MONEY_FIELDS = (
    "subscription_amount",
    "deposits",
    "contract_amount",
    "received",
    "refunded",
    "collected",
)


def month_sales_json(figures: MonthSales) -> dict:
    body = {
        "subscriptions": figures.subscriptions,
        "cancelled": figures.cancelled,
        "contracts": figures.contracts,
    }
    body.update({name: money_text(getattr(figures, name)) for name in MONEY_FIELDS})
    return body


def sales_json(report: SalesReport) -> dict:
    return {
        "period": period_json(report.period),
        "months": [
            {"month": m.month.strftime("%Y-%m"), **month_sales_json(m)} for m in report.months
        ],
        "total": month_sales_json(report.total),
    }


def _sales_row(label: str, m: MonthSales) -> list:
    money = {name: getattr(m, name) for name in MONEY_FIELDS}
    return [
        label,
        m.subscriptions,
        money["subscription_amount"],
        money["deposits"],
        m.cancelled,
        m.contracts,
        money["contract_amount"],
        money["received"],
        money["refunded"],
        money["collected"],
    ]


def sales_table(report: SalesReport) -> Table:
    rows = [_sales_row(m.month.strftime("%Y-%m"), m) for m in report.months]
    rows.append(_sales_row(_("Total"), report.total))
    headers = [
        _("Month"),
        _("Subscriptions"),
        _("Subscription amount"),
        _("Deposits"),
        _("Cancelled"),
        _("Contracts"),
        _("Contract amount"),
        _("Payments"),
        _("Refunds"),
        _("Collected"),
    ]
    return Table(headers, rows, money_columns=(2, 3, 6, 7, 8, 9))


# -- overdue ------------------------------------------------------------------------------------


def overdue_json(report: OverdueReport) -> dict:
    def bucket(b) -> dict:
        return {"items": b.items, "contracts": b.contracts, "amount": money_text(b.amount)}

    return {
        "day": report.day.isoformat(),
        "items": [
            {
                "contract": i.contract_id,
                "contract_number": i.contract_number,
                "customer": {"id": i.customer_id, "name": i.customer_name},
                "consultant": i.consultant,
                "sequence": i.sequence,
                "label": i.label,
                "due": i.due.isoformat(),
                "amount": money_text(i.amount),
                "unpaid": money_text(i.unpaid),
                "days_overdue": i.days,
            }
            for i in report.items
        ],
        "buckets": [{"days": b.key, **bucket(b)} for b in report.buckets],
        "total": bucket(report.total),
    }


def overdue_table(report: OverdueReport) -> Table:
    rows: list[list] = [
        [
            i.contract_number,
            i.customer_name,
            i.consultant,
            i.label or str(i.sequence),
            i.due.isoformat(),
            i.amount,
            i.unpaid,
            i.days,
        ]
        for i in report.items
    ]
    rows += [[b.label, "", "", "", "", None, b.amount, b.items] for b in report.buckets]
    rows.append([_("Total"), "", "", "", "", None, report.total.amount, report.total.items])
    headers = [
        _("Contract"),
        _("Customer"),
        _("Consultant"),
        _("Instalment"),
        _("Due"),
        _("Amount"),
        _("Unpaid"),
        _("Days overdue"),
    ]
    return Table(headers, rows, money_columns=(5, 6))
