"""The rotation (轮序, DOMAIN.md §5): the day's order, who is next, receiving walk-ins, the
deadline to register them, and the fairness report. alice, bob and carl are on duty; clara
the clerk runs the desk."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from attribution import jobs
from attribution.models import Reception
from attribution.rotation.fairness import fairness_report, reception_status
from attribution.rotation.queue import next_consultant, next_for_visitor, roster_of, today
from attribution.rotation.receptions import reception_record, walk_in_receive
from attribution.rotation.roster import roster_set, rotation_status_set
from attribution.selectors import household_verdict
from attribution.services import policy_version_create
from customers.models import Customer
from desk.services import RegistrationInput, registration_create
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
PHONE = "13800138000"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def carl(project):
    return UserFactory(username="carl", first_name="赵磊", role="consultant", project=project)


@pytest.fixture
def on_duty(project, alice, bob, carl, clara, clock):
    """alice, bob and carl on today's roster, in that order."""
    set_roster(project, clara, alice, bob, carl)
    return project


def set_roster(project, acting_user, *people, day=None):
    return roster_set(
        project=project,
        date=day or today(project, timezone.now()),
        usernames=[p.username for p in people],
        acting_user=acting_user,
    )


def queue(project, day=None):
    """Today's order as (username, state, received)."""
    entries = roster_of(project, day or today(project, timezone.now()))
    return [(e.consultant.username, e.state, e.received) for e in entries]


def receive(project, acting_user, phone=None):
    return walk_in_receive(project=project, phone=phone, acting_user=acting_user)


def set_state(project, consultant, state, acting_user=None):
    return rotation_status_set(
        project=project, consultant=consultant, state=state, acting_user=acting_user or consultant
    )


def register(project, consultant, phone=PHONE, **fields):
    fields.setdefault("occurred_at", timezone.now())
    data = RegistrationInput(
        kind=fields.pop("kind", "visit"),
        consultant=consultant,
        name="赵敏",
        gender="F",
        phone=phone,
        **fields,
    )
    return registration_create(project=project, data=data, acting_user=consultant).registration


# -- the roster --------------------------------------------------------------------------------


class TestRoster:
    def test_everyone_on_a_new_roster_starts_free_with_nothing_received(
        self, project, alice, bob, clara, clock
    ):
        set_roster(project, clara, bob, alice)
        assert queue(project) == [("bob", "free", 0), ("alice", "free", 0)]

    def test_replacing_the_roster_keeps_the_count_and_state_of_those_already_on_it(
        self, on_duty, alice, bob, carl, clara
    ):
        receive(on_duty, clara)
        set_roster(on_duty, clara, carl, alice)
        assert queue(on_duty) == [("carl", "free", 0), ("alice", "busy", 1)]

    def test_a_manager_sets_the_roster_too_but_a_consultant_may_not(
        self, project, alice, bob, mike, clock
    ):
        set_roster(project, mike, alice, bob)
        with pytest.raises(NotPermitted):
            set_roster(project, alice, bob, alice)
        assert queue(project) == [("alice", "free", 0), ("bob", "free", 0)]

    def test_an_order_made_from_a_stale_view_of_the_queue_is_refused(
        self, on_duty, alice, bob, carl, clara
    ):
        seen = ["alice", "bob", "carl"]
        receive(on_duty, clara)  # alice goes to the back meanwhile
        with pytest.raises(Conflict) as exc:
            roster_set(
                project=on_duty, date=DAY1.date(), usernames=seen, acting_user=clara, expected=seen
            )
        assert exc.value.code == "roster_changed"
        assert [u for u, _, _ in queue(on_duty)] == ["bob", "carl", "alice"]
        roster_set(
            project=on_duty,
            date=DAY1.date(),
            usernames=["carl", "bob", "alice"],
            acting_user=clara,
            expected=["bob", "carl", "alice"],
        )
        assert [u for u, _, _ in queue(on_duty)] == ["carl", "bob", "alice"]

    def test_a_past_day_cannot_be_changed(self, project, alice, clara, clock):
        with pytest.raises(DomainError) as exc:
            set_roster(project, clara, alice, day=DAY1.date() - timedelta(days=1))
        assert exc.value.code == "roster_in_past"

    def test_tomorrows_order_can_be_set_tonight(self, project, alice, bob, clara, clock):
        tomorrow = DAY1.date() + timedelta(days=1)
        set_roster(project, clara, bob, alice, day=tomorrow)
        assert queue(project) == []
        assert queue(project, tomorrow) == [("bob", "free", 0), ("alice", "free", 0)]

    @pytest.mark.parametrize(
        ("names", "code"),
        [
            (["alice", "zoe"], "unknown_consultant"),
            (["alice", "alice"], "duplicate_consultant"),
            (["alice", "clara"], "not_a_consultant"),
        ],
    )
    def test_unknown_repeated_or_non_receiving_staff_are_refused(
        self, project, alice, clara, clock, names, code
    ):
        with pytest.raises(DomainError) as exc:
            roster_set(project=project, date=DAY1.date(), usernames=names, acting_user=clara)
        assert exc.value.code == code
        assert queue(project) == []


