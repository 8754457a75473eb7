"""One real round trip through Redis: a worker process, started as in production, runs a task
this test sends, and leaves its mark in Redis. The other tests run tasks eagerly."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from salesoffice.celery import app
from salesoffice.tasks import HEARTBEAT_KEY, ping

CELERY = Path(sys.executable).with_name("celery")
# The worker's broker and cache get a Redis database of their own, away from the suite's
# (whose caches are flushed before every test), so that nothing else can wipe the mark.
OWN_DATABASE = 13


def own_database(url: str) -> str:
    return urlsplit(url)._replace(path=f"/{OWN_DATABASE}").geturl()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def redis_url():
    return own_database(os.environ["REDIS_URL"])


@pytest.fixture
def worker(tmp_path, redis_url):
    """``celery worker`` in a process of its own, on the local settings, stopped with SIGTERM."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesoffice.settings.local",
        "REDIS_URL": redis_url,
        "SALESOFFICE_VAR_DIR": str(tmp_path / "var"),
    }
    command = [str(CELERY), "-A", "salesoffice", "worker", "--pool=solo", "--without-gossip"]
    command += ["--without-mingle", "--without-heartbeat", "--loglevel=info"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: " ready." in log.read_text(), 30, f"the worker:\n{log.read_text()}")
        yield log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def not_eager():
    """The test settings run tasks in-process; this one must go through the broker."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.usefixtures("not_eager")
def test_a_task_sent_to_redis_is_run_by_a_real_worker(worker, redis_url):
    token = uuid.uuid4().hex
    cache = RedisCache(redis_url, {})

    with app.connection_for_write(redis_url) as connection:
        ping.apply_async(args=[token], connection=connection)

    def ours():
        # A ping left queued by an earlier, interrupted run may be served first: wait for ours.
        beat = cache.get(HEARTBEAT_KEY)
        return beat if beat and beat["token"] == token else None

    beat = wait_for(ours, 30, f"the task:\n{worker.read_text()}")
    assert beat["token"] == token
    assert f"heartbeat {token}" in worker.read_text()
