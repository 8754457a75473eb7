from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.models import Customer, Household, HouseholdLink, Registration
from desk.services import RegistrationInput, registration_create
from salesoffice.errors import NotPermitted

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=SH)


def register(project, consultant, acting_user=None, **fields):
    fields.setdefault("kind", "visit")
    fields.setdefault("occurred_at", NOW - timedelta(hours=1))
    fields.setdefault("name", "赵敏")
    fields.setdefault("gender", "F")
    fields.setdefault("phone", "13800138000")
    data = RegistrationInput(consultant=consultant, **fields)
    return registration_create(
        project=project, data=data, acting_user=acting_user or consultant
    ).registration


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.usefixtures("at_now")
class TestRegistrationValidity:
    @pytest.mark.django_db
    def test_three_written_forms_of_one_mobile_are_one_customer(self, project, alice, bob):
        register(project, alice, phone="138 0013 8000")
        register(project, bob, phone="+86-138-0013-8000")
        register(project, alice, phone="8613800138000")
        assert Customer.objects.count() == 1
        assert Registration.objects.filter(customer__phone="13800138000").count() == 3

    @pytest.mark.django_db
    def test_an_invalid_number_is_kept_as_an_invalid_registration_with_its_reason(
        self, project, alice
    ):
        registration = register(project, alice, phone="12345")
        registration.refresh_from_db()
        assert registration.valid is False
        assert registration.invalid_reasons == ["phone_invalid"]
        assert registration.customer is None
        assert registration.phone_input == "12345"

    @pytest.mark.django_db
    def test_a_missing_name_is_kept_as_an_invalid_registration_with_its_reason(
        self, project, alice
    ):
        registration = register(project, alice, name="  ")
        assert registration.valid is False
        assert registration.invalid_reasons == ["name_missing"]
        assert Customer.objects.count() == 0

    @pytest.mark.django_db
    def test_a_surname_with_gender_is_enough_but_without_gender_is_not(self, project, alice):
        assert register(project, alice, name="王", gender="M").valid is True
        assert register(
            project, alice, name="王", gender="", phone="13900139000"
        ).invalid_reasons == ["name_incomplete"]

    @pytest.mark.django_db
    def test_a_visit_in_the_future_is_kept_invalid(self, project, alice):
        registration = register(project, alice, occurred_at=NOW + timedelta(minutes=5))
        assert registration.valid is False
        assert registration.invalid_reasons == ["occurred_in_future"]

    @pytest.mark.django_db
    def test_every_defect_is_reported(self, project, alice):
        registration = register(
            project, alice, name="", phone="", occurred_at=NOW + timedelta(days=1)
        )
        assert registration.invalid_reasons == [
            "name_missing",
            "phone_missing",
            "occurred_in_future",
        ]


@pytest.mark.django_db
class TestAttributionTime:
    def test_an_entry_within_24_hours_keeps_the_real_visit_time(self, project, alice):
        occurred = NOW - timedelta(hours=23, minutes=59)
        with time_machine.travel(NOW, tick=False):
            registration = register(project, alice, occurred_at=occurred)
        assert registration.attributed_at == occurred
        assert registration.entered_at == NOW

    def test_an_entry_more_than_24_hours_late_counts_from_its_entry(self, project, alice):
        occurred = NOW - timedelta(hours=24, seconds=1)
        with time_machine.travel(NOW, tick=False):
            registration = register(project, alice, occurred_at=occurred)
        assert registration.attributed_at == NOW
        assert registration.occurred_at == occurred

    def test_the_delay_follows_the_policy_parameter(self, project, alice):
        from attribution.services import policy_version_create

        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            policy_version_create(project=project, overrides={"max_entry_delay_hours": 2})
        with time_machine.travel(NOW, tick=False):
            registration = register(project, alice, occurred_at=NOW - timedelta(hours=3))
        assert registration.attributed_at == NOW


@pytest.mark.django_db
@pytest.mark.usefixtures("at_now")
class TestWhoMayRegister:
    def test_a_consultant_cannot_register_as_someone_else(self, project, alice, bob):
        with pytest.raises(NotPermitted):
            register(project, bob, acting_user=alice)
        assert Registration.objects.count() == 0

    def test_a_clerk_registers_for_any_consultant(self, project, alice, clara):
        assert register(project, alice, acting_user=clara).consultant == alice

    def test_a_manager_registers_for_any_consultant(self, project, alice, mike):
        assert register(project, alice, acting_user=mike).entered_by == mike


@pytest.mark.django_db
@pytest.mark.usefixtures("at_now")
class TestFamily:
    def test_registering_a_spouse_joins_the_existing_household(self, project, alice):
        husband = register(project, alice, name="张三", phone="13800138000").customer
        wife = register(
            project,
            alice,
            name="李四",
            phone="13900139000",
            relation_phone="13800138000",
            relation_kind="spouse",
        ).customer
        wife.refresh_from_db()
        assert wife.household_id == husband.household_id
        assert HouseholdLink.objects.get().kind == "spouse"

    def test_linking_two_existing_households_merges_them_into_the_older(self, project, alice, bob):
        first = register(project, alice, name="张三", phone="13800138000").customer
        second = register(project, bob, name="李四", phone="13900139000").customer
        register(
            project,
            bob,
            name="李四",
            phone="13900139000",
            relation_phone="13800138000",
            relation_kind="spouse",
        )
        second.refresh_from_db()
        assert second.household_id == first.household_id
        assert (
            Household.objects.get(pk=second.origin_household_id).merged_into_id
            == first.household_id
        )
