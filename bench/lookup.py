"""``GET /api/lookup/`` on a project of 1,000,000 customers, against its limit.

Product: the whole stack under gunicorn with the production settings (token auth, throttle in
Redis, the engine, the lookup log). Limit: a minimal DRF view with the same token auth that
answers one indexed SELECT of the customer by (project, phone) (``bench/limits.py``). Both are
driven interleaved by the same client; 80 % of the phones are known customers.

Goals: p50 ≤ 2× the limit's p50, p99 ≤ 30 ms, throughput at concurrency 8 ≥ 50 % of the
limit's. The in-process figure through Django's test client is kept for comparison.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from bench import environment, product
from bench.data import CUSTOMERS, PROJECT, bench_project, known_phone, seed, staff, token
from bench.goals import Check, Goal, entry
from bench.http_load import Request, latency, throughput
from bench.in_process import client, queries_of
from bench.run import benchmark
from bench.server import WORKERS, gunicorn
from bench.stats import latency_summary

LIMIT_URL = "/bench/limit/lookup/"
FLOOR_URL = "/bench/limit/noop/"


def phone_for(worker: int, n: int) -> str:
    """A cheap deterministic mix: 80 % seeded customers' phones, 20 % unknown ones."""
    x = (n * 2654435761 + worker * 40503 + 12345) % 2**32
    if x % 10 < 8:
        return known_phone(1 + x % CUSTOMERS)
    return f"139{x % 10**8:08d}"


def makers(tokens: list[str]):
    def lookup_at(url: str):
        def make(worker: int, n: int) -> Request:
            query = urlencode({"project": PROJECT, "phone": phone_for(worker, n)})
            auth = {"Authorization": f"Token {tokens[worker % len(tokens)]}"}
            return Request("GET", f"{url}?{query}", headers=auth)

        return make

    return lookup_at(product.LOOKUP_URL), lookup_at(LIMIT_URL)


def test_client_figures(token_key: str) -> dict:
    """The product in-process through Django's test client (no HTTP), and its query count."""
    c = client(token_key=token_key)

    def one(phone: str) -> float:
        started = time.perf_counter()
        response = c.get(product.LOOKUP_URL, {"project": PROJECT, "phone": phone})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:200]
        return elapsed

    for n in range(environment.WARMUP):
        one(phone_for(1, n))
    samples = [one(phone_for(1, n)) for n in range(environment.REQUESTS)]
    known = {"project": PROJECT, "phone": known_phone(CUSTOMERS // 2)}
    unknown = {"project": PROJECT, "phone": "13999999999"}
    return {
        **latency_summary(samples),
        "queries_found": queries_of(c, "get", product.LOOKUP_URL, 200, data=known)[0],
        "queries_unknown": queries_of(c, "get", product.LOOKUP_URL, 200, data=unknown)[0],
        "limit_queries": queries_of(c, "get", LIMIT_URL, 200, data=known)[0],
    }


@benchmark("lookup")
def run() -> dict:
    from customers.models import Customer

    project = bench_project()
    consultants, _clerk = staff(project)
    seed_seconds = seed(project, consultants)
    tokens = [token(c) for c in consultants[: environment.CONCURRENCY]]
    lookup, limit = makers(tokens)
    floor = lambda worker, n: Request("GET", FLOOR_URL)  # noqa: E731
    with gunicorn() as server:
        at_1 = latency(
            server.host,
            server.port,
            {"product": lookup, "limit": limit, "floor": floor},
            environment.REQUESTS,
            environment.WARMUP,
        )
        at_8 = throughput(
            server.host,
            server.port,
            {"product": lookup, "limit": limit},
            environment.CONCURRENCY,
            environment.SECONDS,
        )
    in_process = test_client_figures(tokens[0])
    p, lim = at_1["product"], at_1["limit"]
    checks = [
        Check("p50, c=1", "ms", p["p50_ms"], lim["p50_ms"], Goal(ratio_at_most=2)),
        Check("p99, c=1", "ms", p["p99_ms"], lim["p99_ms"], Goal(at_most=30)),
        Check(
            "throughput, c=8",
            "req/s",
            at_8["product"]["requests_per_second"],
            at_8["limit"]["requests_per_second"],
            Goal(ratio_at_least=0.5),
        ),
        Check("p50, test client (in-process)", "ms", in_process["p50_ms"], None, None),
        Check(
            "queries per lookup (found)",
            "queries",
            in_process["queries_found"],
            in_process["limit_queries"],
            None,
        ),
    ]
    return entry(
        checks,
        {
            "customers": Customer.objects.filter(project=project).count(),
            "seed_seconds": round(seed_seconds, 1),
            "latency_c1": at_1,
            "throughput_c8": at_8,
            "test_client": in_process,
            "server": {"gunicorn_workers": WORKERS, "worker_class": "sync"},
            "lookup_rate": f"LOOKUP_RATE={environment.LOOKUP_RATE} (the office's default is "
            "120/min per person)",
            "floor_p50_ms": at_1["floor"]["p50_ms"],
        },
    )
