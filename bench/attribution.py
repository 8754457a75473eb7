"""The attribution engine alone: one household of 200 events (goal ≤ 1 ms per answer).

It has no limit: it is pure Python over facts in memory, and is the floor of every lookup.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.goals import Check, Goal, entry
from bench.run import benchmark
from bench.stats import percentile

SH = ZoneInfo("Asia/Shanghai")


def household_of_200_events():
    from attribution.facts import FollowUpFact, Ledger, LinkFact, RegistrationFact

    start = datetime(2026, 1, 1, 9, 0, tzinfo=SH)
    registrations, follow_ups = [], []
    for n in range(197):
        when = start + timedelta(hours=9 * n)
        customer, consultant = 1 + n % 4, "abc"[n % 3]
        if n % 3 == 0:
            registrations.append(
                RegistrationFact(n, customer, consultant, "visit", when, when, when)
            )
        else:
            follow_ups.append(FollowUpFact(n, customer, consultant, when, when, when))
    links = tuple(LinkFact(1000 + c, c, 1, start, start) for c in (2, 3, 4))
    ledger = Ledger(
        anchor=1, registrations=tuple(registrations), follow_ups=tuple(follow_ups), links=links
    )
    return ledger, start + timedelta(days=80)


@benchmark("engine")
def engine() -> dict:
    from attribution.engine import decide
    from attribution.facts import PolicyFact
    from attribution.policy import build_policy

    ledger, at = household_of_200_events()
    policies = (
        PolicyFact(
            1,
            datetime(2000, 1, 1, tzinfo=UTC),
            datetime(2000, 1, 1, tzinfo=UTC),
            build_policy(preset="first-registration-7d"),
        ),
    )
    for _ in range(200):
        decide(ledger, policies, at, SH)
    samples = []
    for _ in range(2000):
        started = time.perf_counter()
        decide(ledger, policies, at, SH)
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    events = len(ledger.registrations) + len(ledger.follow_ups) + len(ledger.links)
    checks = [Check("median per answer, 200 events", "ms", round(median, 3), None, Goal(1.0))]
    details = {"events": events, "runs": len(samples), "p99_ms": round(percentile(samples, 99), 3)}
    return entry(checks, details)
