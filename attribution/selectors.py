"""Reads that feed the engine: a household's ledger and the project's policy versions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from attribution.engine import (
    FollowUpFact,
    Ledger,
    PolicyFact,
    RegistrationFact,
    Verdict,
    decide,
    policy_at,
)
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


def household_ledger(household: Household) -> Ledger:
    founders = Customer.objects.filter(household=household).order_by("id")
    anchor = founders.filter(origin_household=household).values_list("id", flat=True).first()
    if anchor is None:
        anchor = founders.values_list("id", flat=True).first() or 0
    registrations = Registration.objects.filter(customer__household=household).order_by("id")
    follow_ups = FollowUp.objects.filter(customer__household=household).order_by("id")
    return Ledger(
        anchor=anchor,
        registrations=tuple(
            _registration_fact(row) for row in registrations.values_list(*REGISTRATION_FIELDS)
        ),
        follow_ups=tuple(
            FollowUpFact(*row)
            for row in follow_ups.values_list(
                "id",
                "customer_id",
                "consultant__username",
                "occurred_at",
                "attributed_at",
                "entered_at",
            )
        ),
    )


def household_verdict(household: Household, at: datetime | None = None) -> Verdict:
    at = at or timezone.now()
    project = household.project
    return decide(household_ledger(household), policy_facts(project), at, project.tzinfo)


def names_for(usernames) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = User.objects.filter(username__in=wanted).values_list("username", "first_name")
    return {username: first or username for username, first in rows}
