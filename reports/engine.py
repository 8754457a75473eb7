"""The office's reports (issue 5): what the manager reads, computed set-based in SQL.

Every report is a few grouped queries whatever the data size (never a query per row), in the
project's time zone (days and months are local), and each figure is defined here once:

- A **registration** counts unless a clerk voided it with a correction; an invalid one (a caller
  who gave no name) still counts as the visit or call it was, and the sheet marks it.
- A **new customer** is a customer's first registration that was not voided (earliest
  ``occurred_at``, then id), credited to its consultant and its source.
- A **deal** (subscription or contract) counts unless it was cancelled: a cancelled deal is
  shown as such and not counted, as in the commission statements.
- **Collections** are payments less refunds (refunds are negative payments) by ``paid_at``,
  deposits apart (they are credited to the contract, 定金转房款).
- An **overdue item** is a schedule item due before the day asked about that the deposit and
  the payments do not cover when spread over the items in due order (orders/balances.py: the
  schedule sums to the price, the deposit is the first money settled), on a contract not
  cancelled.

Who reads what (decided here, checked by the views and the API):

- the day's visit and call sheet (来人来电表) and visits by source: clerks and managers, since
  the daily sheets are theirs (DOMAIN.md §11) and hold no money;
- consultants' daily reports (业务日报表) and the funnel: managers, who judge the consultants;
- sales and collections, overdue payments (money): managers, and finance, who chase payments;
- consultants: none. Exports: managers only, logged (projects/exports.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, Trim, TruncDate, TruncMonth
from django.utils.translation import gettext as _

from attribution.windows import day_bounds, local_day
from customers.models import Correction, Customer, FollowUp, Kind, Registration, Stage, StageChange
from orders.models import (
    Contract,
    ContractCancellation,
    Payment,
    PaymentKind,
    ScheduleItem,
    Subscription,
)
from projects.access import display_name, has_role, receiving_staff
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import DomainError
from salesoffice.periods import next_month, parse_month, previous_month

User = get_user_model()
ZERO = Decimal("0.00")
MAX_DAYS = 366  # a period longer than a year is refused (period_too_long)

SHEET, DAILY, SOURCES, FUNNEL, SALES, OVERDUE = (
    "visits-calls",
    "daily",
    "sources",
    "funnel",
    "sales",
    "overdue",
)
REPORT_ROLES: dict[str, tuple[str, ...]] = {
    SHEET: (Role.CLERK, Role.MANAGER),
    SOURCES: (Role.CLERK, Role.MANAGER),
    DAILY: (Role.MANAGER,),
    FUNNEL: (Role.MANAGER,),
    SALES: (Role.MANAGER, Role.FINANCE),
    OVERDUE: (Role.MANAGER, Role.FINANCE),
}
# Every role that reads at least one report (the navigation's and the index page's).
ANY_REPORT_ROLES = (Role.CLERK, Role.MANAGER, Role.FINANCE)


def may_read(user, report: str) -> bool:
    return user.is_superuser or has_role(user, *REPORT_ROLES[report])


# -- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` through ``last``, both included."""

    first: date
    last: date

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The first instant of ``first`` and of the day after ``last``, local."""
        return day_bounds(self.first, tz)[0], day_bounds(self.last, tz)[1]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and self.last == next_month(self.first) - timedelta(days=1)

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months

    def neighbours(self) -> tuple[Period | None, Period | None]:
        """The day or month before and after, for the filter's arrows (None for a range)."""
        if self.is_day:
            one = timedelta(days=1)
            return day_period(self.first - one), day_period(self.first + one)
        if self.is_month:
            return month_period(previous_month(self.first)), month_period(next_month(self.first))
        return None, None

    def params(self) -> dict[str, str]:
        """The query string that asks for this period again (links, exports)."""
        if self.is_day:
            return {"day": self.first.isoformat()}
        if self.is_month:
            return {"month": self.first.strftime("%Y-%m")}
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def day_period(day: date) -> Period:
    return Period(day, day)


def month_period(first: date) -> Period:
    return Period(first, next_month(first) - timedelta(days=1))


def months_period(last_month: date, count: int) -> Period:
    first = last_month
    for _i in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, next_month(last_month) - timedelta(days=1))


def _invalid_date(name: str) -> DomainError:
    message = _("Give a day as YYYY-MM-DD (e.g. 2026-03-02) or a month as YYYY-MM.")
    return DomainError(message, code="invalid_date", fields={name: [message]})


