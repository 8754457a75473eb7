"""Reads that feed the engine: households' ledgers and the project's policy versions.

Every fact is found through the customer it is recorded on, so a household's ledger follows
its members across merges; each kind of fact costs one query, whatever the number of
households asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from attribution.engine import decide, policy_at
from attribution.facts import (
    AssignmentFact,
    CorrectionFact,
    FollowUpFact,
    Ledger,
    LinkFact,
    PendingClaimFact,
    PolicyFact,
    RegistrationFact,
    Verdict,
)
from attribution.models import Assignment, HouseholdState, PendingClaim, PolicyVersion
from attribution.policy import Policy
from customers.models import (
    Correction,
    Customer,
    FollowUp,
    Household,
    HouseholdLink,
    Registration,
)
from projects.models import Project
from projects.navigation import LIST_SIZE, Waiting

User = get_user_model()
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _policy_key(project_id: int) -> str:
    return f"attribution:policy-facts:{project_id}"


def policy_facts(project: Project) -> tuple[PolicyFact, ...]:
    """The project's policy versions. Versions never change once written, so they are cached
    until the next one is entered (``forget_policy_facts``)."""
    key = _policy_key(project.pk)
    facts = cache.get(key)
    if facts is None:
        versions = PolicyVersion.objects.filter(project=project).order_by("number")
        facts = tuple(
            PolicyFact(v.number, v.effective_at, v.entered_at, v.policy) for v in versions
        ) or (PolicyFact(0, EPOCH, EPOCH, Policy()),)
        cache.set(key, facts, 3600)
    return facts


def forget_policy_facts(project_id: int) -> None:
    cache.delete(_policy_key(project_id))


def policy_in_force(project: Project, at: datetime | None = None) -> Policy:
    at = at or timezone.now()
    return policy_at(policy_facts(project), at, at).policy


# -- one function per kind of fact: (household ids) -> [(customer id, fact)] ----------------------


def _registrations(ids) -> Iterable[tuple[int, RegistrationFact]]:
    rows = (
        Registration.objects.filter(customer__household_id__in=ids)
        .order_by("id")
        .values_list(
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
            "first_visit",
        )
    )
    for row in rows:
        yield row[1], RegistrationFact(*row)


def _follow_ups(ids) -> Iterable[tuple[int, FollowUpFact]]:
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
        yield row[1], FollowUpFact(*row)


def _links(ids) -> Iterable[tuple[int, LinkFact]]:
    rows = HouseholdLink.objects.filter(customer__household_id__in=ids).values_list(
        "id", "customer_id", "relative_id", "attributed_at", "entered_at"
    )
    for row in rows:
        yield row[1], LinkFact(*row)


def _corrections(ids) -> Iterable[tuple[int, CorrectionFact]]:
    rows = Correction.objects.filter(
        registration__customer__household_id__in=ids, void=True
    ).values_list("id", "registration_id", "void", "entered_at", "registration__customer_id")
    for cid, registration, void, entered_at, customer in rows:
        yield customer, CorrectionFact(cid, registration, void, entered_at)


def _pending_claims(ids) -> Iterable[tuple[int, PendingClaimFact]]:
    rows = PendingClaim.objects.filter(customer__household_id__in=ids).values_list(
        "id",
        "customer_id",
        "consultant__username",
        "entered_at",
        "decision__approve",
        "decision__entered_at",
    )
    for row in rows:
        yield row[1], PendingClaimFact(*row)


def _assignments(ids) -> Iterable[tuple[int, AssignmentFact]]:
    rows = Assignment.objects.filter(customer__household_id__in=ids).values_list(
        "id", "customer_id", "rule", "consultant__username", "effective_at", "entered_at"
    )
    for row in rows:
        yield row[1], AssignmentFact(*row)


# Later kinds of facts (deals, disputes, channel visits) register here with their Ledger field.
# A source may carry ``present(ids)``: a queryset of its rows for those households; all of them
# are checked in one EXISTS query, and only the kinds that have rows are read.
FACT_SOURCES: dict[str, Callable] = {
    "registrations": _registrations,
    "follow_ups": _follow_ups,
    "links": _links,
    "corrections": _corrections,
    "pending_claims": _pending_claims,
    "assignments": _assignments,
}
_links.present = lambda ids: HouseholdLink.objects.filter(customer__household_id__in=ids)
_corrections.present = lambda ids: Correction.objects.filter(
    registration__customer__household_id__in=ids, void=True
)
_pending_claims.present = lambda ids: PendingClaim.objects.filter(
    customer__household_id__in=ids, decision__isnull=False
)
_assignments.present = lambda ids: Assignment.objects.filter(customer__household_id__in=ids)


def _sources_with_rows(ids) -> list[str]:
    checked = [name for name, source in FACT_SOURCES.items() if hasattr(source, "present")]
    found = dict(zip(checked, _presence_flags(checked, ids), strict=True)) if checked else {}
    return [name for name in FACT_SOURCES if found.get(name, True)]


def _presence_query(names: list[str], ids) -> QuerySet:
    checks = {f"has_{name}": Exists(FACT_SOURCES[name].present(ids)) for name in names}
    return Household.objects.filter(pk=ids[0]).annotate(**checks).values(*checks)


# The front desk asks the presence question of one household at a time. Building and compiling
# its seven EXISTS costs the ORM three times what the database spends answering, and only the ids
# change; so for a few ids the SQL is compiled once per process, with placeholder ids (negative:
# never a real one) that are swapped for the real ones on each call.
_PLACEHOLDER = -(2**62)
_REUSED_UP_TO = 4
_presence_sql: dict[tuple, tuple[str, tuple]] = {}


def _presence_flags(names: list[str], ids) -> tuple[bool, ...]:
    if len(ids) > _REUSED_UP_TO:
        row = _presence_query(names, ids).first()
        return tuple(row[f"has_{name}"] for name in names)
    key = (connection.vendor, tuple(names), len(ids))
    if key not in _presence_sql:
        placeholders = [_PLACEHOLDER - i for i in range(len(ids))]
        compiler = _presence_query(names, placeholders).query.get_compiler(connection=connection)
        _presence_sql[key] = compiler.as_sql()
    sql, params = _presence_sql[key]
    bound = [_bind(param, ids) for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return tuple(bool(flag) for flag in cursor.fetchone())


def _bind(param, ids):
    position = _PLACEHOLDER - param if type(param) is int else -1
    return ids[position] if 0 <= position < len(ids) else param


def _members(ids) -> tuple[dict[int, int], dict[int, int]]:
    """Each customer's household, and each household's anchor: its first founding member."""
    household_of: dict[int, int] = {}
    founders: dict[int, int] = {}
    any_member: dict[int, int] = {}
    rows = Customer.objects.filter(household_id__in=ids).values_list(
        "id", "household_id", "origin_household_id"
    )
    for customer, household, origin in rows:
        household_of[customer] = household
        any_member[household] = min(any_member.get(household, customer), customer)
        if origin == household:
            founders[household] = min(founders.get(household, customer), customer)
    anchors = {h: founders.get(h) or any_member.get(h, 0) for h in ids}
    return household_of, anchors


def ledgers_for(household_ids) -> dict[int, Ledger]:
    """The ledgers of many households in a constant number of queries."""
    ids = list(set(household_ids))
    if not ids:
        return {}
    household_of, anchors = _members(ids)
    facts: dict[int, dict[str, list]] = {h: defaultdict(list) for h in ids}
    for name in _sources_with_rows(ids):
        for customer, fact in FACT_SOURCES[name](ids):
            household = household_of.get(customer)
            if household is not None:
                facts[household][name].append(fact)
    return {
        h: Ledger(anchor=anchors[h], **{name: tuple(items) for name, items in facts[h].items()})
        for h in ids
    }


def household_ledger(household: Household) -> Ledger:
    return ledgers_for([household.pk])[household.pk]


def verdicts_for(
    project: Project,
    household_ids,
    at: datetime | None = None,
    known: dict[int, Ledger] | None = None,
) -> dict[int, Verdict]:
    """The engine's answer for many households of one project, in constant queries. A caller
    that holds some households' whole ledger (``known``: households it has just created) saves
    reading them."""
    at = at or timezone.now()
    policies = policy_facts(project)
    tz = project.tzinfo
    known = known or {}
    ledgers = ledgers_for(h for h in household_ids if h not in known)
    ledgers.update((h, known[h]) for h in household_ids if h in known)
    return {h: decide(ledger, policies, at, tz) for h, ledger in ledgers.items()}


def verdicts_with_ledgers_for(
    project: Project, household_ids, at: datetime
) -> dict[int, tuple[Verdict, Ledger]]:
    """Each household's verdict and the ledger it was drawn from, in constant queries."""
    policies = policy_facts(project)
    return {
        h: (decide(ledger, policies, at, project.tzinfo), ledger)
        for h, ledger in ledgers_for(household_ids).items()
    }


