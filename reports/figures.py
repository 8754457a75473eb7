"""The pieces the reports' queries share, so that each figure is defined once.

Every report (issue 5) is computed set-based in SQL: a few grouped queries whatever the data
size (never a query per row), in the project's time zone (days and months are local). A figure
means the same in every report:

- A **registration** counts unless a clerk voided it with a correction; an invalid one (a caller
  who gave no name) still counts as the visit or call it was, and the sheet marks it.
- A **new customer** is a customer's first registration that was not voided (earliest
  ``occurred_at``, then id), credited to its consultant and its source.
- A **deal** (subscription or contract) counts unless it was cancelled: a cancelled deal is
  shown as such and not counted, as in the commission statements.

Collections are defined with the sales (reports/sales.py), overdue items with the overdue
payments (reports/overdue.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from customers.models import Correction, Kind, Registration
from orders.models import Contract, Subscription
from projects.models import Project

ZERO = Decimal("0.00")


def voided() -> Exists:
    """The registration was voided by a clerk's correction: it is shown, never counted."""
    return Exists(Correction.objects.filter(registration=OuterRef("pk"), void=True))


def first_of_customer() -> Q:
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
        "new_customers": Count("pk", filter=first_of_customer()),
    }


def cancelled_deal() -> Q:
    """A subscription cancelled (退订), or whose contract was (退房)."""
    return Q(cancellation__isnull=False) | Q(contract__cancellation__isnull=False)


def live_subscriptions(project: Project) -> QuerySet:
    return Subscription.objects.filter(project=project).exclude(cancelled_deal())


def live_contracts(project: Project) -> QuerySet:
    return Contract.objects.filter(project=project, cancellation__isnull=True)