def parse_day(text: str, name: str = "day", *, end: bool = False) -> date:
    """``2026-03-02`` → that day; ``2026-03`` → its first day (its last with ``end``)."""
    text = (text or "").strip()
    if len(text) == 7:
        try:
            first = parse_month(text)
        except DomainError as exc:
            raise _invalid_date(name) from exc
        return next_month(first) - timedelta(days=1) if end else first
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid_date(name) from exc


def period_from(params: Mapping[str, str], default: Period) -> Period:
    """The period a report's filter asks for: ``day``, ``month``, or ``from``/``to`` (days or
    months, both included); the default without any. Refusals: ``invalid_date``,
    ``invalid_month``, ``invalid_period`` (from after to), ``period_too_long``."""
    if params.get("day"):
        return day_period(parse_day(params["day"]))
    if params.get("month"):
        return month_period(parse_month(params["month"]))
    if not (params.get("from") or params.get("to")):
        return default
    first = parse_day(params["from"], "from") if params.get("from") else default.first
    last = parse_day(params["to"], "to", end=True) if params.get("to") else default.last
    if first > last:
        message = _("The period ends before it starts.")
        raise DomainError(message, code="invalid_period", fields={"to": [message]})
    if (last - first).days >= MAX_DAYS:
        message = _("Choose a period of at most a year.")
        raise DomainError(message, code="period_too_long", fields={"from": [message]})
    return Period(first, last)


def today_of(project: Project, now: datetime) -> date:
    return local_day(now, project.tzinfo)


# -- shared pieces of the queries ---------------------------------------------------------------


def voided() -> Exists:
    """The registration was voided by a clerk's correction: it is shown, never counted."""
    return Exists(Correction.objects.filter(registration=OuterRef("pk"), void=True))


def _first_of_customer() -> Q:
    """The registration is its customer's first that was not voided: a new customer."""
    earlier = (
        Registration.objects.filter(customer_id=OuterRef("customer_id"))
        .filter(
            Q(occurred_at__lt=OuterRef("occurred_at"))
            | Q(occurred_at=OuterRef("occurred_at"), pk__lt=OuterRef("pk"))
        )
        .filter(~voided())
    )
    return Q(customer__isnull=False) & ~Q(Exists(earlier))


def counted_registrations(project: Project, start: datetime, end: datetime) -> QuerySet:
    return Registration.objects.filter(
        project=project, occurred_at__gte=start, occurred_at__lt=end
    ).filter(~voided())


def registration_counts() -> dict:
    """Conditional counts for a grouped registration query: visits, calls, new customers."""
    return {
        "visits": Count("pk", filter=Q(kind=Kind.VISIT)),
        "calls": Count("pk", filter=Q(kind=Kind.CALL)),
        "new_customers": Count("pk", filter=_first_of_customer()),
    }


def _cancelled_deal() -> Q:
    """A subscription cancelled (退订), or whose contract was (退房)."""
    return Q(cancellation__isnull=False) | Q(contract__cancellation__isnull=False)


def live_subscriptions(project: Project) -> QuerySet:
    return Subscription.objects.filter(project=project).exclude(_cancelled_deal())


def live_contracts(project: Project) -> QuerySet:
    return Contract.objects.filter(project=project, cancellation__isnull=True)


# -- the day's visits and calls (来人来电表) -----------------------------------------------------


@dataclass
class Tally:
    """Visits and calls (and new customers) under one heading: a consultant, a source, an hour."""

    key: str
    label: str
    visits: int = 0
    calls: int = 0
    new_customers: int = 0

    @property
    def total(self) -> int:
        return self.visits + self.calls

    def add(self, kind: str, new: bool) -> None:
        if kind == Kind.VISIT:
            self.visits += 1
        else:
            self.calls += 1
        self.new_customers += new


@dataclass(frozen=True)
class SheetLine:
    registration: Registration
    voided: bool
    new_customer: bool


@dataclass
class VisitCallSheet:
    project: Project
    day: date
    lines: list[SheetLine]
    by_consultant: list[Tally]
    by_hour: list[Tally]
    by_source: list[Tally]
    totals: Tally
    invalid: int
    voided: int


def no_source() -> str:
    return _("Not given")


