"""Who sees a customer in full (DOMAIN.md §11): office staff everyone; a consultant only the
households they own or serve today. Decided from the household's verdict and ledger."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from attribution.facts import Ledger, Verdict
from attribution.selectors import household_verdict_with_ledger, verdicts_with_ledgers_for
from attribution.windows import day_bounds, local_day
from customers.models import Customer
from customers.selectors import customer_with_timeline
from projects.access import has_role, is_member, is_office_staff
from projects.models import Project
from projects.roles import Role


def served_today_in(ledger: Ledger, user, project: Project, now: datetime) -> bool:
    """The consultant received someone of the household today (helper or walk-in service)."""
    start, end = day_bounds(local_day(now, project.tzinfo), project.tzinfo)
    return any(
        r.consultant == user.username and start <= r.occurred_at < end for r in ledger.registrations
    )


def may_see_in_full(user, customer: Customer, verdict: Verdict, ledger: Ledger, now) -> bool:
    """Office staff see everyone; a consultant only the households they own or serve today."""
    if is_office_staff(user) or has_role(user, Role.FINANCE):
        return True
    if not has_role(user, Role.CONSULTANT):
        return False
    if verdict.owner == user.username:
        return True
    return served_today_in(ledger, user, customer.project, now)


def household_in_view(customer: Customer, user, at: datetime | None = None):
    """The household's verdict, and whether ``user`` may see the customer in full (§11)."""
    at = at or timezone.now()
    verdict, ledger = household_verdict_with_ledger(customer.household, customer.project, at)
    return verdict, may_see_in_full(user, customer, verdict, ledger, at)


def customers_seen_in_full(user, customers: Iterable[Customer], at: datetime | None = None):
    """The ids of those customers whom ``user`` may see in full: what ``household_in_view``
    answers for each, for a list, in a constant number of queries (a page links a customer
    only when the link would open)."""
    groups = [(p, members) for p, members in _by_project(list(customers)) if is_member(user, p)]
    if is_office_staff(user) or has_role(user, Role.FINANCE):
        return {c.pk for _project, members in groups for c in members}
    if not has_role(user, Role.CONSULTANT):
        return set()
    at = at or timezone.now()
    seen = set()
    for project, members in groups:
        households = {c.household_id for c in members}
        judged = verdicts_with_ledgers_for(project, households, at)
        seen |= {
            c.pk
            for c in members
            if c.household_id in judged and may_see_in_full(user, c, *judged[c.household_id], at)
        }
    return seen


def _by_project(customers: list[Customer]) -> list[tuple[Project, list[Customer]]]:
    """The customers by project, the projects read in one query."""
    grouped: dict[int, list[Customer]] = {}
    for customer in customers:
        grouped.setdefault(customer.project_id, []).append(customer)
    projects = Project.objects.in_bulk(grouped)
    for pk, members in grouped.items():
        for customer in members:
            customer.project = projects[pk]  # what may_see_in_full reads, without a query each
    return [(projects[pk], members) for pk, members in grouped.items()]


def visible_customer(request, pk: int):
    """The customer with their timeline and verdict, or 404 for whoever may not see them (§11)."""
    customer = customer_with_timeline(pk)
    if customer is None or not is_member(request.user, customer.project):
        raise Http404
    verdict, in_full = household_in_view(customer, request.user)
    if not in_full:
        raise Http404
    return customer, verdict


CUSTOMER_PAGE = re.compile(r"^/customers/(\d+)/")


def closed_customer_links(user, notifications) -> set[int]:
    """The notifications whose link is a customer's page that ``user`` may not open."""
    wanted = {
        n.pk: int(match.group(1)) for n in notifications if (match := CUSTOMER_PAGE.match(n.url))
    }
    customers = Customer.objects.select_related("project").in_bulk(set(wanted.values()))
    seen = customers_seen_in_full(user, customers.values())
    return {pk for pk, customer_id in wanted.items() if customer_id not in seen}