# -- who is next -------------------------------------------------------------------------------


class TestNext:
    def test_next_is_the_first_free_consultant_in_order(self, on_duty, alice):
        assert next_consultant(project=on_duty) == alice

    def test_nobody_is_next_without_a_roster(self, project, clock):
        assert next_consultant(project=project) is None

    def test_today_is_the_projects_local_day(self, project, alice, bob, clara, time_machine):
        # 17:30 UTC on 2 March is already 01:30 on 3 March in Shanghai.
        time_machine.move_to(datetime(2026, 3, 2, 17, 30, tzinfo=UTC), tick=False)
        with pytest.raises(DomainError):
            set_roster(project, clara, alice, day=datetime(2026, 3, 2).date())
        set_roster(project, clara, bob, alice, day=datetime(2026, 3, 3).date())
        assert next_consultant(project=project) == bob


# -- receiving walk-ins ------------------------------------------------------------------------


class TestReceive:
    def test_the_receiver_becomes_busy_is_counted_and_goes_to_the_back(
        self, on_duty, alice, bob, clara
    ):
        reception = receive(on_duty, clara)
        assert (reception.consultant, reception.own_customer) == (alice, False)
        assert queue(on_duty) == [("bob", "free", 0), ("carl", "free", 0), ("alice", "busy", 1)]
        assert next_consultant(project=on_duty) == bob

    def test_a_busy_consultant_is_skipped_but_keeps_their_place(self, on_duty, alice, clara):
        set_state(on_duty, alice, "busy")
        assert receive(on_duty, clara).consultant.username == "bob"
        assert queue(on_duty) == [("alice", "busy", 0), ("carl", "free", 0), ("bob", "busy", 1)]
        # 累计: free again, alice has the next turn, before carl.
        set_state(on_duty, alice, "free")
        assert receive(on_duty, clara).consultant == alice

    def test_an_away_consultant_passed_over_loses_the_turn_and_goes_behind_the_receiver(
        self, on_duty, alice, clara
    ):
        set_state(on_duty, alice, "away")
        assert receive(on_duty, clara).consultant.username == "bob"
        assert queue(on_duty) == [("carl", "free", 0), ("bob", "busy", 1), ("alice", "away", 0)]

    def test_every_away_consultant_passed_over_goes_to_the_back_in_their_order(
        self, on_duty, alice, bob, clara
    ):
        set_state(on_duty, alice, "away")
        set_state(on_duty, bob, "away")
        assert receive(on_duty, clara).consultant.username == "carl"
        assert [u for u, _, _ in queue(on_duty)] == ["carl", "alice", "bob"]

    def test_an_away_consultant_behind_the_receiver_keeps_their_place(self, on_duty, carl, clara):
        set_state(on_duty, carl, "away")
        assert receive(on_duty, clara).consultant.username == "alice"
        assert queue(on_duty) == [("bob", "free", 0), ("carl", "away", 0), ("alice", "busy", 1)]

    def test_an_own_returning_customer_goes_to_the_owner_and_consumes_no_turn(
        self, on_duty, bob, clara
    ):
        register(on_duty, bob)
        reception = receive(on_duty, clara, phone="138 0013 8000")
        assert (reception.consultant, reception.own_customer, reception.phone) == (
            bob,
            True,
            PHONE,
        )
        assert queue(on_duty) == [("alice", "free", 0), ("bob", "busy", 0), ("carl", "free", 0)]
        assert next_consultant(project=on_duty).username == "alice"

    def test_the_owner_who_is_away_leaves_their_customer_to_the_rotation(
        self, on_duty, alice, bob, clara
    ):
        register(on_duty, bob)
        set_state(on_duty, bob, "away")
        reception = receive(on_duty, clara, phone=PHONE)
        assert (reception.consultant, reception.own_customer) == (alice, False)

    def test_a_consultant_with_their_own_customer_on_site_takes_no_new_walk_in(
        self, on_duty, bob, clara
    ):
        register(on_duty, bob)
        receive(on_duty, clara, phone=PHONE)
        assert receive(on_duty, clara).consultant.username == "alice"
        assert receive(on_duty, clara).consultant.username == "carl"

    def test_nobody_available_is_refused_and_moves_nobody(self, on_duty, alice, bob, carl, clara):
        set_state(on_duty, alice, "busy")
        set_state(on_duty, bob, "away")
        set_state(on_duty, carl, "busy")
        before = queue(on_duty)
        with pytest.raises(Conflict) as exc:
            receive(on_duty, clara)
        assert exc.value.code == "nobody_available"
        assert queue(on_duty) == before
        assert not Reception.objects.exists()

    def test_nobody_available_without_a_roster(self, project, clara, clock):
        with pytest.raises(Conflict) as exc:
            receive(project, clara)
        assert exc.value.code == "nobody_available"

    def test_the_register_by_deadline_comes_from_the_policy(self, on_duty, clara):
        assert receive(on_duty, clara).register_by == DAY1 + timedelta(minutes=60)
        policy_version_create(project=on_duty, overrides={"registration_deadline_minutes": 30})
        assert receive(on_duty, clara).register_by == DAY1 + timedelta(minutes=30)

    def test_a_phone_given_must_be_usable(self, on_duty, clara):
        with pytest.raises(DomainError) as exc:
            receive(on_duty, clara, phone="12345")
        assert exc.value.code == "phone_invalid"

    def test_the_lookup_names_the_owner_when_present_otherwise_the_rotations_next(
        self, on_duty, alice, bob
    ):
        customer = Customer.objects.get(pk=register(on_duty, bob).customer_id)
        verdict = household_verdict(customer.household)
        assert next_for_visitor(project=on_duty, verdict=verdict) == bob
        assert next_for_visitor(project=on_duty, verdict=None) == alice
        set_state(on_duty, bob, "away")
        assert next_for_visitor(project=on_duty, verdict=verdict) == alice


