"""Sessions (issue 12 item 6): a login ends after an idle hour, after a working day (12 h)
however busy, and at once for everyone when the person is deactivated."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from salesoffice.sessions import sessions_end
from salesoffice.settings import base

pytestmark = pytest.mark.django_db

PAGE = "/notifications/"  # any page that needs a login


@pytest.fixture(autouse=True)
def office_timeouts(settings):
    """The timeouts of base.py: the suite's settings turn them off (it travels in time)."""
    settings.SESSION_IDLE_TIMEOUT = base.SESSION_IDLE_TIMEOUT
    settings.SESSION_ABSOLUTE_TIMEOUT = base.SESSION_ABSOLUTE_TIMEOUT


def test_a_session_lasts_an_idle_hour_and_at_most_a_working_day():
    office = (base.SESSION_IDLE_TIMEOUT, base.SESSION_ABSOLUTE_TIMEOUT, base.SESSION_COOKIE_AGE)
    assert office == (timedelta(hours=1), timedelta(hours=12), 12 * 3600)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def logged_in(client, user):
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    return client


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deactivated_user_session_and_token_end_at_next_request(client, api, alice, mike):
    browser = logged_in(client, alice)
    app = api(alice)
    assert app.get("/api/projects/").status_code == 200

    answer = api(mike).patch("/api/staff/alice/", {"active": False})

    assert answer.status_code == 200
    assert sent_to_login(browser.get(PAGE))
    refused = app.get("/api/projects/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(user=alice).exists()
    assert str(alice.pk) not in [
        s.get_decoded().get("_auth_user_id") for s in Session.objects.all()
    ]
    # Taken back on, alice logs in again: nothing of the old logins comes back with her.
    assert api(mike).patch("/api/staff/alice/", {"active": True}).status_code == 200
    assert sent_to_login(browser.get(PAGE))
    assert app.get("/api/projects/").status_code in (401, 403)


def test_ending_one_persons_logins_leaves_the_others_logged_in(client, api, alice, bob):
    theirs = logged_in(Client(), alice)
    browser = logged_in(client, bob)
    app = api(bob)
    api(alice)

    assert sessions_end(alice) == 1

    assert sent_to_login(theirs.get(PAGE))
    assert browser.get(PAGE).status_code == 200
    assert app.get("/api/projects/").status_code == 200
    assert list(Token.objects.values_list("user__username", flat=True)) == ["bob"]


def test_an_inactive_user_is_refused_even_when_deactivated_outside_the_service(client, api, alice):
    """Django's own checks, which the service's clean-up does not replace: ModelBackend gives
    no user for an inactive one's session, DRF's TokenAuthentication refuses their token."""
    browser = logged_in(client, alice)
    app = api(alice)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)

    assert sent_to_login(browser.get(PAGE))
    refused = app.get("/api/projects/")
    assert refused.status_code in (401, 403)
    assert refused.json() == {
        "detail": "User inactive or deleted.",
        "code": "authentication_failed",
        "fields": {},
    }


def test_idle_session_expires(client, alice, frozen):
    browser = logged_in(client, alice)
    for _ in range(3):  # a busy morning: each request keeps the session alive
        frozen.shift(timedelta(minutes=59))
        assert browser.get(PAGE).status_code == 200

    frozen.shift(timedelta(minutes=60))
    answer = browser.get(PAGE)

    assert sent_to_login(answer)
    login_page = browser.get(answer["Location"]).content.decode()
    assert "You were logged out after a while without activity" in login_page
    assert sent_to_login(browser.get(PAGE))  # logged out, not only refused once


def test_the_rotation_bars_refreshes_do_not_keep_an_idle_desk_logged_in(client, alice, frozen):
    browser = logged_in(client, alice)
    for _ in range(6):  # 54 minutes of refreshes, nobody at the desk
        frozen.shift(timedelta(minutes=9))
        assert browser.get(PAGE, HTTP_X_BACKGROUND_REFRESH="true").status_code == 200

    frozen.shift(timedelta(minutes=9))

    assert sent_to_login(browser.get(PAGE))


def test_the_rotation_bar_marks_its_refreshes_as_background():
    from pathlib import Path

    from django.conf import settings

    bar = Path(settings.BASE_DIR, "templates/attribution/partials/rotation_bar.html").read_text()
    assert """hx-headers='{"X-Background-Refresh": "true"}'""" in bar


def test_absolute_session_timeout(client, alice, frozen):
    browser = logged_in(client, alice)
    for _ in range(23):  # a request every half hour for 11 h 30
        frozen.shift(timedelta(minutes=30))
        assert browser.get(PAGE).status_code == 200

    frozen.shift(timedelta(minutes=30))
    answer = browser.get(PAGE)

    assert sent_to_login(answer)
    assert "a login lasts a working day" in browser.get(answer["Location"]).content.decode()


def test_logging_in_again_starts_a_new_working_day(client, alice, frozen):
    browser = logged_in(client, alice)
    frozen.shift(timedelta(hours=12))
    assert sent_to_login(browser.get(PAGE))
    browser.post("/accounts/login/", {"username": "alice", "password": "pass12345"})

    frozen.shift(timedelta(minutes=30))

    assert browser.get(PAGE).status_code == 200


def test_the_timeouts_are_settings(client, alice, frozen, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    browser = logged_in(client, alice)
    frozen.shift(timedelta(minutes=5))

    assert sent_to_login(browser.get(PAGE))


def test_an_api_call_with_an_ended_session_is_not_authenticated(client, alice, frozen):
    browser = logged_in(client, alice)
    frozen.shift(timedelta(hours=2))

    answer = browser.get("/api/projects/")

    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_login(
    client, alice, project, frozen
):
    browser = logged_in(client, alice)
    frozen.shift(timedelta(hours=2))

    answer = browser.get(
        "/p/HX01/rotation/bar/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/p/HX01/desk/?tab=today",
    )

    assert answer.status_code == 200
    assert answer["HX-Redirect"] == "/accounts/login/?next=%2Fp%2FHX01%2Fdesk%2F%3Ftab%3Dtoday"
