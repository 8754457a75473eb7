"""The scheduled lapse of expired claims (``attribution.jobs.claims_lapse``) on 1,000,000
claims, and on a tenth of them, against its limit.

The claims are households of a project of their own whose claim expired one second apart
(``bench.data.seed_lapsed_claims``); a sweep "as of" the expiry of the (n+1)-th lapses exactly
the first n. Product: the job, in-process. Limit: a single UPDATE of the same rows to the same
values. Between two sweeps the claims are put back and the table vacuumed (neither is timed),
so that every sweep, A or B, starts from the same table.

Goals: ≤ 10 s at 1,000,000 claims, and the same number of queries at both sizes.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench import product
from bench.data import CUSTOMERS, LAPSE_PROJECT, bench_project, seed_lapsed_claims, staff
from bench.goals import Check, Goal, entry
from bench.run import benchmark
from bench.sql import table

CLAIMS = int(os.environ.get("BENCH_CLAIMS", str(CUSTOMERS)))
SIZES = (CLAIMS // 10, CLAIMS)
ROUNDS = int(os.environ.get("BENCH_LAPSE_ROUNDS", "2"))
GOAL_SECONDS = 10.0


def _states() -> str:
    from attribution.models import HouseholdState

    return table(HouseholdState)


def cutoff(project, n: int) -> datetime:
    """A time as of which exactly the first n claims of the project have expired."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires_at FROM {_states()} WHERE project_id = %s AND status = 'active' "
            "ORDER BY expires_at OFFSET %s LIMIT 1",
            [project.pk, n],
        )
        row = cursor.fetchone()
        if row is not None:
            return row[0]
        cursor.execute(
            f"SELECT max(expires_at) FROM {_states()} WHERE project_id = %s", [project.pk]
        )
        return cursor.fetchone()[0] + timedelta(seconds=1)


def restore(project) -> None:
    """The lapsed claims active again as seeded (the lapse set since = expiry + 1 s), and the
    table vacuumed, so the next sweep meets the same table as this one did."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {_states()} SET status = 'active', owner_id = last_owner_id,
                last_owner_id = NULL, expires_at = since - interval '1 s',
                since = since - interval '1 s' - interval '7 days'
            WHERE project_id = %s AND status = 'pool'
            """,
            [project.pk],
        )
        cursor.execute(f"VACUUM ANALYZE {_states()}")


def sweep_product(now: datetime) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        lapsed = product.claims_lapse(now=now)
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "lapsed": lapsed, "queries": len(queries)}


def sweep_limit(now: datetime) -> dict:
    """The job's work as one hand-written UPDATE: same rows, same new values."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            f"""
            UPDATE {_states()} SET status = 'pool', last_owner_id = owner_id, owner_id = NULL,
                since = expires_at + interval '1 s', expires_at = NULL, computed_at = %s
            WHERE status = 'active' AND expires_at < %s
            """,
            [now, now],
        )
        seconds = time.perf_counter() - started
        lapsed = cursor.rowcount
    return {"seconds": round(seconds, 3), "lapsed": lapsed, "queries": 1}


@benchmark("lapse_sweep")
def run() -> dict:
    consultants, _clerk = staff(bench_project())
    project = bench_project(LAPSE_PROJECT)
    seed_seconds = seed_lapsed_claims(project, consultants, CLAIMS)
    restore(project)  # a run stopped half-way may have left claims lapsed
    sweeps: dict[int, dict[str, list[dict]]] = {}
    for size in SIZES:
        as_of = cutoff(project, size)
        sweeps[size] = {"product": [], "limit": []}
        for r in range(ROUNDS):
            for step in ("product", "limit") if r % 2 == 0 else ("limit", "product"):
                sweep = sweep_product if step == "product" else sweep_limit
                sweeps[size][step].append(sweep(as_of))
                restore(project)
    checks = []
    for size in SIZES:
        p, lim = (statistics.median(m["seconds"] for m in sweeps[size][s]) for s in sweeps[size])
        goal = Goal(at_most=GOAL_SECONDS) if size == CLAIMS else None
        checks.append(Check(f"{size:,} claims", "s", round(p, 3), round(lim, 3), goal))
    small, large = (sweeps[n]["product"][0]["queries"] for n in SIZES)
    checks.append(
        Check(
            f"queries, {CLAIMS:,} claims",
            "queries",
            large,
            1,
            Goal(same_as=small, same_as_label=f"{SIZES[0]:,} claims"),
        )
    )
    return entry(
        checks,
        {
            "seed_seconds": round(seed_seconds, 1),
            "sweeps": {f"claims_{n}": sweeps[n] for n in SIZES},
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
