"""The rotation's REST contract (API.md "Rotation"): the queue, the order, states, receiving
walk-ins, registering them, the fairness report, and who may do what."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attribution import jobs
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
BASE = "/api/projects/HX01/rotation/"
PHONE = "13800138000"
ALICE = {"username": "alice", "name": "王芳"}
BOB = {"username": "bob", "name": "李强"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def carl(project):
    return UserFactory(username="carl", first_name="赵磊", role="consultant", project=project)


@pytest.fixture
def on_duty(api, project, alice, bob, carl, clara, clock):
    """alice, bob and carl on today's roster, in that order."""
    response = set_order(api(clara), ["alice", "bob", "carl"])
    assert response.status_code == 200, response.json()
    return project


def set_order(client, order, date="2026-03-02"):
    return client.post(BASE + "roster/", {"date": date, "order": order}, format="json")


def receive(client, **body):
    return client.post(BASE + "receive/", body, format="json")


def set_state(client, consultant, state):
    return client.post(BASE + "status/", {"consultant": consultant, "state": state}, format="json")


def registration(client, consultant="alice", phone=PHONE, **fields):
    body = {
        "project": "HX01",
        "kind": "visit",
        "occurred_at": "2026-03-02T10:00:00+08:00",
        "consultant": consultant,
        "name": "赵敏",
        "gender": "F",
        "phone": phone,
        **fields,
    }
    return client.post("/api/registrations/", body, format="json")


