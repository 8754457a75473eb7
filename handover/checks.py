"""``manage.py check --deploy``: the QR code on every certificate points to PUBLIC_BASE_URL, so
a production site must say where the public reaches it (the default is a developer's machine)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@register(deploy=True)
def public_base_url_check(app_configs=None, **kwargs) -> list[Warning]:
    url = urlsplit(settings.PUBLIC_BASE_URL)
    if url.scheme == "https" and url.hostname and url.hostname not in LOCAL_HOSTS:
        return []
    return [
        Warning(
            "PUBLIC_BASE_URL is not the site's public https address: the QR codes printed on "
            "payoff certificates would point nowhere.",
            hint="Set PUBLIC_BASE_URL, e.g. https://crm.example.com (see .env.example).",
            id="handover.W001",
        )
    ]
