"""The clerk's daily sheet on a project of 1,000,000 customers: 1,000 and 10,000 rows, against
its limit.

Product: the XLSX read and imported (``sheet_import``: validation, dedup, customers,
registrations, verdicts), in-process. Limit: the same workbook's cells read by calamine and
``COPY``-ed as text into a scratch table: bytes in, the same rows in the database, nothing
else. Each size runs ``ROUNDS`` times, product and limit in turn (A, B, then B, A), each
product round with a new sheet; the figures are the medians.

Goals: ≤ 1 s for 1,000 rows, ≤ 8 s for 10,000, and ≤ 10× the limit.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench import product
from bench.data import CUSTOMERS, bench_project, known_phone, seed, staff
from bench.goals import Check, Goal, entry
from bench.run import benchmark

SIZES = (1_000, 10_000)
GOALS = {1_000: 1.0, 10_000: 8.0}
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "2" if CUSTOMERS >= 1_000_000 else "1"))
SCRATCH = "bench_sheet_scratch"
SCRATCH_COLUMNS = ("kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note")


def sheet(count: int, consultants, seed_value: int) -> bytes:
    """60 % new phones, 30 % phones of seeded customers, 10 % bad rows; yesterday's times."""
    from openpyxl import Workbook

    rng = random.Random(seed_value)
    yesterday = datetime.now(UTC) + timedelta(hours=8) - timedelta(days=1)
    base = (seed_value * 7919) % 10**9
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet()
    ws.append(["类型", "时间", "置业顾问", "客户姓名", "性别", "手机号码", "信息来源", "备注"])
    for n in range(count):
        who = consultants[n % len(consultants)]
        consultant = who.first_name if n % 2 else who.username
        when = yesterday.replace(hour=9, minute=0, second=0) + timedelta(seconds=n * 3)
        phone = f"15{(base + n) % 10**9:09d}"
        name = f"新客{n}"
        roll = rng.random()
        if roll < 0.30:
            phone = known_phone(rng.randint(1, CUSTOMERS))
            name = "老客户"
        elif roll < 0.35:
            name = ""
        elif roll < 0.375:
            phone = "12345"
        elif roll < 0.40:
            consultant = "没有这个人"
        ws.append(
            [
                "来访" if n % 3 else "来电",
                when.strftime("%Y-%m-%d %H:%M:%S"),
                consultant,
                name,
                "女" if n % 2 else "男",
                phone,
                "基准",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure_product(project, clerk, content: bytes, count: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    rows = product.parse_sheet(content, "bench.xlsx")
    parsed = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report = product.sheet_import(
            project=project, rows=rows, atomic=False, dry_run=False, acting_user=clerk
        )
    done = time.perf_counter()
    body = report.as_dict()
    return {
        "seconds": round(done - started, 3),
        "parse_seconds": round(parsed - started, 3),
        "import_seconds": round(done - parsed, 3),
        "queries": len(queries.captured_queries),
        "chunks": -(-count // product.sheet_import_chunk_size()),
        "created": body["created"],
        "invalid": body["invalid"],
        "duplicate": body["duplicate"],
    }


def measure_limit(content: bytes) -> dict:
    """Bytes in, the sheet's rows in a table: calamine's cells, COPY-ed as text, committed."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH} "
            f"({', '.join(f'{c} text' for c in SCRATCH_COLUMNS)})"
        )
        cursor.execute(f"TRUNCATE {SCRATCH}")
    started = time.perf_counter()
    cells = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    read = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        copy_sql = f"COPY {SCRATCH} ({', '.join(SCRATCH_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for row in cells[1:]:
                copy.write_row([str(v) for v in row])
    done = time.perf_counter()
    return {
        "seconds": round(done - started, 3),
        "read_seconds": round(read - started, 3),
        "copy_seconds": round(done - read, 3),
        "rows": len(cells) - 1,
    }


@benchmark("import_sheet")
def run() -> dict:
    from django.contrib.auth import get_user_model

    project = bench_project()
    consultants, clerk = staff(project)
    seed_seconds = seed(project, consultants)
    salt = int(time.time())
    rounds: dict[int, dict[str, list[dict]]] = {}
    for count in SIZES:
        rounds[count] = {"product": [], "limit": []}
        for r in range(ROUNDS):
            content = sheet(count, consultants, salt + count * 100 + r)
            steps = ["product", "limit"] if r % 2 == 0 else ["limit", "product"]
            for step in steps:
                if step == "product":
                    clerk = get_user_model().objects.get(pk=clerk.pk)
                    rounds[count]["product"].append(measure_product(project, clerk, content, count))
                else:
                    rounds[count]["limit"].append(measure_limit(content))
    checks = []
    for count in SIZES:
        product_s = statistics.median(m["seconds"] for m in rounds[count]["product"])
        limit_s = statistics.median(m["seconds"] for m in rounds[count]["limit"])
        goal = Goal(at_most=GOALS[count], ratio_at_most=10)
        checks.append(Check(f"{count:,} rows", "s", round(product_s, 3), round(limit_s, 3), goal))
    small, large = (rounds[n]["product"][0] for n in SIZES)
    extra_chunks = large["chunks"] - small["chunks"]
    for count in SIZES:
        queries = rounds[count]["product"][0]["queries"]
        checks.append(Check(f"queries, {count:,} rows", "queries", queries, None, None))
    return entry(
        checks,
        {
            "seed_seconds": round(seed_seconds, 1),
            "rounds": {f"rows_{n}": rounds[n] for n in SIZES},
            "queries_per_extra_chunk": (
                (large["queries"] - small["queries"]) / extra_chunks if extra_chunks else 0
            ),
        },
    )