def _sorted_tallies(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda t: (-t.total, t.label))


def _hours(lines: list[SheetLine], tz: ZoneInfo) -> list[Tally]:
    """Every hour of the office day (08–20 at least), with what came in during it."""
    hours = [line.registration.occurred_at.astimezone(tz).hour for line in lines]
    first, last = min([8, *hours]), max([20, *hours])
    tallies = {h: Tally(str(h), f"{h:02d}:00") for h in range(first, last + 1)}
    for hour, line in zip(hours, lines, strict=True):
        if not line.voided:
            tallies[hour].add(line.registration.kind, line.new_customer)
    return list(tallies.values())


def visit_call_sheet(*, project: Project, day: date) -> VisitCallSheet:
    """The day's registrations by time, kind, consultant and source: one query."""
    tz = project.tzinfo
    start, end = day_bounds(day, tz)
    registrations = (
        Registration.objects.filter(project=project, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("consultant")
        .annotate(
            is_voided=voided(),
            is_new=ExpressionWrapper(_first_of_customer(), output_field=BooleanField()),
        )
        .order_by("occurred_at", "id")
    )
    lines = [SheetLine(r, r.is_voided, bool(r.is_new and not r.is_voided)) for r in registrations]
    consultants: dict[int, Tally] = {}
    sources: dict[str, Tally] = {}
    totals = Tally("total", _("Total"))
    for line in lines:
        if line.voided:
            continue
        r = line.registration
        person = consultants.setdefault(
            r.consultant_id, Tally(r.consultant.username, display_name(r.consultant))
        )
        source = r.source.strip()
        heading = sources.setdefault(source, Tally(source, source or no_source()))
        for tally in (person, heading, totals):
            tally.add(r.kind, line.new_customer)
    return VisitCallSheet(
        project=project,
        day=day,
        lines=lines,
        by_consultant=_sorted_tallies(consultants.values()),
        by_hour=_hours(lines, tz),
        by_source=_sorted_tallies(sources.values()),
        totals=totals,
        invalid=sum(1 for line in lines if not line.voided and not line.registration.valid),
        voided=sum(1 for line in lines if line.voided),
    )


# -- consultants' daily reports (业务日报表) -----------------------------------------------------

ACTIVITIES = ("visits", "calls", "new_customers", "follow_ups", "subscriptions", "contracts")


@dataclass
class Activity:
    """One consultant's work on one day (or over the period, for the totals)."""

    user_id: int
    username: str
    name: str
    day: date | None = None
    visits: int = 0
    calls: int = 0
    new_customers: int = 0
    follow_ups: int = 0
    subscriptions: int = 0
    contracts: int = 0

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in ACTIVITIES)

    def add(self, other: Activity) -> None:
        for name in ACTIVITIES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DailyReport:
    project: Project
    period: Period
    rows: list[Activity]  # per day and consultant; a single day lists everyone
    totals: list[Activity]  # per consultant over the period, everyone on the staff
    grand: Activity


def _grouped(rows, person: str, **counts) -> dict[tuple[date, int], dict]:
    """{(day, user id): {count name: n}} from a query grouped by local day and person."""
    return {(row["day"], row[person]): row for row in rows.values("day", person).annotate(**counts)}


def _activity_counts(project: Project, period: Period) -> dict[tuple[date, int], dict]:
    """Five grouped queries, merged by (local day, consultant)."""
    tz = project.tzinfo
    start, end = period.bounds(tz)

    def by_day(queryset, at: str):
        return queryset.annotate(day=TruncDate(at, tzinfo=tz))

    registrations = counted_registrations(project, start, end)
    follow_ups = FollowUp.objects.filter(
        project=project, occurred_at__gte=start, occurred_at__lt=end
    )
    deals = live_subscriptions(project).filter(occurred_at__gte=start, occurred_at__lt=end)
    contracts = live_contracts(project).filter(signed_at__gte=start, signed_at__lt=end)
    merged: dict[tuple[date, int], dict] = defaultdict(dict)
    for found in (
        _grouped(by_day(registrations, "occurred_at"), "consultant_id", **registration_counts()),
        _grouped(by_day(follow_ups, "occurred_at"), "consultant_id", follow_ups=Count("pk")),
        _grouped(by_day(deals, "occurred_at"), "consultant_id", subscriptions=Count("pk")),
        _grouped(
            by_day(contracts, "signed_at"), "subscription__consultant_id", contracts=Count("pk")
        ),
    ):
        for key, row in found.items():
            merged[key].update({k: v for k, v in row.items() if k in ACTIVITIES})
    return merged