def household_verdict(household: Household, at: datetime | None = None) -> Verdict:
    return verdicts_for(household.project, [household.pk], at)[household.pk]


def household_verdict_with_ledger(
    household: Household, project: Project, at: datetime
) -> tuple[Verdict, Ledger]:
    """The verdict and the ledger it was drawn from, for a caller that reads more of it."""
    ledger = household_ledger(household)
    return decide(ledger, policy_facts(project), at, project.tzinfo), ledger


def names_for(usernames) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = User.objects.filter(username__in=wanted).values_list("username", "first_name")
    return {username: first or username for username, first in rows}


# -- lists, from the materialised status (the expiry is in every condition, so a claim past
# its last second leaves "my customers" and joins the pool before the lapse job runs) ---------

LIVE = ("active", "disputed")


def _first_member(field: str) -> Subquery:
    return Subquery(
        Customer.objects.filter(household=OuterRef("household")).order_by("id").values(field)[:1]
    )


def _with_customer(states):
    return states.annotate(
        customer_id=_first_member("id"),
        customer_name=_first_member("name"),
        customer_phone=_first_member("phone"),
    )


def live_states(*, project: Project, consultant, now: datetime):
    return HouseholdState.objects.filter(
        project=project, owner=consultant, status__in=LIVE, expires_at__gte=now
    )


def claims_of(*, project: Project, consultant, now: datetime):
    """A consultant's live claims, the first to lapse first."""
    states = live_states(project=project, consultant=consultant, now=now)
    return _with_customer(states).order_by("expires_at", "household_id")


def pool_of(*, project: Project, now: datetime):
    """Households in the public pool, including claims lapsed since the last job run."""
    states = HouseholdState.objects.filter(project=project).filter(
        Q(status="pool") | Q(status__in=LIVE, expires_at__lt=now)
    )
    return (
        _with_customer(states)
        .select_related("owner", "last_owner")
        .order_by("-since", "-household_id")
    )


def lapsing_claims(project: Project, now: datetime) -> Waiting:
    """Live claims whose last second falls within a day: the ones the reminder job names
    (attribution.jobs.lapse_reminders), soonest first, with the household's first member: the
    dashboard's tile."""
    states = HouseholdState.objects.filter(
        project=project,
        status="active",
        owner__isnull=False,
        expires_at__gte=now,
        expires_at__lt=now + timedelta(days=1),
    )
    rows = list(
        _with_customer(states).select_related("owner").order_by("expires_at", "household_id")
    )
    return Waiting(rows[:LIST_SIZE], len(rows))
