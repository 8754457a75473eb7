"""Run the benchmarks and merge their results into ``bench/results.json``.

    scripts/with-services.sh .venv/bin/python -m bench.run              # all
    scripts/with-services.sh .venv/bin/python -m bench.run import_sheet # only these

Adding one: write a module ``bench/<name>.py`` with a function decorated ``@benchmark("<name>")``
that takes no argument and returns a JSON-able dict, and list the module in ``MODULES``. The
runner sets Django up on the PostgreSQL of ``DATABASE_URL`` and migrates once; each benchmark
seeds its own data, and skips seeding what a previous run already left in the database. A run
replaces only the keys of the benchmarks it ran; the others' results are kept.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

MODULES = ["bench.import_sheet", "bench.attribution", "bench.certificate"]
RESULTS = Path(__file__).resolve().parent / "results.json"
REGISTRY: dict[str, Callable[[], dict]] = {}


def benchmark(name: str):
    def register(function: Callable[[], dict]) -> Callable[[], dict]:
        REGISTRY[name] = function
        return function

    return register


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "salesoffice.settings.local"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Benchmarks run on PostgreSQL: `make bench`, or set DATABASE_URL.")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def load_modules() -> None:
    import importlib

    for module in MODULES:
        importlib.import_module(module)


def merge(results: dict[str, dict]) -> dict:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.update(results)
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    return existing


def main(argv: list[str]) -> int:
    setup_django()
    load_modules()
    names = argv or sorted(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        print(f"Unknown benchmarks: {', '.join(unknown)}. Known: {', '.join(sorted(REGISTRY))}")
        return 2
    results = {}
    for name in names:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        results[name] = REGISTRY[name]()
        print(json.dumps(results[name], indent=2, ensure_ascii=False), flush=True)
        print(f"== {name}: {time.perf_counter() - started:.1f} s", flush=True)
    merge(results)
    print(f"Results merged into {RESULTS}")
    return 0


if __name__ == "__main__":
    # Run as ``bench.run``, not ``__main__``: the benchmark modules register into that one.
    from bench.run import main as registry_main

    sys.exit(registry_main(sys.argv[1:]))