def _staff(project: Project, user_ids: set[int]) -> list:
    """The project's receiving staff, and whoever else appears in the figures (one query)."""
    on_staff = receiving_staff(project).values("pk")
    return list(User.objects.filter(Q(pk__in=user_ids) | Q(pk__in=on_staff)).distinct())


def daily_report(*, project: Project, period: Period) -> DailyReport:
    counts = _activity_counts(project, period)
    people = {u.pk: u for u in _staff(project, {user for _day, user in counts})}

    def activity(user, day=None, **values) -> Activity:
        return Activity(user.pk, user.username, display_name(user), day, **values)

    rows = [activity(people[user], day, **values) for (day, user), values in counts.items()]
    totals = {pk: activity(user) for pk, user in people.items()}
    for row in rows:
        totals[row.user_id].add(row)
    if period.is_day:
        seen = {row.user_id for row in rows}
        rows += [activity(u, period.first) for pk, u in people.items() if pk not in seen]
    grand = Activity(0, "", _("Total"))
    for total in totals.values():
        grand.add(total)
    return DailyReport(
        project=project,
        period=period,
        rows=sorted(rows, key=lambda a: (a.day, a.name, a.username)),
        totals=sorted(totals.values(), key=lambda a: (a.name, a.username)),
        grand=grand,
    )


# -- visits by source (信息来源) -----------------------------------------------------------------


@dataclass
class SourceReport:
    project: Project
    period: Period
    sources: list[Tally]
    totals: Tally


def source_report(*, project: Project, period: Period) -> SourceReport:
    """Visits, calls and new customers per 信息来源 over the period: one grouped query."""
    start, end = period.bounds(project.tzinfo)
    rows = (
        counted_registrations(project, start, end)
        .annotate(heading=Trim("source"))
        .values("heading")
        .annotate(**registration_counts())
    )
    sources = [
        Tally(
            row["heading"],
            row["heading"] or no_source(),
            row["visits"],
            row["calls"],
            row["new_customers"],
        )
        for row in rows
    ]
    totals = Tally("total", _("Total"))
    for tally in sources:
        totals.visits += tally.visits
        totals.calls += tally.calls
        totals.new_customers += tally.new_customers
    return SourceReport(project, period, _sorted_tallies(sources), totals)


# -- the funnel ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    stage: str
    label: str
    customers: int  # in this stage now
    entered: int  # moves into it during the period
    left: int  # moves out of it during the period


@dataclass(frozen=True)
class Transition:
    from_stage: str
    to_stage: str
    moves: int

    @property
    def from_label(self) -> str:
        return str(Stage(self.from_stage).label)

    @property
    def to_label(self) -> str:
        return str(Stage(self.to_stage).label)


@dataclass
class FunnelReport:
    project: Project
    period: Period
    stages: list[StageFigures]
    transitions: list[Transition]
    lost_reasons: list[tuple[str, int]]

    @property
    def customers(self) -> int:
        return sum(s.customers for s in self.stages)

    def stage(self, stage: str) -> StageFigures:
        return next(s for s in self.stages if s.stage == stage)


def funnel_report(*, project: Project, period: Period) -> FunnelReport:
    """Customers per current stage, and the period's moves from the StageChange ledger (by
    when they were entered): three grouped queries."""
    start, end = period.bounds(project.tzinfo)
    current = Customer.objects.filter(project=project).values("stage").annotate(n=Count("pk"))
    now = {row["stage"]: row["n"] for row in current}
    moves = StageChange.objects.filter(project=project, entered_at__gte=start, entered_at__lt=end)
    transitions = [
        Transition(row["from_stage"], row["to_stage"], row["n"])
        for row in moves.values("from_stage", "to_stage")
        .annotate(n=Count("pk"))
        .order_by("from_stage", "to_stage")
    ]
    reasons = (
        moves.filter(to_stage=Stage.LOST)
        .annotate(text=Trim("reason"))
        .values("text")
        .annotate(n=Count("pk"))
        .order_by("-n", "text")[:10]
    )
    stages = [
        StageFigures(
            stage.value,
            str(stage.label),
            now.get(stage.value, 0),
            sum(t.moves for t in transitions if t.to_stage == stage.value),
            sum(t.moves for t in transitions if t.from_stage == stage.value),
        )
        for stage in Stage
    ]
    return FunnelReport(
        project, period, stages, transitions, [(r["text"], r["n"]) for r in reasons]
    )


