"""Where the product's time goes in the lookup and the registration: py-spy samples one gunicorn
worker (production settings) while the benchmark's client drives it at concurrency 1, and every
query one request runs is EXPLAIN ANALYZE-d. It guides optimisation; it judges nothing.

    scripts/with-services.sh .venv/bin/python -m bench.profile lookup register

``bench.run … --profile`` runs it after the benchmarks, on their data; alone, it seeds first.
Samples include time waiting on PostgreSQL (``--idle``), and only those taken inside a request
count.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench import environment, product
from bench.http_load import latency
from bench.server import gunicorn

PY_SPY = Path(sys.executable).with_name("py-spy")
RATE = 250  # samples per second
REQUESTS = 1500
IN_REQUEST = "get_response (django/core/handlers/base.py"
PRODUCT_PACKAGES = ("customers/", "attribution/", "projects/", "salesoffice/", "disputes/")


def _frame_file(frame: str) -> str:
    """``function (path/to/file.py:12)`` → ``path/to/file.py``."""
    inside = frame[frame.rfind("(") + 1 : -1]
    return inside.split(":")[0]


def _short_path(path: str) -> str:
    marker = "site-packages/"
    if marker in path:
        return path[path.index(marker) + len(marker) :]
    root = str(environment.ROOT) + "/"
    return path[len(root) :] if path.startswith(root) else path


def aggregate(raw: str, top: int = 10) -> dict:
    """From py-spy's raw (collapsed) stacks: the share of in-request samples under each of the
    product's functions (inclusive), and spent in each file at the top of the stack (self)."""
    inclusive: Counter = Counter()
    by_file: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        frames = stack.split(";")
        if not any(IN_REQUEST in f for f in frames):
            continue
        count = int(count_text)
        total += count
        short = [f"{f.split(' (')[0]} ({_short_path(_frame_file(f))})" for f in frames]
        for name in {s for s in short if s.split(" (")[1].startswith(PRODUCT_PACKAGES)}:
            inclusive[name] += count
        by_file[_short_path(_frame_file(frames[-1]))] += count

    def table(counter: Counter) -> list[dict]:
        return [
            {"where": name, "share": round(n / total, 3), "ms_per_request": None}
            for name, n in counter.most_common(top)
        ]

    return {"samples": total, "product_functions": table(inclusive), "files": table(by_file)}


def sample(name: str) -> dict:
    """py-spy on the only worker while the client drives ``name``'s product side."""
    module = __import__(f"bench.{name}", fromlist=["makers"])
    sides = _product_side(name, module)
    with gunicorn(workers=1) as server, tempfile.TemporaryDirectory() as tmp:
        (worker,) = server.worker_pids()
        out = Path(tmp) / "stacks.txt"
        latency(server.host, server.port, sides, 50, 0)  # warm, before sampling
        command = [PY_SPY, "record", "--pid", str(worker), "--rate", str(RATE), "--idle"]
        command += ["--nolineno", "--format", "raw", "--output", str(out), "--nonblocking"]
        spy = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Event().wait(1.0)  # py-spy attaches
        figures = latency(server.host, server.port, sides, REQUESTS, 0)["product"]
        spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
        spy.wait(timeout=60)
        result = aggregate(out.read_text())
    # A request's samples are spread evenly in time: a share of the wall time per request.
    for row in result["product_functions"] + result["files"]:
        row["ms_per_request"] = round(row["share"] * figures["mean_ms"], 2)
    return {"latency_c1": figures, **result}


def _product_side(name: str, module) -> dict:
    from bench.data import bench_project, seed, staff, token

    project = bench_project()
    consultants, _clerk = staff(project)
    seed(project, consultants)
    tokens = [token(consultants[0])]
    if name == "lookup":
        return {"product": module.makers(tokens)[0]}
    import random

    bodies = module.Bodies([consultants[0].username], random.randrange(10**8))
    return {"product": module.makers(bodies, tokens, 3 * 10**6)["product"]}


def explain(name: str) -> list[dict]:
    """Every query of one product request, replayed under EXPLAIN ANALYZE in a transaction
    that is rolled back (the request itself is rolled back first, so inserts replay cleanly)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.data import CUSTOMERS, PROJECT, bench_project, known_phone, staff, token
    from bench.in_process import client

    consultants, _ = staff(bench_project())
    c = client(token_key=token(consultants[0]))
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        if name == "lookup":
            c.get(product.LOOKUP_URL, {"project": PROJECT, "phone": known_phone(CUSTOMERS // 3)})
        else:
            from bench.register import Bodies

            body = json.loads(Bodies([consultants[0].username], 424242).body(0, 1))
            c.post(product.REGISTRATIONS_URL, body, content_type="application/json")
        transaction.set_rollback(True)
    plans = []
    with transaction.atomic():
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "WITH")):
                continue
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    (plan,) = cursor.fetchone()[0]
            except Exception as exc:  # a replay that cannot run is reported, not fatal
                plans.append({"sql": sql[:400], "error": str(exc).splitlines()[0]})
                continue
            plans.append(
                {
                    "execution_ms": plan["Execution Time"],
                    "planning_ms": plan["Planning Time"],
                    "nodes": sorted(set(_nodes(plan["Plan"]))),
                    "rows": plan["Plan"].get("Actual Rows"),
                    "client_ms": round(float(query["time"]) * 1000, 2),
                    "sql": sql[:400],
                }
            )
        transaction.set_rollback(True)
    return plans


def _nodes(plan: dict):
    yield plan["Node Type"] + (f" on {plan['Relation Name']}" if "Relation Name" in plan else "")
    for child in plan.get("Plans", []):
        yield from _nodes(child)


PROFILED = ("lookup", "register")


def report(names: list[str]) -> dict:
    report = {}
    for name in names:
        report[name] = {"profile": sample(name), "queries": explain(name)}
        print(json.dumps({name: report[name]}, indent=2, ensure_ascii=False), flush=True)
    out = environment.VAR_DIR / "profile.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"Written to {out}")
    return report


def main(names: list[str]) -> int:
    from bench.run import setup_django

    setup_django()
    report(names or list(PROFILED))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
