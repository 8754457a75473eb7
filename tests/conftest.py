"""Personas, as in an office: alice and bob are consultants, clara the clerk, mike the manager,
fiona in finance, and chan a channel agent who must see nothing of the site's customers."""

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import ProjectFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django must not refuse DB access.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Properties are about answers, not speed: on a busy 2-core machine (CI) a slow example is not a
# failure. Timing is measured in `make bench`, never asserted here.
hypothesis_settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture
def project(db):
    return ProjectFactory(code="HX01", name="和玺一期")


def _staff(username, name, role, project):
    return UserFactory(username=username, first_name=name, role=role, project=project)


@pytest.fixture
def alice(project):
    return _staff("alice", "王芳", "consultant", project)


@pytest.fixture
def bob(project):
    return _staff("bob", "李强", "consultant", project)


@pytest.fixture
def clara(project):
    return _staff("clara", "陈静", "clerk", project)


@pytest.fixture
def mike(project):
    return _staff("mike", "张经理", "manager", project)


@pytest.fixture
def fiona(project):
    return _staff("fiona", "刘会计", "finance", project)


@pytest.fixture
def chan(project):
    return _staff("chan", "渠道小周", "channel", project)


@pytest.fixture
def api():
    """``api(user)``: a REST client authenticated as that user (token auth, like a mobile app)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            from rest_framework.authtoken.models import Token

            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def chinese(settings):
    """Pages in the office's own language, for tests of Chinese wording and date formats
    (the suite otherwise reads the English message ids)."""
    settings.LANGUAGE_CODE = "zh-hans"
