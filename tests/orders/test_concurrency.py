"""Simultaneous deals on PostgreSQL: a unit is subscribed once, and locks taken in one order
(the unit, then the household) never deadlock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Subscription, UnitHold, UnitStatus
from tests.attribution.test_concurrency import run_together
from tests.factories import ProjectFactory, UserFactory
from tests.orders.conftest import make_unit, register

pytestmark = pytest.mark.django_db(transaction=True)


def subscribing(api, acting_user, consultant, unit, customer, answers: list):
    """A job posting a subscription through the API, recording its status and code."""

    def job():
        response = api(acting_user).post(
            "/api/subscriptions/",
            {
                "unit": unit.pk,
                "customer": customer.pk,
                "consultant": consultant.username,
                "deposit": "50000.00",
                "occurred_at": (timezone.now() - timedelta(minutes=1)).isoformat(),
            },
            format="json",
        )
        answers.append((response.status_code, response.json().get("code")))

    return job


def test_two_subscriptions_of_one_unit_at_once_give_one_201_and_one_409_unit_taken(api):
    project = ProjectFactory(code="RACE4")
    ann, ben = (UserFactory(username=u, role="consultant", project=project) for u in ("ann", "ben"))
    unit = make_unit(project, room="1801", list_price=Decimal("3000000.00"))
    first = register(project, ann, phone="13800000011", name="赵敏")
    second = register(project, ben, phone="13800000012", name="钱多多")
    answers: list = []
    errors = run_together(
        [
            subscribing(api, ann, ann, unit, first, answers),
            subscribing(api, ben, ben, unit, second, answers),
        ]
    )
    assert errors == []
    assert sorted(answers) == [(201, None), (409, "unit_taken")]
    hold = UnitHold.objects.get(unit=unit)
    assert Subscription.objects.get() == hold.subscription
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBSCRIBED


def test_deals_on_several_units_for_one_household_at_once_all_succeed_without_deadlock(api):
    project = ProjectFactory(code="RACE5")
    ann = UserFactory(username="ann5", role="consultant", project=project)
    clerk = UserFactory(username="clerk5", role="clerk", project=project)
    customer = register(project, ann, phone="13800000021", name="赵敏")
    units = [make_unit(project, room=room) for room in ("901", "902", "903", "904")]
    answers: list = []
    # The consultant and the clerk (entering for her) at once, on four units of one household.
    errors = run_together(
        [
            subscribing(api, ann if i % 2 else clerk, ann, unit, customer, answers)
            for i, unit in enumerate(units)
        ]
    )
    assert errors == []
    assert answers == [(201, None)] * 4
    assert UnitHold.objects.filter(unit__in=units).count() == 4