# -- sales and collections by month -------------------------------------------------------------


@dataclass
class MonthSales:
    month: date
    subscriptions: int = 0
    subscription_amount: Decimal = ZERO
    deposits: Decimal = ZERO
    cancelled: int = 0  # the month's subscriptions cancelled since: shown, not counted
    contracts: int = 0
    contract_amount: Decimal = ZERO
    received: Decimal = ZERO
    refunded: Decimal = ZERO  # a positive amount: what went back to customers
    collected: Decimal = ZERO  # received − refunded

    def add(self, other: MonthSales) -> None:
        for name in (
            "subscriptions",
            "subscription_amount",
            "deposits",
            "cancelled",
            "contracts",
            "contract_amount",
            "received",
            "refunded",
            "collected",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SalesReport:
    project: Project
    period: Period
    months: list[MonthSales]
    total: MonthSales


def _money(expression) -> Coalesce:
    return Coalesce(expression, ZERO)


def _by_month(queryset, at: str, tz: ZoneInfo, **aggregates) -> dict[date, dict]:
    rows = queryset.annotate(month=TruncMonth(at, tzinfo=tz)).values("month")
    return {row["month"].date(): row for row in rows.annotate(**aggregates).order_by("month")}


def sales_report(*, project: Project, period: Period) -> SalesReport:
    """Per local month: subscriptions and contracts (count and amount, cancelled ones apart),
    deposits, and collections (payments less refunds). Three grouped queries; every sum is
    the database's, on Decimal columns."""
    tz = project.tzinfo
    start, end = period.bounds(tz)
    cancelled = _cancelled_deal()
    subscriptions = _by_month(
        Subscription.objects.filter(project=project, occurred_at__gte=start, occurred_at__lt=end),
        "occurred_at",
        tz,
        subscriptions=Count("pk", filter=~cancelled),
        subscription_amount=_money(Sum("price", filter=~cancelled)),
        deposits=_money(Sum("deposit", filter=~cancelled)),
        cancelled=Count("pk", filter=cancelled),
    )
    contracts = _by_month(
        live_contracts(project).filter(signed_at__gte=start, signed_at__lt=end),
        "signed_at",
        tz,
        contracts=Count("pk"),
        contract_amount=_money(Sum("price")),
    )
    payments = _by_month(
        Payment.objects.filter(project=project, paid_at__gte=start, paid_at__lt=end),
        "paid_at",
        tz,
        received=_money(Sum("amount", filter=Q(kind=PaymentKind.PAYMENT))),
        refunded=_money(Sum(F("amount") * -1, filter=Q(kind=PaymentKind.REFUND))),
        collected=_money(Sum("amount")),
    )
    months = []
    for month in period.months():
        figures = MonthSales(month)
        for found in (subscriptions, contracts, payments):
            for name, value in found.get(month, {}).items():
                if name != "month":
                    setattr(figures, name, value)
        months.append(figures)
    total = MonthSales(period.first)
    for figures in months:
        total.add(figures)
    return SalesReport(project, period, months, total)


# -- overdue payments ---------------------------------------------------------------------------

AGING = (
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


@dataclass(frozen=True)
class OverdueItem:
    contract_id: int
    contract_number: str
    customer_id: int
    customer_name: str
    consultant: str
    sequence: int
    label: str
    due: date
    amount: Decimal
    unpaid: Decimal
    days: int


def aging_label(key: str) -> str:
    """ "1-30" → "1–30 days", "90+" → "over 90 days"."""
    if key.endswith("+"):
        return _("over %(days)s days") % {"days": key[:-1]}
    return _("%(range)s days") % {"range": key.replace("-", "–")}


@dataclass(frozen=True)
class AgingBucket:
    key: str
    items: int
    contracts: int
    amount: Decimal

    @property
    def label(self) -> str:
        return aging_label(self.key)


@dataclass
class OverdueReport:
    project: Project
    day: date
    items: list[OverdueItem]
    buckets: list[AgingBucket]
    total: AgingBucket = field(default_factory=lambda: AgingBucket("total", 0, 0, ZERO))


def _overdue_sql() -> str:
    """What settled each contract (its deposit, then payments less refunds, never below zero)
    spread over its items in due order, as orders/balances.py does: an item is paid up to
    what is left after the items due before it. One statement."""
    tables = {
        "item": ScheduleItem._meta.db_table,
        "contract": Contract._meta.db_table,
        "payment": Payment._meta.db_table,
        "cancel": ContractCancellation._meta.db_table,
        "subscription": Subscription._meta.db_table,
        "customer": Customer._meta.db_table,
        "user": User._meta.db_table,
    }
    buckets = " ".join(
        f"WHEN days >= {low} AND days <= {high} THEN '{key}'"
        if high
        else f"WHEN days >= {low} THEN '{key}'"
        for key, low, high in AGING
    )
    return """
    WITH paid AS (
        SELECT contract_id, SUM(amount) AS paid FROM {payment}
        WHERE project_id = %(project)s AND paid_at < %(until)s GROUP BY contract_id
    ), items AS (
        SELECT i.id, i.contract_id, i.sequence, i.label, i.due, i.amount,
               SUM(i.amount) OVER (
                   PARTITION BY i.contract_id ORDER BY i.due, i.sequence
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) - i.amount AS before,
               GREATEST(s.deposit + COALESCE(p.paid, 0), 0) AS paid
        FROM {item} i
        JOIN {contract} c ON c.id = i.contract_id
        JOIN {subscription} s ON s.id = c.subscription_id
        LEFT JOIN paid p ON p.contract_id = i.contract_id
        WHERE c.project_id = %(project)s AND c.signed_at < %(until)s
          AND NOT EXISTS (
              SELECT 1 FROM {cancel} x WHERE x.contract_id = c.id AND x.occurred_at < %(until)s
          )
    ), overdue AS (
        SELECT *, amount - LEAST(GREATEST(paid - before, 0), amount) AS unpaid,
               %(day)s::date - due AS days
        FROM items WHERE due < %(day)s::date
    ), flagged AS (
        SELECT *, CASE {buckets} END AS bucket FROM overdue WHERE unpaid > 0
    )
    """.format(buckets=buckets, **tables)


def _overdue_rows(sql: str, params: dict) -> list[OverdueItem]:
    tables = {
        "contract": Contract._meta.db_table,
        "subscription": Subscription._meta.db_table,
        "customer": Customer._meta.db_table,
        "user": User._meta.db_table,
    }
    select = """
    SELECT f.contract_id, c.number, cu.id, cu.name, COALESCE(NULLIF(u.first_name, ''), u.username),
           f.sequence, f.label, f.due, f.amount, f.unpaid, f.days
    FROM flagged f
    JOIN {contract} c ON c.id = f.contract_id
    JOIN {subscription} s ON s.id = c.subscription_id
    JOIN {customer} cu ON cu.id = s.customer_id
    JOIN {user} u ON u.id = s.consultant_id
    ORDER BY f.due, c.number, f.sequence
    """.format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql + select, params)
        return [OverdueItem(*row) for row in cursor.fetchall()]


def _overdue_buckets(sql: str, params: dict) -> dict[str, AgingBucket]:
    """Per aging bucket and in total (ROLLUP): items, contracts and the unpaid sum."""
    select = """
    SELECT COALESCE(bucket, 'total'), COUNT(*), COUNT(DISTINCT contract_id), SUM(unpaid)
    FROM flagged GROUP BY ROLLUP (bucket)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql + select, params)
        return {row[0]: AgingBucket(row[0], row[1], row[2], row[3] or ZERO) for row in cursor}


def overdue_report(*, project: Project, day: date) -> OverdueReport:
    """Schedule items due before ``day`` and not covered by the deposit and the payments made
    by the end of it, on contracts signed and not cancelled by then. Two statements, whatever
    the size."""
    params = {"project": project.pk, "day": day, "until": day_bounds(day, project.tzinfo)[1]}
    sql = _overdue_sql()
    items = _overdue_rows(sql, params)
    found = _overdue_buckets(sql, params)
    buckets = [found.get(key, AgingBucket(key, 0, 0, ZERO)) for key, _low, _high in AGING]
    total = found.get("total", AgingBucket("total", 0, 0, ZERO))
    return OverdueReport(project, day, items, buckets, total)