class TestOrder:
    def test_a_clerk_sets_the_order_and_everyone_starts_free(
        self, api, project, alice, bob, clara, clock
    ):
        response = set_order(api(clara), ["bob", "alice"])
        assert response.status_code == 200
        assert response.json() == {
            "date": "2026-03-02",
            "next": BOB,
            "queue": [
                {"consultant": BOB, "position": 1, "state": "free", "received": 0, "next": True},
                {"consultant": ALICE, "position": 2, "state": "free", "received": 0, "next": False},
            ],
        }

    def test_a_manager_sets_it_too_but_a_consultant_may_not(
        self, api, project, alice, bob, mike, clock
    ):
        assert set_order(api(mike), ["alice"]).status_code == 200
        response = set_order(api(alice), ["alice", "bob"])
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"date": "2026-03-02", "order": ["zoe"]}, "unknown_consultant"),
            ({"date": "2026-03-02", "order": ["alice", "alice"]}, "duplicate_consultant"),
            ({"date": "2026-03-01", "order": ["alice"]}, "roster_in_past"),
            ({"date": "yesterday", "order": ["alice"]}, "invalid"),
            ({"date": "2026-03-02"}, "invalid"),
        ],
    )
    def test_a_bad_order_is_refused_with_a_code(
        self, api, project, alice, clara, clock, body, code
    ):
        response = api(clara).post(BASE + "roster/", body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == code

    def test_the_queue_and_who_is_next(self, api, on_duty, alice):
        assert api(alice).get(BASE + "next/").json() == {"consultant": ALICE}
        body = api(alice).get(BASE).json()
        assert body["next"] == ALICE
        assert [(e["consultant"]["username"], e["state"]) for e in body["queue"]] == [
            ("alice", "free"),
            ("bob", "free"),
            ("carl", "free"),
        ]

    def test_nobody_is_next_without_an_order(self, api, project, alice, clock):
        assert api(alice).get(BASE + "next/").json() == {"consultant": None}
        assert api(alice).get(BASE).json() == {"date": "2026-03-02", "next": None, "queue": []}


class TestStates:
    def test_a_consultant_sets_their_own_state_not_a_colleagues(self, api, on_duty, alice):
        response = set_state(api(alice), "alice", "away")
        assert response.status_code == 200
        assert response.json() == {
            "consultant": ALICE,
            "state": "away",
            "received": 0,
            "next": BOB,
        }
        response = set_state(api(alice), "bob", "away")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_clerk_sets_anyones_state(self, api, on_duty, clara):
        assert set_state(api(clara), "bob", "busy").json()["state"] == "busy"

    @pytest.mark.parametrize(
        ("consultant", "state", "status", "code"),
        [
            ("mike", "free", 409, "not_on_roster"),
            ("zoe", "free", 400, "unknown_consultant"),
            ("bob", "asleep", 400, "invalid"),
        ],
    )
    def test_bad_states_are_refused_with_a_code(
        self, api, on_duty, mike, clara, consultant, state, status, code
    ):
        response = set_state(api(clara), consultant, state)
        assert (response.status_code, response.json()["code"]) == (status, code)


class TestReceive:
    def test_the_next_consultant_receives_and_the_next_one_changes(self, api, on_duty, clara):
        response = receive(api(clara))
        assert response.status_code == 201
        body = response.json()
        assert body["consultant"] == ALICE
        assert body["received_at"] == "2026-03-02T10:00:00+08:00"
        assert body["register_by"] == "2026-03-02T11:00:00+08:00"
        assert (body["own_customer"], body["registration"], body["next"]) == (False, None, BOB)
        assert isinstance(body["reception"], int)
        queue = api(clara).get(BASE).json()["queue"]
        assert queue[-1] == {
            "consultant": ALICE,
            "position": 3,
            "state": "busy",
            "received": 1,
            "next": False,
        }

    def test_a_consultant_at_the_desk_receives_too(self, api, on_duty, carl):
        assert receive(api(carl)).json()["consultant"] == ALICE

    def test_an_own_returning_customer_goes_to_the_owner_without_echoing_the_phone(
        self, api, on_duty, bob, clara
    ):
        assert registration(api(bob), "bob").status_code == 201
        response = receive(api(clara), phone="138-0013-8000")
        assert response.status_code == 201
        assert (response.json()["consultant"], response.json()["own_customer"]) == (BOB, True)
        assert PHONE not in response.content.decode()
        assert response.json()["next"] == ALICE

    def test_nobody_available_is_a_conflict(self, api, on_duty, clara):
        for name in ("alice", "bob", "carl"):
            set_state(api(clara), name, "away")
        response = receive(api(clara))
        assert response.status_code == 409
        assert response.json()["code"] == "nobody_available"

    def test_an_unusable_phone_is_refused_next_to_the_field(self, api, on_duty, clara):
        response = receive(api(clara), phone="1234")
        assert response.status_code == 400
        assert response.json()["code"] == "phone_invalid"
        assert "phone" in response.json()["fields"]

    def test_finance_does_not_work_the_desk(self, api, on_duty, fiona):
        assert receive(api(fiona)).status_code == 403
        assert api(fiona).get(BASE).status_code == 403


class TestRegistration:
    def test_the_registration_that_follows_carries_the_reception(
        self, api, on_duty, alice, bob, clara, clock
    ):
        completed = receive(api(clara)).json()["reception"]
        forgotten = receive(api(clara)).json()["reception"]
        response = registration(api(alice), reception=completed)
        assert response.status_code == 201, response.json()
        clock.move_to(DAY1 + timedelta(minutes=61), tick=False)
        assert jobs.receptions_flag_unregistered(now=DAY1 + timedelta(minutes=61)) == [forgotten]

    def test_a_reception_is_completed_once_and_by_its_receiver(
        self, api, on_duty, alice, bob, clara
    ):
        reception = receive(api(clara)).json()["reception"]
        response = registration(api(bob), "bob", reception=reception)
        assert (response.status_code, response.json()["code"]) == (400, "reception_mismatch")
        assert registration(api(alice), reception=reception).status_code == 201
        response = registration(api(alice), phone="13900139000", reception=reception)
        assert (response.status_code, response.json()["code"]) == (409, "reception_registered")

    def test_a_reception_is_recorded_after_the_fact_for_a_registration(
        self, api, on_duty, alice, clara
    ):
        registered = registration(api(alice)).json()["id"]
        response = receive(api(clara), registration=registered)
        assert response.status_code == 201
        body = response.json()
        assert (body["consultant"], body["registration"], body["own_customer"]) == (
            ALICE,
            registered,
            False,
        )
        assert body["register_by"] == "2026-03-02T11:00:00+08:00"
        assert api(clara).get(BASE + "next/").json() == {"consultant": BOB}
        again = receive(api(clara), registration=registered)
        assert (again.status_code, again.json()["code"]) == (409, "reception_registered")

    def test_recording_after_the_fact_is_for_clerks_and_managers_of_the_project(
        self, api, on_duty, alice, clara
    ):
        registered = registration(api(alice)).json()["id"]
        response = receive(api(alice), registration=registered)
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        response = receive(api(clara), registration=registered + 1000)
        assert response.status_code == 404


class TestReport:
    def test_receptions_per_consultant_and_the_unregistered_ones(
        self, api, on_duty, alice, mike, clara, clock
    ):
        registration(api(alice), reception=receive(api(clara)).json()["reception"])
        forgotten = receive(api(clara)).json()["reception"]
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        response = api(mike).get(BASE + "report/?date=2026-03-02")
        assert response.status_code == 200
        body = response.json()
        assert body["date"] == "2026-03-02"
        counts = {
            c["consultant"]["username"]: (c["turns"], c["receptions"], c["unregistered"])
            for c in body["consultants"]
        }
        assert counts == {"alice": (1, 1, 0), "bob": (1, 1, 1), "carl": (0, 0, 0)}
        flagged = [r["id"] for r in body["receptions"] if r["unregistered"]]
        assert flagged == [forgotten]
        assert {r["status"] for r in body["receptions"]} == {"registered", "unregistered"}

    def test_today_by_default_and_a_bad_date_is_refused(self, api, on_duty, clara):
        assert api(clara).get(BASE + "report/").json()["date"] == "2026-03-02"
        response = api(clara).get(BASE + "report/?date=2.3.2026")
        assert (response.status_code, response.json()["code"]) == (400, "invalid_date")

    def test_consultants_do_not_read_the_report(self, api, on_duty, alice):
        response = api(alice).get(BASE + "report/")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")


def test_another_projects_staff_see_nothing(api, on_duty):
    elsewhere = ProjectFactory(code="ZZ09")
    stranger = UserFactory(username="stranger", role="clerk", project=elsewhere)
    assert api(stranger).get(BASE).status_code == 404
    assert receive(api(stranger)).status_code == 404
    assert set_order(api(stranger), ["alice"]).status_code == 404


def test_the_lookup_names_who_would_receive_the_visitor(api, on_duty, bob, clara):
    lookup = "/api/lookup/?project=HX01&phone="
    assert api(clara).get(lookup + PHONE).json()["next_consultant"] == ALICE
    registration(api(bob), "bob")
    assert api(clara).get(lookup + PHONE).json()["next_consultant"] == BOB
    assert api(clara).get(lookup + "13900139000").json()["next_consultant"] == ALICE