class TestStates:
    def test_a_consultant_sets_their_own_state_but_not_a_colleagues(self, on_duty, alice, bob):
        assert set_state(on_duty, alice, "away").state == "away"
        with pytest.raises(NotPermitted):
            set_state(on_duty, bob, "away", acting_user=alice)

    def test_a_clerk_or_manager_sets_anyones_state(self, on_duty, alice, bob, clara, mike):
        set_state(on_duty, alice, "busy", acting_user=clara)
        set_state(on_duty, bob, "away", acting_user=mike)
        assert queue(on_duty)[:2] == [("alice", "busy", 0), ("bob", "away", 0)]

    def test_someone_not_on_todays_roster_has_no_state(self, on_duty, mike):
        with pytest.raises(Conflict) as exc:
            set_state(on_duty, mike, "free")
        assert exc.value.code == "not_on_roster"


# -- registering what was received --------------------------------------------------------------


class TestRegistration:
    def test_a_reception_completed_by_a_registration_is_not_flagged_one_without_is(
        self, on_duty, alice, bob, clara, clock
    ):
        registered = receive(on_duty, clara)
        forgotten = receive(on_duty, clara)
        assert (registered.consultant, forgotten.consultant) == (alice, bob)
        registration = register(on_duty, alice, reception=registered.pk)
        assert registration.reception == registered
        clock.move_to(DAY1 + timedelta(minutes=61), tick=False)
        assert jobs.receptions_flag_unregistered(now=timezone.now()) == [forgotten.pk]

    def test_a_walk_in_is_registered_by_its_receiver_and_only_once(
        self, on_duty, alice, bob, clara
    ):
        reception = receive(on_duty, clara)
        with pytest.raises(DomainError) as exc:
            register(on_duty, bob, reception=reception.pk)
        assert exc.value.code == "reception_mismatch"
        register(on_duty, alice, reception=reception.pk)
        with pytest.raises(Conflict) as exc:
            register(on_duty, alice, phone="13900139000", reception=reception.pk)
        assert exc.value.code == "reception_registered"

    def test_a_reception_recorded_after_the_fact_counts_the_turn_and_is_not_flagged(
        self, on_duty, alice, clara, clock
    ):
        registration = register(on_duty, alice)
        reception = reception_record(registration=registration, acting_user=clara)
        assert (reception.consultant, reception.recorded_for) == (alice, registration)
        assert reception.received_at == registration.occurred_at
        assert queue(on_duty) == [("bob", "free", 0), ("carl", "free", 0), ("alice", "free", 1)]
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        assert jobs.receptions_flag_unregistered(now=timezone.now()) == []

    def test_an_own_customer_recorded_after_the_fact_uses_no_turn(
        self, project, alice, bob, carl, clara, clock
    ):
        clock.move_to(DAY1 - timedelta(days=1), tick=False)
        register(project, bob)
        clock.move_to(DAY1, tick=False)
        set_roster(project, clara, alice, bob, carl)
        reception = reception_record(registration=register(project, bob), acting_user=clara)
        assert reception.own_customer is True
        assert queue(project) == [("alice", "free", 0), ("bob", "free", 0), ("carl", "free", 0)]

    def test_a_registration_gets_one_reception(self, on_duty, alice, clara):
        registration = register(on_duty, alice)
        reception_record(registration=registration, acting_user=clara)
        with pytest.raises(Conflict) as exc:
            reception_record(registration=registration, acting_user=clara)
        assert exc.value.code == "reception_registered"
        walk_in = receive(on_duty, clara)
        completing = register(on_duty, walk_in.consultant, "13900139000", reception=walk_in.pk)
        with pytest.raises(Conflict):
            reception_record(registration=completing, acting_user=clara)

    def test_a_walk_in_recorded_after_the_fact_cannot_be_registered_again(
        self, on_duty, alice, clara
    ):
        reception = reception_record(registration=register(on_duty, alice), acting_user=clara)
        with pytest.raises(Conflict) as exc:
            register(on_duty, alice, "13900139000", reception=reception.pk)
        assert exc.value.code == "reception_registered"

    def test_only_a_clerk_or_manager_records_after_the_fact_and_only_visits(
        self, on_duty, alice, clara
    ):
        with pytest.raises(NotPermitted):
            reception_record(registration=register(on_duty, alice), acting_user=alice)
        call = register(on_duty, alice, "13900139000", kind="call")
        with pytest.raises(DomainError) as exc:
            reception_record(registration=call, acting_user=clara)
        assert exc.value.code == "not_a_visit"


