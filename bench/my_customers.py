"""A consultant's own list, ``/p/<code>/my-customers/``, at 1,000,000 customers where the
consultant owns about 50,000 live claims (CUSTOMERS / 20), against its limit.

Product: the page under gunicorn with the production settings, logged in by session. Limit:
the same list's two statements (the live claims counted, the first page of 50 with each
household's first member) in a bench-only view answering JSON (``bench/limits.py``): what the
page must read, without the page. The product's query count is taken in-process, for this
consultant and for one with 20 claims: it must not depend on the list's size.

There is no API that lists a consultant's customers (``attribution/urls.py``,
``customers/urls.py``): the page is all there is to measure.

Goals: ≤ 50 ms (p50) and the same number of queries whatever the list's size.
"""

from __future__ import annotations

from bench import environment, product
from bench.data import (
    FEW,
    PROJECT,
    bench_project,
    few_claims_consultant,
    seed,
    seed_claims,
    staff,
)
from bench.goals import Check, Goal, entry
from bench.http_load import Request, latency
from bench.in_process import client, queries_of
from bench.run import benchmark
from bench.server import gunicorn

LIMIT_URL = f"/bench/limit/p/{PROJECT}/my-customers/"


def session_cookie(user) -> str:
    """A logged-in session in the database, which gunicorn's workers read like any other."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client(user=user).cookies[name].value}"


def page_queries(project, user) -> tuple[int, int]:
    """The page's query count, in-process, and the consultant's live claims."""
    from django.utils import timezone

    from attribution.models import HouseholdState

    url = product.my_customers_url(PROJECT)
    logged_in = client(user=user)
    queries_of(logged_in, "get", url, 200)  # warm: the policy is cached after the first read
    count = queries_of(logged_in, "get", url, 200)[0]
    live = HouseholdState.objects.filter(
        project=project,
        owner=user,
        status__in=("active", "disputed"),
        expires_at__gte=timezone.now(),
    ).count()
    return count, live


@benchmark("my_customers")
def run() -> dict:
    project = bench_project()
    consultants, _clerk = staff(project)
    few = few_claims_consultant(project)
    seed_seconds = seed(project, consultants) + seed_claims(project, consultants, few)
    owner = consultants[0]
    many_queries, many_live = page_queries(project, owner)
    few_queries, few_live = page_queries(project, few)
    limit_queries, _ = queries_of(client(user=owner), "get", LIMIT_URL, 200)
    cookies = {"many": session_cookie(owner), "few": session_cookie(few)}

    def get(url: str, who: str):
        return lambda worker, n: Request("GET", url, headers={"Cookie": cookies[who]})

    page = product.my_customers_url(PROJECT)
    with gunicorn() as server:
        at_1 = latency(
            server.host,
            server.port,
            {
                "product": get(page, "many"),
                "limit": get(LIMIT_URL, "many"),
                "product_few_claims": get(page, "few"),
            },
            environment.REQUESTS,
            environment.WARMUP,
        )
    p, lim = at_1["product"], at_1["limit"]
    checks = [
        Check(f"page p50, {many_live:,} claims", "ms", p["p50_ms"], lim["p50_ms"], Goal(50)),
        Check(f"page p99, {many_live:,} claims", "ms", p["p99_ms"], lim["p99_ms"], None),
        Check(
            f"page p50, {few_live} claims", "ms", at_1["product_few_claims"]["p50_ms"], None, None
        ),
        Check(
            f"queries, {many_live:,} claims",
            "queries",
            many_queries,
            limit_queries,
            Goal(same_as=few_queries, same_as_label=f"{few_live} claims"),
        ),
    ]
    return entry(
        checks,
        {
            "seed_seconds": round(seed_seconds, 1),
            "live_claims": {"many": many_live, "few": few_live, "few_seeded": FEW},
            "queries": {"many": many_queries, "few": few_queries},
            "latency_c1": at_1,
            "api": "none: no API lists a consultant's customers; the page is measured",
        },
    )
