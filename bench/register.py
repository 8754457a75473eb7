"""``POST /api/registrations/`` (a visit, attribution included) on the 1,000,000-customer
project, against its limit.

Product: the whole stack under gunicorn with the production settings: the registration, a new
customer and household for a new phone (80 % of requests) or the known customer's household
(20 %), the engine's verdict stored, the attribution answered. Limit: a minimal DRF view with
the same token auth inserting one registration row from the same body (``bench/limits.py``).
Each consultant registers their own visitors, one consultant per client thread.

Goal: p50 ≤ 30 ms and ≤ 4× the limit's p50.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench import environment, product
from bench.data import CUSTOMERS, PROJECT, bench_project, known_phone, seed, staff, token
from bench.goals import Check, Goal, entry
from bench.http_load import Request, latency, throughput
from bench.in_process import client, queries_of
from bench.run import benchmark
from bench.server import WORKERS, gunicorn

LIMIT_URL = "/bench/limit/registrations/"
SH = ZoneInfo("Asia/Shanghai")
# Throughput requests are numbered from here, so they never reuse a latency request's phone.
THROUGHPUT_FIRST = 10**6


def occurred_now() -> str:
    """A minute ago, in the project's local time, without offset (as the front desk sends)."""
    return (datetime.now(SH) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")


class Bodies:
    """Registration bodies: new phones (unique in the run: a random base per run) and, for one
    request in five, a seeded customer's phone."""

    def __init__(self, consultants: list[str], salt: int) -> None:
        self.consultants = consultants
        self.salt = salt

    def phone(self, worker: int, n: int) -> str:
        x = (n * 2654435761 + worker * 40503) % 2**32
        if x % 5 == 0:
            return known_phone(1 + x % CUSTOMERS)
        return f"147{(self.salt + n * 16 + worker) % 10**8:08d}"

    def body(self, worker: int, n: int) -> bytes:
        return json.dumps(
            {
                "project": PROJECT,
                "kind": "visit",
                "occurred_at": occurred_now(),
                "consultant": self.consultants[worker % len(self.consultants)],
                "name": f"基准客户{n}",
                "gender": "F" if n % 2 else "M",
                "phone": self.phone(worker, n),
                "first_visit": True,
                "note": "基准",
            },
            ensure_ascii=False,
        ).encode()


def makers(bodies: Bodies, tokens: list[str], first: int = 0):
    def post_to(url: str):
        def make(worker: int, n: int) -> Request:
            headers = {
                "Authorization": f"Token {tokens[worker % len(tokens)]}",
                "Content-Type": "application/json",
            }
            body = bodies.body(worker, first + n)
            return Request("POST", url, body=body, headers=headers, expect=201)

        return make

    return {
        "product": post_to(product.REGISTRATIONS_URL),
        "limit": post_to(LIMIT_URL),
    }


def query_counts(bodies: Bodies, token_key: str) -> dict:
    """The product's queries for one new phone and one known phone, and the limit's, in-process."""
    c = client(token_key=token_key)
    counts = {}
    for label, url, n in (
        ("new_phone", product.REGISTRATIONS_URL, 2 * 10**6 + 1),
        ("known_phone", product.REGISTRATIONS_URL, 2 * 10**6),
        ("limit", LIMIT_URL, 2 * 10**6 + 2),
    ):
        body = json.loads(bodies.body(0, n))
        if label == "known_phone":
            body["phone"] = known_phone(1 + n % CUSTOMERS)
        json_body = {"data": body, "content_type": "application/json"}
        counts[label] = queries_of(c, "post", url, 201, **json_body)[0]
    return counts


@benchmark("register")
def run() -> dict:
    project = bench_project()
    consultants, _clerk = staff(project)
    seed_seconds = seed(project, consultants)
    team = consultants[: environment.CONCURRENCY]
    tokens = [token(c) for c in team]
    bodies = Bodies([c.username for c in team], random.randrange(10**8))
    with gunicorn() as server:
        at_1 = latency(
            server.host,
            server.port,
            makers(bodies, tokens),
            environment.REQUESTS,
            environment.WARMUP,
        )
        at_8 = throughput(
            server.host,
            server.port,
            makers(bodies, tokens, THROUGHPUT_FIRST),
            environment.CONCURRENCY,
            environment.SECONDS,
        )
    queries = query_counts(bodies, tokens[0])
    p, lim = at_1["product"], at_1["limit"]
    checks = [
        Check("p50, c=1", "ms", p["p50_ms"], lim["p50_ms"], Goal(at_most=30, ratio_at_most=4)),
        Check("p99, c=1", "ms", p["p99_ms"], lim["p99_ms"], None),
        Check(
            "throughput, c=8",
            "req/s",
            at_8["product"]["requests_per_second"],
            at_8["limit"]["requests_per_second"],
            None,
        ),
        Check("queries (new phone)", "queries", queries["new_phone"], queries["limit"], None),
        Check("queries (known phone)", "queries", queries["known_phone"], queries["limit"], None),
    ]
    return entry(
        checks,
        {
            "seed_seconds": round(seed_seconds, 1),
            "latency_c1": at_1,
            "throughput_c8": at_8,
            "queries": queries,
            "known_phone_share": 0.2,
            "server": {"gunicorn_workers": WORKERS, "worker_class": "sync"},
        },
    )