# -- fairness ----------------------------------------------------------------------------------


class TestFairness:
    @pytest.mark.parametrize(
        ("registered_after", "now_after", "status"),
        [
            (None, 59, "open"),
            (None, 61, "unregistered"),
            (30, 61, "registered"),
            (61, 62, "late"),
        ],
    )
    def test_a_receptions_status_depends_on_the_facts_and_the_time_only(
        self, registered_after, now_after, status
    ):
        register_by = DAY1 + timedelta(minutes=60)
        registered_at = (
            DAY1 + timedelta(minutes=registered_after) if registered_after is not None else None
        )
        now = DAY1 + timedelta(minutes=now_after)
        assert reception_status(register_by, registered_at, now) == status

    def test_receptions_per_consultant_with_own_customers_and_unregistered(
        self, on_duty, alice, bob, clara, clock, django_assert_num_queries
    ):
        register(on_duty, bob, "13900139000")
        register(on_duty, alice, reception=receive(on_duty, clara).pk)  # alice, in time
        receive(on_duty, clara)  # bob, never registered
        own = receive(on_duty, clara, phone="13900139000")  # bob's own returning customer
        register(on_duty, bob, "13900139000", reception=own.pk)
        clock.move_to(DAY1 + timedelta(minutes=61), tick=False)
        with django_assert_num_queries(2):
            report = fairness_report(project=on_duty, day=DAY1.date())
        rows = {r.username: r for r in report.rows}
        as_tuple = {
            name: (r.position, r.turns, r.receptions, r.own_customers, r.unregistered)
            for name, r in rows.items()
        }
        assert as_tuple == {
            "carl": (1, 0, 0, 0, 0),
            "alice": (2, 1, 1, 0, 0),
            "bob": (3, 1, 2, 1, 1),
        }
        assert [r.username for r in report.rows] == ["carl", "alice", "bob"]
        assert [line.status for line in report.receptions] == [
            "registered",
            "unregistered",
            "registered",
        ]

    def test_a_consultant_who_left_the_roster_is_still_reported(self, on_duty, alice, bob, clara):
        receive(on_duty, clara)
        set_roster(on_duty, clara, bob)
        rows = fairness_report(project=on_duty, day=DAY1.date()).rows
        assert [(r.username, r.position, r.receptions) for r in rows] == [
            ("bob", 1, 0),
            ("alice", None, 1),
        ]

    def test_a_reception_belongs_to_its_local_day(self, project, alice, clara, time_machine):
        late_evening = datetime(2026, 3, 2, 23, 30, tzinfo=SH)
        time_machine.move_to(late_evening, tick=False)
        set_roster(project, clara, alice)
        receive(project, clara)
        assert fairness_report(project=project, day=late_evening.date()).rows[0].receptions == 1
        next_day = late_evening.date() + timedelta(days=1)
        assert fairness_report(project=project, day=next_day).rows == []


