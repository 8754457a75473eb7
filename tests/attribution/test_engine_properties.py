"""Properties of the engine over random ledgers (Hypothesis)."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.engine import decide
from tests.attribution.ledgers import SH, Book, policies, t

START = t("2026-03-01 00:00")
CONSULTANTS = ("a", "b", "c")
CUSTOMERS = (1, 2, 3)
POLICIES = {
    "7d": policies(),
    "4d": policies("follow-up-4d"),
    "10d": policies("confirmation-10d", pool_retake_cooldown_days=2),
}

moments = st.integers(min_value=0, max_value=40 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)
delays = st.integers(min_value=0, max_value=36 * 60).map(lambda m: timedelta(minutes=m))

registrations = st.tuples(
    st.just("reg"),
    st.sampled_from(CUSTOMERS),
    st.sampled_from(CONSULTANTS),
    moments,
    delays,
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["visit", "visit", "call"]),
            "valid": st.booleans() | st.just(True),
            "quota_reached": st.sampled_from([False] * 4 + [True]),
            "returning_unknown": st.sampled_from([False] * 6 + [True]),
            "mentioned": st.sampled_from([None, None, None, "a", "b"]),
        }
    ),
)
follow_ups = st.tuples(
    st.just("follow"), st.sampled_from(CUSTOMERS), st.sampled_from(CONSULTANTS), moments, delays
)
links = st.tuples(st.just("link"), st.sampled_from(CUSTOMERS), st.sampled_from(CUSTOMERS), moments)
deals = st.tuples(
    st.just("deal"),
    st.sampled_from(CUSTOMERS),
    st.sampled_from(CONSULTANTS),
    moments,
    st.booleans(),
)
assignments = st.tuples(
    st.just("assign"),
    st.sampled_from(CUSTOMERS),
    st.sampled_from(["M", "A11", "A14", "A12"]),
    st.sampled_from((*CONSULTANTS, None)),
    moments,
)
events = st.lists(
    st.one_of(registrations, registrations, follow_ups, links, deals, assignments),
    max_size=25,
)


def build(steps) -> Book:
    book = Book()
    for step in steps:
        kind = step[0]
        if kind == "reg":
            _, customer, consultant, when, delay, facts = step
            book.reg(customer, consultant, when, entered=when + delay, **facts)
        elif kind == "follow":
            _, customer, consultant, when, delay = step
            book.follow(customer, consultant, when, entered=when + delay)
        elif kind == "link" and step[1] != step[2]:
            book.link(step[1], step[2], step[3].strftime("%Y-%m-%d %H:%M"))
        elif kind == "deal":
            _, customer, consultant, when, absent = step
            book.deal(customer, consultant, when.strftime("%Y-%m-%d %H:%M"), owner_absent=absent)
        elif kind == "assign":
            _, customer, rule, consultant, when = step
            if rule == "A12" and consultant is None:
                continue
            book.assign(customer, rule, consultant, when.strftime("%Y-%m-%d %H:%M"))
    return book


def members_at(book: Book, anchor: int, at) -> set[int]:
    parent = {c: c for c in CUSTOMERS}

    def root(c):
        while parent[c] != c:
            c = parent[c]
        return c

    for link in book.links:
        if link.entered_at <= at:
            parent[root(link.customer)] = root(link.relative)
    return {c for c in CUSTOMERS if root(c) == root(anchor)}


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(events, moments, st.sampled_from(sorted(POLICIES)))
def test_every_member_of_a_household_gets_the_same_single_owner(steps, at, preset):
    book = build(steps)
    answers = {
        (v.owner, v.status, v.expires_at)
        for v in (decide(book.ledger(c), POLICIES[preset], at, SH) for c in members_at(book, 1, at))
    }
    assert len(answers) == 1


@common
@given(events, moments, st.sampled_from(sorted(POLICIES)))
def test_owner_status_and_expiry_agree(steps, at, preset):
    verdict = decide(build(steps).ledger(), POLICIES[preset], at, SH)
    if verdict.status in ("active", "locked"):
        assert verdict.owner is not None
    if verdict.status in ("pool", "pending"):
        assert verdict.owner is None
    if verdict.status == "active":
        assert verdict.expires_at >= at
    if verdict.status in ("locked", "pool"):
        assert verdict.expires_at is None


@common
@given(events, events, moments, st.sampled_from(sorted(POLICIES)))
def test_adding_events_entered_after_t_never_changes_the_answer_at_t(steps, later, at, preset):
    book = build(steps)
    before = decide(book.ledger(), POLICIES[preset], at, SH)
    after_t = at + timedelta(seconds=1)
    extra = build(later)
    for name in ("registrations", "follow_ups", "links", "deals", "assignments"):
        getattr(book, name).extend(
            replace(fact, id=fact.id + 10_000, entered_at=max(fact.entered_at, after_t))
            for fact in getattr(extra, name)
        )
    assert decide(book.ledger(), POLICIES[preset], at, SH) == before


@common
@given(events, moments, st.randoms(use_true_random=False))
def test_the_same_ledger_in_any_order_gives_the_same_answer(steps, at, rnd):
    book = build(steps)
    first = decide(book.ledger(), POLICIES["10d"], at, SH)
    for name in ("registrations", "follow_ups", "links", "deals", "assignments"):
        rnd.shuffle(getattr(book, name))
    assert decide(book.ledger(), POLICIES["10d"], at, SH) == first
    assert decide(book.ledger(), POLICIES["10d"], at, SH) == first
