"""The environment the benchmarks run the product in: its production settings, on the
PostgreSQL and Redis of ``scripts/with-services.sh``, plus the bench-only URLconf of the limits.

The same environment serves the in-process figures (test client, query counts) and the gunicorn
the HTTP figures come from, so both run exactly the same settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var" / "bench"
# The office's real limit is 120 lookups per person per minute: a benchmark is one very fast
# person. A one-second window keeps the throttle's history in Redis (one timestamp per request
# in the window) about as long as the real one (120), so its cost is still measured.
LOOKUP_RATE = "100000/s"


def production_environment() -> dict[str, str]:
    """Every variable salesoffice.settings.production requires or reads, set for loopback."""
    for required in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(required, "").startswith(("postgres", "redis")):
            sys.exit(f"Benchmarks run on PostgreSQL and Redis: `make bench`, or set {required}.")
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on loopback: no TLS proxy in front to redirect to.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOOKUP_RATE": LOOKUP_RATE,
        "SALESOFFICE_VAR_DIR": str(VAR_DIR),
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
    }


def apply() -> None:
    """Set the environment in this process (before Django is set up)."""
    os.environ.update(production_environment())
    VAR_DIR.mkdir(parents=True, exist_ok=True)


# How much each HTTP benchmark drives: requests per side at concurrency 1 (after the warm-up),
# and seconds per side at CONCURRENCY.
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = 8
