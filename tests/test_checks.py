"""The deploy checks of the project itself (salesoffice/checks.py): the key of the encrypted
ID-card numbers is set, and is a key."""

import pytest
from django.core.checks import registry
from django.test import override_settings

from salesoffice.checks import field_encryption_key_check

SECRET = "test-secret-key-not-for-production-use-only-1234567890"
STRONG = "Jx4vR2-q8LhZt0Wb_nYp6sKe1GcUaD9mFo3TiQ7w"


def ids(**settings):
    with override_settings(SECRET_KEY=SECRET, **settings):
        return [error.id for error in field_encryption_key_check()]


def test_a_missing_key_is_an_error_not_a_silent_fallback_to_the_secret_key():
    assert ids(FIELD_ENCRYPTION_KEY="") == ["salesoffice.E001"]


@pytest.mark.parametrize(
    "key",
    [
        "too-short-0123456789",
        "x" * 64,
        "abcdefg" * 8,
        "replace-with-another-long-random-string",
        SECRET,
    ],
    ids=["short", "one-character", "seven-characters", "placeholder", "the-secret-key"],
)
def test_a_weak_key_is_an_error(key):
    assert ids(FIELD_ENCRYPTION_KEY=key) == ["salesoffice.E002"]


def test_a_long_random_key_passes():
    assert ids(FIELD_ENCRYPTION_KEY=STRONG) == []


def test_the_check_runs_with_the_deployment_checks_only():
    # Local and test settings keep the fallback: a plain `check` (runserver's) stays quiet.
    assert field_encryption_key_check in registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert field_encryption_key_check not in registry.registry.get_checks()
