"""Settings shared by every environment. Environment variables decide the services:

- ``DATABASE_URL``: PostgreSQL (``postgres://user:pass@host:port/name``); else SQLite in var/.
- ``REDIS_URL``: Celery broker and cache; an embedded filesystem broker and local cache if unset.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SALESOFFICE_VAR_DIR", BASE_DIR / "var"))

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
# Encrypts ID-card numbers at rest (salesoffice/fields.py). Falls back to the secret key on a
# developer's machine and in tests only: production refuses to load without it, and
# `check --deploy` refuses a weak one (salesoffice/checks.py).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
# Where people outside the office reach the site (scheme and host, no trailing slash): the QR
# code on a payoff certificate points to its public verify page there.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
# Certificate checks on that public page allowed per visitor (IP): "30/min", "500/day".
VERIFY_RATE = os.environ.get("VERIFY_RATE", "30/min")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "simple_history",
    "salesoffice",
    # django-axes, under the name the admin shows the managers.
    "salesoffice.apps.LoginProtectionConfig",
    "projects",
    "customers",
    "attribution",
    "commission",
    "channels",
    "disputes",
    "desk",
    "orders",
    "handover",
    "aftersales",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "salesoffice.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "salesoffice.sessions.SessionTimeoutMiddleware",
    # Last, as axes asks: it turns a locked-out login page into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesoffice.urls"
WSGI_APPLICATION = "salesoffice.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.navigation",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Content Security Policy (django-csp), in every environment so that the browser tests and a
# developer's console meet the policy production sends. Everything the pages load is our own
# (htmx, Chart.js and the app's scripts from static/, no CDN); no inline script, style block
# or style attribute is allowed, only an element carrying the response's nonce
# (``nonce="{{ request.csp_nonce }}"``: the API docs' style block). htmx is told not to inject
# its own style block, evaluate attributes as code or copy style attributes (base.html).
# ------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the blank favicon (base.html) and the API docs' icons.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'salesoffice.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The lockout check comes first, so a locked-out client is refused before any password is
# checked; ModelBackend then checks the password (and refuses inactive users).
AUTHENTICATION_BACKENDS = [
    "salesoffice.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# ------------------------------------------------------------------------------
# Login throttling (django-axes) on the login page, the admin's and /api/auth/token/
# ------------------------------------------------------------------------------
# Failures are counted per username and, separately, per client address: the username's limit
# stops guessing one account's password, the address's stops one client trying the demo's
# published password on every username. A whole office comes through one NAT address, so its
# limit is looser: one person's typos lock their own account, never their colleagues'.
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
# Failures count until this long has passed without another one for the same username from
# the same address and browser; a lock lifts when enough have aged out, or when a manager
# unlocks the account.
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
# Proxies in front of the application: their X-Forwarded-For entries are trusted, nothing a
# client wrote there. None here: REMOTE_ADDR is the client (production reads DJANGO_NUM_PROXIES).
LOGIN_TRUSTED_PROXIES = 0

# Axes' database handler (salesoffice/lockout.py) rather than its cache one: the failures are
# rows the managers' admin lists and unlocks, that each test's transaction takes back, and a
# few queries per login attempt cost nothing at an office's rate.
AXES_HANDLER = "salesoffice.lockout.LockoutHandler"
# Each is counted on its own (username OR address), not their combination: a combination
# would let a guesser go on from another address, an address alone would let one person's
# typos lock the whole office out, and a username alone would let one client try a password
# on every account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Axes compares every count with this one number; LockoutHandler gives the address its own.
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_USERNAME
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Trying again while locked does not push the end further: the time the page tells holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login forgets that username's failures (LockoutHandler: only that username's).
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "salesoffice.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "salesoffice.lockout.lockout_page"
# Failures age out of their table; successful logins are not logged, or that table would grow
# without bound.
AXES_DISABLE_ACCESS_LOG = True
# projects/admin.py shows the managers the locked logins of their own staff instead.
AXES_ENABLE_ADMIN = False
# Failures and lockouts are logged (WARNING); no banner in the log of every process.
AXES_VERBOSE = False

# ------------------------------------------------------------------------------
# Sessions: they end after an idle hour or a working day, whichever comes first
# ------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", "12")))
# The browser may forget the cookie then too (Django's default keeps it two weeks).
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())

# ------------------------------------------------------------------------------
# Internationalisation: Chinese by default, English available
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["salesoffice.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files: every asset is served by the application itself (no CDN)
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# ------------------------------------------------------------------------------
# Cache and Celery: Redis when REDIS_URL is set, embedded otherwise
# ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # kombu's filesystem transport: a broker made of files in var/broker, shared by the web
    # process, the worker and beat on one machine; no server to install.
    # A host in the URL only so that kombu does not warn, in every process, that none was given.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        # The exchange tables; kombu's default is a "control" folder in the current directory.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "store_processed": False,
    }
    # kombu creates none of these: without them every send and the worker itself fail.
    for _folder in ("out", "control", "processed"):
        (VAR_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_IMPORTS = ("salesoffice.tasks",)
CELERY_BEAT_SCHEDULE: dict = {
    # A line in the worker's log every minute: beat, the broker and the worker all work.
    "heartbeat": {"task": "salesoffice.tasks.ping", "schedule": 60.0},
    # Attribution (DOMAIN.md §10): every job is idempotent, so a late or repeated run is harmless.
    "lapse-claims": {"task": "attribution.lapse_claims", "schedule": 300.0},
    "resolve-pending": {"task": "attribution.resolve_pending", "schedule": 300.0},
    "flag-unregistered": {"task": "attribution.flag_unregistered", "schedule": 60.0},
    "remind-lapsing": {"task": "attribution.remind_lapsing", "schedule": 3600.0},
    # Channels (A13): reports with no visit in time lapse, and their agents are told once.
    "lapse-channel-reports": {"task": "channels.lapse_reports", "schedule": 300.0},
    # After-sales (§9): overdue solutions and promises escalated once; visits due reminded once.
    "escalate-tickets": {"task": "aftersales.escalate_tickets", "schedule": 900.0},
    "remind-visits": {"task": "aftersales.remind_visits", "schedule": 3600.0},
    # Payments (§8): overdue instalments told once per item and due date, escalated once.
    "remind-overdue-payments": {"task": "orders.remind_overdue_payments", "schedule": 3600.0},
    # Managers' daily summary (§10), once per project and local day after the office closes.
    "send-daily-summaries": {"task": "reports.send_daily_summaries", "schedule": 900.0},
    "send-notification-emails": {"task": "projects.send_notification_emails", "schedule": 120.0},
}

# ------------------------------------------------------------------------------
# REST framework and OpenAPI
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without valid credentials is then 401 with a WWW-Authenticate
    # challenge, as HTTP asks, rather than session authentication's bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "salesoffice.schema.AutoSchema",
    "EXCEPTION_HANDLER": "salesoffice.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"lookup": os.environ.get("LOOKUP_RATE", "120/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sales office API",
    "DESCRIPTION": "The registration ledger, attribution, channels, deals and handover.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets come from the sidecar package: the office network may have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several serializers have a "kind" of relation: one enum, named, rather than a hash.
    "ENUM_NAME_OVERRIDES": {
        "RelationEnum": "customers.models.Relation",
        "TicketStateEnum": "aftersales.models.TicketState",
    },
}

# ------------------------------------------------------------------------------
# E-mail and logging
# ------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "salesoffice@localhost")
# For django.core.mail.backends.smtp.EmailBackend
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false") == "true"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs seven progress lines per PDF at INFO: noise, not news.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
