"""The test suite runs on real PostgreSQL and Redis: ``make test`` provides both."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

# `make test` runs the reports' tests a second time on SQLite, the embedded database of
# `make run`, so that what a newcomer meets on day one cannot rot (issue 19).
ON_SQLITE = os.environ.get("SALESOFFICE_TESTS_ON_SQLITE") == "1"
if ON_SQLITE:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    raise ImproperlyConfigured("Tests run on PostgreSQL: use `make test`, or set DATABASE_URL.")
if not os.environ.get("REDIS_URL"):
    raise ImproperlyConfigured("Tests run with Redis: use `make test`, or set REDIS_URL.")

# Each xdist worker gets its own Redis database: clearing the cache between tests (a FLUSHDB)
# must not wipe another worker's throttle counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{int(_worker or 0) + 1}",
    }
}

# Tests read the English words (they are the message ids); the Chinese default the office sees
# is tested on its own in tests/i18n, and the browser tests ask for Chinese like a real browser.
LANGUAGE_CODE = "en"

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-use-only-1234567890"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"lookup": "100000/min"}}
# The suite moves its clock by hours and days between the requests of one logged-in client, and
# counts each page's queries: the session timeouts are off here, and tested on their own with
# the office's values (tests/salesoffice/test_sessions.py). Login lockouts stay on.
SESSION_IDLE_TIMEOUT = None
SESSION_ABSOLUTE_TIMEOUT = None
SESSION_COOKIE_AGE = 14 * 24 * 3600  # Django's default
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
