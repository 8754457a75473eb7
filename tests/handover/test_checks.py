"""The deploy check on PUBLIC_BASE_URL (the QR codes' target)."""

import pytest
from django.test import override_settings

from handover.checks import public_base_url_check


@pytest.mark.parametrize(
    "url", ["http://localhost:8000", "https://127.0.0.1", "http://crm.example.com", ""]
)
def test_a_local_or_plain_http_address_is_warned_about(url):
    with override_settings(PUBLIC_BASE_URL=url):
        assert [w.id for w in public_base_url_check()] == ["handover.W001"]


def test_the_public_https_address_passes():
    with override_settings(PUBLIC_BASE_URL="https://crm.example.com"):
        assert public_base_url_check() == []
