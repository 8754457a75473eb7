"""Reads that feed the engine: a household's ledger and the project's policy versions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from attribution.engine import decide, policy_at
from attribution.facts import FollowUpFact, Ledger, PolicyFact, RegistrationFact, Verdict
from attribution.models import PolicyVersion
from attribution.policy import Policy
from customers.models import Customer, FollowUp, Household, Registration
from projects.models import Project

User = get_user_model()
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def policy_facts(project: Project) -> tuple[PolicyFact, ...]:
    versions = PolicyVersion.objects.filter(project=project).order_by("number")
    facts = tuple(PolicyFact(v.number, v.effective_at, v.entered_at, v.policy) for v in versions)
    return facts or (PolicyFact(0, EPOCH, EPOCH, Policy()),)


def policy_in_force(project: Project, at: datetime | None = None) -> Policy:
    at = at or timezone.now()
    return policy_at(policy_facts(project), at, at).policy


REGISTRATION_FIELDS = (
    "id",
    "customer_id",
    "consultant__username",
    "kind",
    "occurred_at",
    "attributed_at",
    "entered_at",
    "valid",
    "proxy",
    "returning_unknown",
    "quota_reached",
    "mentioned_consultant__username",
    "referrer_owner__username",
    "referrer_present",
    "declines_referrer_consultant",
)


def _registration_fact(row: tuple) -> RegistrationFact:
    (
        rid,
        customer,
        consultant,
        kind,
        occurred_at,
        attributed_at,
        entered_at,
        valid,
        proxy,
        returning_unknown,
        quota_reached,
        mentioned,
        referrer_owner,
        referrer_present,
        declines,
    ) = row
    return RegistrationFact(
        id=rid,
        customer=customer,
        consultant=consultant,
        kind=kind,
        occurred_at=occurred_at,
        attributed_at=attributed_at,
        entered_at=entered_at,
        valid=valid,
        proxy=proxy,
        returning_unknown=returning_unknown,
        quota_reached=quota_reached,
        mentioned=mentioned,
        referrer_owner=referrer_owner,
        referrer_present=referrer_present,
        declines_referrer_consultant=declines,
    )


def ledgers_for(household_ids) -> dict[int, Ledger]:
    """The ledgers of many households in a constant number of queries."""
    ids = list(set(household_ids))
    members = Customer.objects.filter(household_id__in=ids).values_list(
        "id", "household_id", "origin_household_id"
    )
    household_of: dict[int, int] = {}
    founders: dict[int, int] = {}
    any_member: dict[int, int] = {}
    for customer, household, origin in members:
        household_of[customer] = household
        any_member[household] = min(any_member.get(household, customer), customer)
        if origin == household:
            founders[household] = min(founders.get(household, customer), customer)
    registrations: dict[int, list] = {h: [] for h in ids}
    rows = (
        Registration.objects.filter(customer__household_id__in=ids)
        .order_by("id")
        .values_list(*REGISTRATION_FIELDS)
    )
    for row in rows:
        registrations[household_of[row[1]]].append(_registration_fact(row))
    follow_ups: dict[int, list] = {h: [] for h in ids}
    rows = (
        FollowUp.objects.filter(customer__household_id__in=ids)
        .order_by("id")
        .values_list(
            "id",
            "customer_id",
            "consultant__username",
            "occurred_at",
            "attributed_at",
            "entered_at",
        )
    )
    for row in rows:
        follow_ups[household_of[row[1]]].append(FollowUpFact(*row))
    return {
        h: Ledger(
            anchor=founders.get(h) or any_member.get(h, 0),
            registrations=tuple(registrations[h]),
            follow_ups=tuple(follow_ups[h]),
        )
        for h in ids
    }


def household_ledger(household: Household) -> Ledger:
    return ledgers_for([household.pk])[household.pk]


def household_verdict(household: Household, at: datetime | None = None) -> Verdict:
    return verdicts_for(household.project, [household.pk], at)[household.pk]


def verdicts_for(project: Project, household_ids, at: datetime | None = None) -> dict[int, Verdict]:
    """The engine's answer for many households of one project, in constant queries."""
    at = at or timezone.now()
    policies = policy_facts(project)
    tz = project.tzinfo
    return {h: decide(ledger, policies, at, tz) for h, ledger in ledgers_for(household_ids).items()}


def names_for(usernames) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = User.objects.filter(username__in=wanted).values_list("username", "first_name")
    return {username: first or username for username, first in rows}
