"""A subscription in the database is a deal in the engine's ledger (A8)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution.selectors import household_verdict
from orders.models import Subscription, SubscriptionCancellation, Unit
from tests.factories import CustomerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def subscribe(customer, consultant, when):
    unit = Unit.objects.create(
        project=customer.project,
        building="1",
        unit="2",
        room="301",
        area=Decimal("89.50"),
        list_price=Decimal("1200000.00"),
    )
    return Subscription.objects.create(
        project=customer.project,
        unit=unit,
        customer=customer,
        consultant=consultant,
        price=unit.list_price,
        deposit=Decimal("50000.00"),
        occurred_at=when,
        attributed_at=when,
        entered_at=when,
    )


def test_a_subscription_locks_the_household_for_its_owner(project, alice):
    now = timezone.now()
    customer = CustomerFactory(project=project)
    RegistrationFactory(customer=customer, consultant=alice, occurred_at=now - timedelta(days=2))
    subscribe(customer, alice, now - timedelta(days=1))
    verdict = household_verdict(customer.household)
    assert (verdict.owner, verdict.status, verdict.basis[-1].rule) == ("alice", "locked", "A8")


def test_a_cancelled_subscription_unlocks_the_household(project, alice, mike):
    now = timezone.now()
    customer = CustomerFactory(project=project)
    RegistrationFactory(customer=customer, consultant=alice, occurred_at=now - timedelta(days=3))
    subscription = subscribe(customer, alice, now - timedelta(days=2))
    SubscriptionCancellation.objects.create(
        subscription=subscription,
        occurred_at=now - timedelta(days=1),
        reason="客户资金问题",
        approved_by=mike,
        entered_at=now - timedelta(days=1),
    )
    verdict = household_verdict(customer.household)
    assert (verdict.owner, verdict.status) == ("alice", "active")
