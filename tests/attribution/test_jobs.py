"""Scheduled jobs: set-based, idempotent, and never the source of an answer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attribution import jobs, tasks
from attribution.models import HouseholdState, Reception
from attribution.selectors import household_verdict
from customers.models import Household
from desk.services import RegistrationInput, registration_create
from projects.models import Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


def register(project, consultant, phone, **fields):
    fields.setdefault("occurred_at", timezone.now())
    data = RegistrationInput(
        kind="visit",
        consultant=consultant,
        name="赵敏",
        gender="F",
        phone=phone,
        **fields,
    )
    return registration_create(project=project, data=data, acting_user=consultant).registration


def states():
    return list(
        HouseholdState.objects.order_by("household_id").values_list(
            "household_id", "owner_id", "status", "since", "expires_at", "last_owner_id"
        )
    )


class TestLapse:
    def test_lapsed_claims_go_to_the_pool_as_the_engine_says_and_twice_equals_once(
        self, project, alice, clock
    ):
        customer = register(project, alice, "13800138000").customer
        register(project, alice, "13900139000", occurred_at=datetime(2026, 3, 2, 9, tzinfo=SH))
        clock.move_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=SH), tick=False)
        assert tasks.lapse_claims.delay().get() == 2
        after_once = states()
        assert jobs.claims_lapse(now=timezone.now()) == 0
        assert states() == after_once
        state = HouseholdState.objects.get(household_id=customer.household_id)
        verdict = household_verdict(customer.household)
        assert (state.status, state.owner, state.last_owner) == ("pool", None, alice)
        assert (verdict.status, verdict.since) == ("pool", state.since)

    def test_the_engine_answers_the_same_whether_or_not_the_job_ran(self, project, alice, clock):
        customer = register(project, alice, "13800138000").customer
        clock.move_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=SH), tick=False)
        asked_at = timezone.now()
        before = household_verdict(customer.household, asked_at)
        jobs.claims_lapse(now=asked_at)
        jobs.claims_lapse(now=asked_at + timedelta(hours=5))
        assert household_verdict(customer.household, asked_at) == before

    @pytest.mark.slow
    def test_the_lapse_job_over_100000_claims_issues_a_constant_number_of_queries(
        self, project, alice
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO customers_household (project_id, company_name, created_at) "
                "SELECT %s, '', now() FROM generate_series(1, 100000)",
                [project.pk],
            )
            cursor.execute(
                "INSERT INTO attribution_householdstate (household_id, project_id, owner_id, "
                "status, since, expires_at, computed_at) SELECT id, %s, %s, 'active', "
                "now() - interval '10 days', now() - interval '1 hour', now() "
                "FROM customers_household WHERE project_id = %s",
                [project.pk, alice.pk, project.pk],
            )
        with CaptureQueriesContext(connection) as ctx:
            assert jobs.claims_lapse(now=timezone.now()) == 100_000
        assert len(ctx.captured_queries) == 1
        assert HouseholdState.objects.filter(status="active").count() == 0
        assert Household.objects.count() >= 100_000


class TestReminders:
    def test_owners_of_claims_lapsing_within_a_day_are_told_once(self, project, alice, clock):
        register(project, alice, "13800138000")
        clock.move_to(datetime(2026, 3, 9, 9, 0, tzinfo=SH), tick=False)
        assert tasks.remind_lapsing.delay().get() == 1
        tasks.remind_lapsing.delay().get()
        notification = Notification.objects.get(recipient=alice)
        assert notification.kind == "claim_lapsing"
        assert notification.params["customer"] == "赵敏"

    def test_claims_lapsing_later_are_not_reminded(self, project, alice, clock):
        register(project, alice, "13800138000")
        clock.move_to(datetime(2026, 3, 7, 9, 0, tzinfo=SH), tick=False)
        assert tasks.remind_lapsing.delay().get() == 0


class TestPendingResolution:
    def test_an_unclaimed_pending_household_becomes_the_registrants(self, project, alice, clock):
        customer = register(project, alice, "13800138000", returning_unknown=True).customer
        assert HouseholdState.objects.get(household_id=customer.household_id).status == "pending"
        clock.move_to(datetime(2026, 3, 6, 0, 0, 1, tzinfo=SH), tick=False)
        assert tasks.resolve_pending.delay().get() == 1
        state = HouseholdState.objects.get(household_id=customer.household_id)
        assert (state.status, state.owner) == ("active", alice)
        assert tasks.resolve_pending.delay().get() == 0


class TestUnregisteredReceptions:
    def test_a_walk_in_not_registered_in_time_is_flagged_once_and_managers_told(
        self, project, alice, mike, clock
    ):
        reception = Reception.objects.create(
            project=project,
            consultant=alice,
            received_at=DAY1,
            register_by=DAY1 + timedelta(minutes=60),
            created_by=alice,
        )
        registered = Reception.objects.create(
            project=project,
            consultant=alice,
            received_at=DAY1,
            register_by=DAY1 + timedelta(minutes=60),
            created_by=alice,
        )
        register(project, alice, "13800138000", reception=registered.pk)
        clock.move_to(DAY1 + timedelta(minutes=61), tick=False)
        assert tasks.flag_unregistered.delay().get() == 1
        assert tasks.flag_unregistered.delay().get() == 0
        reception.refresh_from_db()
        registered.refresh_from_db()
        assert reception.flagged_at is not None and registered.flagged_at is None
        assert Notification.objects.get(recipient=mike).kind == "reception_unregistered"
