"""Tasks of the installation itself (each app keeps its own in its ``tasks.py``)."""

import logging
import socket

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "salesoffice:heartbeat"


@shared_task(name="salesoffice.tasks.ping")
def ping(token: str = "") -> str:
    """Beat sends one a minute: its line in the worker's log, and the cache entry it leaves,
    show that beat, the broker and the worker all work. ``token`` lets a check find its own."""
    host = socket.gethostname()
    cache.set(HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "token": token, "host": host}, None)
    logger.info("heartbeat %s on %s", token or "(beat)", host)
    return token or "pong"
