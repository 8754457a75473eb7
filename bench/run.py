"""Run the benchmarks, print the table of each figure against its limit, and merge the results
into ``bench/results.json``.

    scripts/with-services.sh .venv/bin/python -m bench.run              # all
    scripts/with-services.sh .venv/bin/python -m bench.run lookup       # only these
    BENCH_CUSTOMERS=20000 …                                             # a quick run
    … -m bench.run lookup register --profile   # then profile them on the same data

Adding one: write a module ``bench/<name>.py`` with a function decorated ``@benchmark("<name>")``
that takes no argument and returns ``bench.goals.entry(checks, details)``, and list the module in
``MODULES``. The runner sets Django up with the production settings (``bench/settings.py``, on
the PostgreSQL and Redis of ``DATABASE_URL`` / ``REDIS_URL``), migrates once and collects the
static files; each benchmark seeds its own data, and skips seeding what a previous run already
left in the database. A run replaces only the entries of the benchmarks it ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# In the order they run: the cheap ones first, the seeding they share done by the first.
MODULES = [
    "bench.attribution",
    "bench.lookup",
    "bench.register",
    "bench.my_customers",
    "bench.import_sheet",
    "bench.lapse_sweep",
    "bench.certificate",
]
RESULTS = Path(__file__).resolve().parent / "results.json"
REGISTRY: dict[str, Callable[[], dict]] = {}


def benchmark(name: str):
    def register(function: Callable[[], dict]) -> Callable[[], dict]:
        REGISTRY[name] = function
        return function

    return register


def setup_django() -> None:
    from bench import environment

    environment.apply()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def load_modules() -> None:
    import importlib

    for module in MODULES:
        importlib.import_module(module)


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=RESULTS.parent, check=False
        ).stdout.strip()

    commit = git("rev-parse", "HEAD")
    return f"{commit}-dirty" if git("status", "--porcelain", "--untracked-files=no") else commit


def run_one(name: str) -> dict:
    """One benchmark's entry, stamped with the machine's state; a failure is recorded, not
    raised, so that a long run still reports the others."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        result = REGISTRY[name]()
    except Exception as exc:
        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {exc}", "goal_met": False, "checks": []}
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_average"] = {"before": _rounded(load_before), "after": _rounded(os.getloadavg())}
    return result


def _rounded(values) -> list[float]:
    return [round(v, 2) for v in values]


def merge(run: dict, results: dict[str, dict]) -> dict:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    benchmarks = existing.get("benchmarks", {}) if "run" in existing else {}
    benchmarks.update(results)
    merged = {"run": run, "benchmarks": benchmarks}
    RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False, default=str) + "\n")
    return merged


def main(argv: list[str]) -> int:
    from bench import table
    from bench.data import CUSTOMERS

    profile = "--profile" in argv
    argv = [a for a in argv if a != "--profile"]
    setup_django()
    load_modules()
    names = argv or list(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        print(f"Unknown benchmarks: {', '.join(unknown)}. Known: {', '.join(REGISTRY)}")
        return 2
    run = {
        "commit": git_commit(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "customers": CUSTOMERS,
        "cpus": os.cpu_count(),
        "load_average_start": _rounded(os.getloadavg()),
    }
    results = {}
    for name in names:
        print(f"== {name}", flush=True)
        results[name] = run_one(name)
        results[name]["commit"] = run["commit"]
        print(json.dumps(results[name], indent=2, ensure_ascii=False, default=str), flush=True)
        print(f"== {name}: {results[name]['seconds']} s", flush=True)
    run["load_average_end"] = _rounded(os.getloadavg())
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    merge(run, results)
    print()
    print(table.markdown(table.rows_of(results)))
    print(
        f"\n{CUSTOMERS:,} customers; commit {run['commit'][:12]}; load average "
        f"{run['load_average_start']} at the start, {run['load_average_end']} at the end "
        f"({run['cpus']} CPUs). Ratio = product / limit, both measured in this run."
    )
    print(f"Results merged into {RESULTS}")
    if profile:
        from bench import profile as profiler

        profiler.report([n for n in names if n in profiler.PROFILED])
    # Goals not met are findings, not failures: only a benchmark that could not run fails.
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    # Run as ``bench.run``, not ``__main__``: the benchmark modules register into that one.
    from bench.run import main as registry_main

    sys.exit(registry_main(sys.argv[1:]))
