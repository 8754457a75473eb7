"""Overdue payments as of a day, by age. An **overdue item** is a schedule item due before the
day asked about that the deposit and the payments do not cover when spread over the items in
due order (orders/balances.py: the schedule sums to the price, the deposit is the first money
settled), on a contract not cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext as _

from attribution.windows import day_bounds
from customers.models import Customer
from orders.models import Contract, ContractCancellation, Payment, ScheduleItem, Subscription
from projects.models import Project
from reports.figures import ZERO

User = get_user_model()
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
