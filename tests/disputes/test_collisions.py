"""Disputes that open by themselves, and the late-dispute refusal (A1, A8)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from customers.models import Customer
from disputes.models import Dispute, DisputeKind, Violation
from disputes.opening import dispute_open
from disputes.violations import violation_record
from orders.models import Subscription, Unit
from salesoffice.errors import Conflict
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


def register(api, user, project, when, phone="13800138000"):
    return (
        api(user)
        .post(
            "/api/registrations/",
            {
                "project": project.code,
                "kind": "visit",
                "occurred_at": when.isoformat(),
                "consultant": user.username,
                "name": "赵敏",
                "gender": "F",
                "phone": phone,
            },
            format="json",
        )
        .json()
    )


def test_a_same_day_double_registration_opens_a_dispute_when_the_manager_decides(api, time_machine):
    project = ProjectFactory(code="C10", policy="confirmation-10d")
    ann, ben = (UserFactory(username=u, role="consultant", project=project) for u in ("ann", "ben"))
    time_machine.move_to(DAY1, tick=False)
    register(api, ann, project, DAY1)
    time_machine.move_to(DAY1 + timedelta(hours=5), tick=False)
    second = register(api, ben, project, DAY1 + timedelta(hours=5))
    assert second["attribution"]["status"] == "disputed"
    assert second["attribution"]["owner"]["username"] == "ann"  # provisionally the first
    dispute = Dispute.objects.get()
    assert (dispute.kind, dispute.claimant, dispute.owner_at_opening) == (
        DisputeKind.SAME_DAY,
        ben,
        ann,
    )
    assert dispute.attribution_at_opening["status"] == "disputed"


def test_no_dispute_under_the_first_registration_policy(api, project, alice, bob, time_machine):
    time_machine.move_to(DAY1, tick=False)
    register(api, alice, project, DAY1)
    time_machine.move_to(DAY1 + timedelta(hours=5), tick=False)
    assert (
        register(api, bob, project, DAY1 + timedelta(hours=5))["attribution"]["status"] == "active"
    )
    assert not Dispute.objects.exists()


def test_a8_a_dispute_opened_after_the_post_deal_window_is_refused(
    project, alice, bob, time_machine, api
):
    time_machine.move_to(DAY1, tick=False)
    data = register(api, alice, project, DAY1)
    unit = Unit.objects.create(
        project=project, building="1", room="101", area=Decimal("90"), list_price=Decimal("1000000")
    )
    customer = Customer.objects.get(pk=data["customer"])
    Subscription.objects.create(
        project=project,
        unit=unit,
        customer=customer,
        consultant=alice,
        price=Decimal("1000000"),
        deposit=Decimal("20000"),
        occurred_at=DAY1,
        attributed_at=DAY1,
        entered_at=DAY1,
    )
    time_machine.move_to(datetime(2026, 3, 5, 23, 59, tzinfo=SH), tick=False)
    dispute_open(household=customer.household, claimant=bob, reason="我先接待的", acting_user=bob)
    time_machine.move_to(datetime(2026, 3, 6, 0, 0, 1, tzinfo=SH), tick=False)
    with pytest.raises(Conflict) as refused:
        dispute_open(
            household=customer.household, claimant=bob, reason="我先接待的", acting_user=bob
        )
    assert refused.value.code == "dispute_too_late"


def test_a_violation_takes_the_policys_amount_and_is_recorded_once(project, alice):
    for _ in range(2):
        violation_record(
            project=project,
            staff=alice,
            kind="record_tampering",
            occurred_at=DAY1,
            source="registration:1",
        )
    violation = Violation.objects.get()
    assert violation.amount == Decimal("300.00")
