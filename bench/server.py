"""The product served as in production: gunicorn (the Dockerfile's command) with the
production settings, started by the benchmark on a free loopback port and stopped after it.

The Dockerfile runs gunicorn's default sync workers, which answer one request per connection
(no keep-alive): the client keeps its connections alive, and the server closes them; the
limits are served by the same workers, so both pay the same connect on loopback.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import environment

# Sync workers wait on the database: gunicorn's advice is 2 × cores + 1.
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    workers: int
    pid: int
    log: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def collectstatic() -> None:
    """The production storage serves hashed names from a manifest: pages need it built."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=environment.ROOT,
        env={**os.environ, **environment.production_environment()},
        check=True,
    )


@contextmanager
def gunicorn(workers: int = WORKERS):
    port = free_port()
    log = environment.VAR_DIR / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "salesoffice.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # As in production (the Dockerfile): one access-log line per request.
        "--access-logfile",
        str(environment.VAR_DIR / "access.log"),
        "--error-logfile",
        str(log),
    ]
    env = {**os.environ, **environment.production_environment()}
    process = subprocess.Popen(command, cwd=environment.ROOT, env=env)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up: see {log}")
            time.sleep(0.2)
        yield Server("127.0.0.1", port, workers, process.pid, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
