"""The rotation's pages on the server: the desk's bar (htmx), the clerk's order page and the
fairness report; who may open which, and errors as sentences, never error pages."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attribution.models import Reception
from attribution.rotation.queue import roster_of
from attribution.rotation.roster import roster_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
BAR = "/p/HX01/rotation/bar/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def on_duty(project, alice, bob, clara, clock):
    roster_set(project=project, date=DAY1.date(), usernames=["alice", "bob"], acting_user=clara)
    return project


def signed_in(client, user):
    client.force_login(user)
    return client


class TestBar:
    def test_it_shows_who_is_next_and_the_queue_with_toggles_for_oneself_only(
        self, client, on_duty, alice
    ):
        html = signed_in(client, alice).get(BAR).content.decode()
        assert 'data-testid="rotation-next" data-username="alice"' in html
        assert 'data-testid="queue-bob"' in html
        assert 'data-testid="set-away-alice"' in html
        assert 'data-testid="set-away-bob"' not in html
        assert 'hx-trigger="every 15s, rotation-changed from:body"' in html

    def test_receiving_shows_who_and_the_deadline_and_tells_the_desk(self, client, on_duty, clara):
        response = signed_in(client, clara).post(BAR + "receive/", {"phone": ""}, **HTMX)
        reception = Reception.objects.get()
        html = response.content.decode()
        assert f'data-reception-id="{reception.pk}"' in html
        assert 'id="rotation-reception"' in html
        assert "11:00" in html  # register by, in the project's time
        assert "60:00" in html
        assert 'data-username="bob"' in html  # the next one now
        event = json.loads(response["HX-Trigger"])["rotation-received"]
        assert event == {"reception": reception.pk, "consultant": "alice"}

    def test_the_pending_walk_in_stays_on_the_receivers_bar_until_registered(
        self, client, on_duty, alice, clara, clock
    ):
        signed_in(client, clara).post(BAR + "receive/", **HTMX)
        clock.move_to(DAY1 + timedelta(minutes=61), tick=False)
        html = signed_in(client, alice).get(BAR).content.decode()
        assert "is-overdue" in html

    def test_nobody_available_is_a_sentence_in_the_bar(self, client, project, clara, clock):
        response = signed_in(client, clara).post(BAR + "receive/", **HTMX)
        assert response.status_code == 200
        assert 'data-code="nobody_available"' in response.content.decode()
        assert "HX-Trigger" not in response

    def test_states_are_toggled_from_the_bar(self, client, on_duty, clara):
        response = signed_in(client, clara).post(
            BAR + "status/", {"consultant": "alice", "state": "away"}, **HTMX
        )
        assert 'data-username="bob"' in response.content.decode()
        assert [e.state for e in roster_of(on_duty, DAY1.date())] == ["away", "free"]

    def test_a_consultant_toggling_a_colleague_is_told_so(self, client, on_duty, alice):
        response = signed_in(client, alice).post(
            BAR + "status/", {"consultant": "bob", "state": "away"}, **HTMX
        )
        assert 'data-code="not_permitted"' in response.content.decode()

    def test_the_bar_costs_the_same_queries_whatever_the_queue(
        self, client, project, clara, clock, django_assert_max_num_queries
    ):
        staff = [UserFactory(role="consultant", project=project) for _ in range(8)]
        names = [user.username for user in staff]
        roster_set(project=project, date=DAY1.date(), usernames=names, acting_user=clara)
        signed_in(client, clara).get(BAR)  # the session and the user's groups, once
        with django_assert_max_num_queries(8):
            html = client.get(BAR).content.decode()
        assert html.count('data-testid="set-away-') == 8

    def test_finance_gets_no_bar(self, client, on_duty, fiona):
        assert signed_in(client, fiona).get(BAR).status_code == 403


class TestOrderPage:
    def test_the_clerk_saves_the_order_in_the_rows_order(self, client, on_duty, alice, bob, clara):
        response = signed_in(client, clara).post(
            "/p/HX01/rotation/", {"date": "2026-03-02", "order": ["bob", "alice"]}
        )
        assert response.status_code == 302
        assert [e.consultant.username for e in roster_of(on_duty, DAY1.date())] == ["bob", "alice"]
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="roster-saved"' in page

    def test_saving_an_order_the_walk_ins_have_moved_since_is_refused(self, client, on_duty, clara):
        page = signed_in(client, clara).get("/p/HX01/rotation/").content.decode()
        assert 'name="expected" value="alice,bob"' in page
        client.post(BAR + "receive/", **HTMX)  # alice receives, goes behind bob
        response = client.post(
            "/p/HX01/rotation/",
            {"date": "2026-03-02", "order": ["alice", "bob"], "expected": "alice,bob"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="roster-error"' in html
        assert 'name="expected" value="bob,alice"' in html
        assert [e.consultant.username for e in roster_of(on_duty, DAY1.date())] == ["bob", "alice"]

    def test_a_refused_order_is_explained_on_the_page(self, client, on_duty, clara):
        response = signed_in(client, clara).post(
            "/p/HX01/rotation/", {"date": "2026-03-01", "order": ["bob"]}
        )
        assert response.status_code == 200
        assert 'data-testid="roster-error"' in response.content.decode()

    def test_consultants_neither_see_it_nor_have_it_in_the_menu(self, client, on_duty, alice):
        assert signed_in(client, alice).get("/p/HX01/rotation/").status_code == 403
        assert signed_in(client, alice).get("/p/HX01/rotation/report/").status_code == 403
        assert 'href="/p/HX01/rotation/"' not in client.get("/p/HX01/desk/").content.decode()

    def test_clerks_and_managers_have_both_pages_in_the_menu(self, client, on_duty, mike):
        html = signed_in(client, mike).get("/p/HX01/rotation/").content.decode()
        assert 'data-nav="rotation"' in html
        assert 'data-nav="rotation-report"' in html


class TestReport:
    def test_an_unregistered_reception_is_highlighted(self, client, on_duty, clara, clock):
        signed_in(client, clara).post(BAR + "receive/", **HTMX)
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        html = client.get("/p/HX01/rotation/report/?date=2026-03-02").content.decode()
        assert 'data-status="unregistered" class="is-flagged"' in html
        assert 'data-testid="flagged-total"' in html

    def test_a_bad_date_falls_back_to_today_with_a_sentence(self, client, on_duty, clara):
        response = signed_in(client, clara).get("/p/HX01/rotation/report/?date=soon")
        assert response.status_code == 200
        assert 'value="2026-03-02"' in response.content.decode()
