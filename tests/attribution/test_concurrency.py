"""Simultaneous writers on PostgreSQL: one owner per household, every registration kept."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from attribution.models import HouseholdState
from attribution.selectors import household_verdict
from customers.models import Customer, Registration
from desk.services import RegistrationInput, registration_create
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs):
    """Start every job at the same instant (a barrier) and collect what went wrong."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def registering(project, consultant, phone, occurred=None, **fields):
    occurred = occurred or timezone.now() - timedelta(minutes=5)

    def job():
        registration_create(
            project=project,
            data=RegistrationInput(
                kind="visit",
                occurred_at=occurred,
                consultant=consultant,
                name="赵敏",
                gender="F",
                phone=phone,
                **fields,
            ),
            acting_user=consultant,
        )

    return job


def test_simultaneous_registrations_of_one_household_by_different_consultants_give_one_owner():
    project = ProjectFactory(code="RACE1")
    consultants = [UserFactory(role="consultant", project=project) for _ in range(5)]
    same_visit = timezone.now() - timedelta(minutes=5)
    errors = run_together(
        [registering(project, consultants[i % 5], "13800138000", same_visit) for i in range(10)]
    )
    assert errors == []
    customer = Customer.objects.get(project=project)
    assert Registration.objects.filter(customer=customer, valid=True).count() == 10
    # one visit time for all: the tie goes to the one entered first (A1)
    first = Registration.objects.filter(customer=customer).order_by("entered_at", "id").first()
    verdict = household_verdict(customer.household)
    assert verdict.owner == first.consultant.username
    state = HouseholdState.objects.get(household=customer.household)
    assert (state.owner.username, state.status) == (verdict.owner, "active")


def test_simultaneous_family_registrations_join_one_household_with_one_owner():
    project = ProjectFactory(code="RACE2")
    consultants = [UserFactory(role="consultant", project=project) for _ in range(4)]
    registering(project, consultants[0], "13900139000")()
    relatives = [f"1380013800{i}" for i in range(8)]
    errors = run_together(
        [
            registering(
                project,
                consultants[i % 4],
                phone,
                relation_phone="13900139000",
                relation_kind="child",
            )
            for i, phone in enumerate(relatives)
        ]
    )
    assert errors == []
    households = set(Customer.objects.filter(project=project).values_list("household", flat=True))
    assert len(households) == 1
    household = Customer.objects.filter(project=project).first().household
    assert household_verdict(household).owner == consultants[0].username
    assert Registration.objects.filter(project=project).count() == 9


def test_two_registrations_racing_for_the_last_quota_place_give_one_claim():
    project = ProjectFactory(code="RACE3", policy__claim_quota=1)
    carol = UserFactory(role="consultant", project=project)
    errors = run_together(
        [registering(project, carol, "13800000001"), registering(project, carol, "13800000002")]
    )
    assert errors == []
    owned = HouseholdState.objects.filter(project=project, owner=carol, status="active")
    assert owned.count() == 1
    assert Registration.objects.filter(project=project, quota_reached=True).count() == 1
