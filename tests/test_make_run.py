"""`make run` as a newcomer gets it: SQLite, no Redis, kombu's filesystem broker, and the
processes of Procfile.dev (runserver, a Celery worker, beat) started by honcho."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def embedded_env(tmp_path):
    """The environment of a fresh checkout: no DATABASE_URL, no REDIS_URL, its own var/."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="salesoffice.settings.local",
        SALESOFFICE_VAR_DIR=str(tmp_path / "var"),
        PORT=str(free_port()),
        PYTHONUNBUFFERED="1",  # honcho's log is a file: without it, lines arrive in blocks
    )
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def stack(embedded_env, tmp_path):
    """migrate, seed_demo, then honcho with Procfile.dev; the whole process group stops after."""
    manage(embedded_env, "migrate", "--noinput")
    manage(embedded_env, "seed_demo")
    log = tmp_path / "honcho.log"
    with log.open("wb") as out:
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "-f", "Procfile.dev", "start"],
            cwd=ROOT,
            env=embedded_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{embedded_env['PORT']}"
    try:
        wait_for(lambda: answers(f"{base}/accounts/login/"), 30, "runserver")
        wait_for(
            lambda: "celery@" in log.read_text() and " ready." in log.read_text(), 30, "the worker"
        )
        yield base, log
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()


def test_the_embedded_stack_serves_the_site_and_runs_tasks_through_the_filesystem(
    stack, embedded_env
):
    base, log = stack

    assert get(f"{base}/accounts/login/")[0] == 200
    assert get(f"{base}/api/schema/")[0] == 200
    status, docs = get(f"{base}/api/docs/")
    assert status == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    # Swagger UI from the sidecar package, its set-up script from the docs view itself (a file,
    # not inline: the Content Security Policy).
    own = ("/static/drf_spectacular_sidecar/", "/api/docs/?script=")
    assert assets and all(a.startswith(own) for a in assets)
    assert "https://" not in docs and "http://" not in docs

    broker = Path(embedded_env["SALESOFFICE_VAR_DIR"]) / "broker"
    assert {p.name for p in broker.iterdir()} >= {"out", "control", "processed"}
    token = uuid.uuid4().hex
    send = f"from salesoffice.tasks import ping; ping.delay({token!r})"
    manage(embedded_env, "shell", "-c", send)
    wait_for(lambda: f"heartbeat {token}" in log.read_text(), 20, "the worker to run the task")
