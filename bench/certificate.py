"""The payoff certificate's PDF (WeasyPrint, Noto Sans CJK, inline QR code).

Goals (issue 6): ≤ 300 ms per certificate, and memory flat over 1,000 renders in one process:
wall-clock and CPU times are both recorded (a shared machine stretches the first, not the second);
the resident set is read (from /proc/self/statm) before the first render, after 100 and after
1,000; what matters is the growth from 100 to 1,000, once fonts and caches are warm.

    scripts/with-services.sh .venv/bin/python -m bench.run certificate
    BENCH_CERTIFICATES=200 …   # fewer renders for a quick look
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from decimal import Decimal

from bench.goals import Check, Goal, entry
from bench.run import benchmark

# A quick run (BENCH_CUSTOMERS below the full 1,000,000) renders 200 unless told otherwise.
QUICK = int(os.environ.get("BENCH_CUSTOMERS", "1000000")) < 1_000_000
RENDERS = int(os.environ.get("BENCH_CERTIFICATES", "200" if QUICK else "1000"))
CHECKPOINT = 100
GOAL_MS = 300.0
# "Flat": at most this many MB gained between the 100th and the 1,000th render.
FLAT_MB = 20.0


def rss_mb() -> float:
    """The process's resident set (the second field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def document(n: int):
    """A certificate like the office's: eight payments after the deposit, a long company name,
    a different number and code each time (nothing cached by accident)."""
    from handover.certificates import CertificateDocument, PaymentLine
    from salesoffice.numerals import yuan_in_capitals

    price = Decimal("1234567.89") + n
    payments = tuple(
        PaymentLine(date(2026, 1 + i % 12, 1 + i), f"HX01-SJ-{n * 10 + i:06d}", "房款", price / 10)
        for i in range(8)
    )
    deposit = PaymentLine(
        date(2025, 12, 1), "", "定金转房款", price - sum(p.amount for p in payments)
    )
    code = f"bench{n:06d}abcdefghijklmnop"[:22]
    return CertificateDocument(
        company="秦皇岛和玺房地产开发有限公司",
        project="和玺一期",
        customer="欧阳娜娜",
        unit=f"{1 + n % 20}栋2单元{1 + n % 30:02d}03",
        contract_number=f"HX01-HT-{n:06d}",
        price=price,
        price_in_capitals=yuan_in_capitals(price),
        lines=(deposit, *payments),
        issued_on=date(2026, 3, 2),
        number=f"HX01-FQ-{n:06d}",
        verify_code=code,
        verify_url=f"https://crm.example.com/verify/{code}/",
    )


@benchmark("certificate")
def run() -> dict:
    from handover.certificates import certificate_pdf

    rss = {"start": rss_mb()}
    timings, cpu, sizes = [], [], []
    for n in range(1, RENDERS + 1):
        doc = document(n)
        started, cpu_started = time.perf_counter(), time.process_time()
        pdf = certificate_pdf(doc)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        sizes.append(len(pdf))
        if n in (CHECKPOINT, RENDERS):
            rss[f"after_{n}"] = rss_mb()
    warm = timings[1:] or timings  # the first render loads the font and WeasyPrint itself
    growth = round(rss[f"after_{RENDERS}"] - rss.get(f"after_{CHECKPOINT}", rss["start"]), 1)
    checks = [
        Check("p50 per PDF", "ms", round(statistics.median(warm), 1), None, Goal(GOAL_MS)),
        Check(
            f"memory growth, {CHECKPOINT} → {RENDERS} renders", "MB", growth, None, Goal(FLAT_MB)
        ),
    ]
    return entry(
        checks,
        {
            "renders": RENDERS,
            "first_ms": round(timings[0], 1),
            "mean_ms": round(statistics.fmean(warm), 1),
            "p95_ms": round(statistics.quantiles(warm, n=20)[-1], 1) if len(warm) > 20 else None,
            "max_ms": round(max(warm), 1),
            # CPU time of this process alone: what a render costs when the machine is shared.
            "cpu_p50_ms": round(statistics.median(cpu[1:] or cpu), 1),
            "pdf_kb": round(statistics.fmean(sizes) / 1024, 1),
            "rss_mb": rss,
        },
    )
