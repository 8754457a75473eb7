"""Production: PostgreSQL, Redis, gunicorn behind a TLS-terminating proxy.

Required: DJANGO_SECRET_KEY, FIELD_ENCRYPTION_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

# FIELD_ENCRYPTION_KEY among them: without it ID-card numbers would be encrypted with a key
# derived from the secret key, silently (salesoffice/fields.py keeps that fallback for dev).
required_variables = (
    "DJANGO_SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
)
for required in required_variables:
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production.")

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------------------
# Security: TLS is terminated by the proxy in front of gunicorn
# ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true") == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Throttles (lookups, the public verify page) and login lockouts identify clients by the
# address the proxy saw: trust exactly the proxies in front of gunicorn, or a client could
# rotate X-Forwarded-For.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "1"))
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": NUM_PROXIES}
LOGIN_TRUSTED_PROXIES = NUM_PROXIES