# -- two clerks at once (PostgreSQL row locks) ---------------------------------------------------


def run_together(jobs_to_run):
    """Start every job at the same instant (a barrier) and collect what went wrong."""
    barrier = threading.Barrier(len(jobs_to_run))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs_to_run]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def receiving(project, clerk, results):
    def job():
        results.append(walk_in_receive(project=project, acting_user=clerk).consultant.username)

    return job


@pytest.mark.django_db(transaction=True)
def test_two_clerks_receiving_at_once_give_two_different_consultants(
    project, alice, bob, carl, clara
):
    cora = UserFactory(username="cora", role="clerk", project=project)
    set_roster(project, clara, alice, bob, carl)
    results = []
    errors = run_together([receiving(project, clara, results), receiving(project, cora, results)])
    assert errors == []
    assert sorted(results) == ["alice", "bob"]
    assert queue(project)[0] == ("carl", "free", 0)
    assert sorted(queue(project)[1:]) == [("alice", "busy", 1), ("bob", "busy", 1)]


@pytest.mark.django_db(transaction=True)
def test_more_walk_ins_at_once_than_free_consultants_skip_nobody_and_double_nobody(
    project, alice, bob, carl, clara
):
    clerks = [UserFactory(role="clerk", project=project) for _ in range(5)]
    set_roster(project, clara, alice, bob, carl)
    results = []
    errors = run_together([receiving(project, clerk, results) for clerk in clerks])
    assert sorted(results) == ["alice", "bob", "carl"]
    assert sorted(e.code for e in errors) == ["nobody_available", "nobody_available"]
    assert Reception.objects.count() == 3
    assert all(received == 1 for _, _, received in queue(project))
