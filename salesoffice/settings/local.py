"""Development and demo (``make run``): SQLite and the embedded broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "*"]

VAR_DIR.mkdir(parents=True, exist_ok=True)
