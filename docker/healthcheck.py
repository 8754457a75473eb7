"""Health checks of the containers (docker-compose.yml), without starting Django.

python docker/healthcheck.py web    # /healthz/ answers: gunicorn, Django and the database
python docker/healthcheck.py beat   # beat's schedule file was written in the last minutes
"""

import os
import sys
import time
import urllib.request
from pathlib import Path

# Beat saves its schedule every 3 minutes (celery's sync_every) while it ticks.
BEAT_STALE_AFTER = 10 * 60


def allowed_host() -> str:
    """A name the site answers to: /healthz/ must pass ALLOWED_HOSTS like any request."""
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    names = [h.lstrip(".") for h in hosts if h and "*" not in h]
    return names[0] if names else "localhost"


def web() -> bool:
    # The proxy in front terminates TLS and says so; without the header the site redirects.
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz/",
        headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status == 200


def beat() -> bool:
    var = Path(os.environ.get("SALESOFFICE_VAR_DIR", "/app/var"))
    files = list(var.glob("celerybeat-schedule*"))
    return bool(files) and time.time() - max(f.stat().st_mtime for f in files) < BEAT_STALE_AFTER


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    try:
        healthy = checks[sys.argv[1]]()
    except Exception as exc:  # whatever fails, the answer is "unhealthy", said in one line
        print(f"unhealthy: {exc}", file=sys.stderr)
        healthy = False
    sys.exit(0 if healthy else 1)
