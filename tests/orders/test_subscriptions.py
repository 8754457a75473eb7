"""Subscriptions (认购) lock the household and decide the commission; cancellations (退订) undo
the hold and nothing else."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution.facts import ChannelFact
from attribution.models import HouseholdState
from attribution.selectors import FACT_SOURCES, household_verdict
from channels.confirmation import visit_confirm
from channels.models import ChannelAgreement
from channels.reporting import ReportInput, channel_report_create
from commission.rules import Share
from commission.selectors import current_shares
from commission.services import commission_set
from disputes.decisions import live_deal_of
from disputes.models import Dispute, DisputeKind
from orders.models import Subscription, SubscriptionCancellation, UnitHold, UnitStatus
from orders.services import subscription_cancel
from projects.models import Membership, Notification
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.factories import CustomerFactory, ProjectFactory, UserFactory
from tests.orders.conftest import DAY1, SH, make_unit, register, subscribe

pytestmark = pytest.mark.django_db


def shares_of(subscription) -> dict[str, str]:
    return {
        (s.consultant.username if s.consultant else f"channel:{s.channel}"): str(s.percent)
        for s in current_shares(subscription)
    }


class TestTheDeal:
    def test_the_owner_closing_locks_the_household_and_keeps_100(self, project, alice, clock):
        customer = register(project, alice)
        unit = make_unit(project)
        result = subscribe(unit, customer, alice)
        unit.refresh_from_db()
        assert unit.status == UnitStatus.SUBSCRIBED
        assert UnitHold.objects.get(unit=unit).subscription == result.subscription
        assert (result.verdict.owner, result.verdict.status) == ("alice", "locked")
        assert result.verdict.basis[-1].rule == "A8"
        assert shares_of(result.subscription) == {"alice": "100.00"}
        assert result.subscription.commission_splits.get().source == "rules"
        state = HouseholdState.objects.get(household=customer.household)
        assert (state.owner, state.status) == (alice, "locked")

    def test_the_price_defaults_to_the_list_price(self, project, alice, clock):
        unit = make_unit(project, list_price=Decimal("980000.00"))
        result = subscribe(unit, register(project, alice), alice)
        assert result.subscription.price == Decimal("980000.00")

    def test_an_agreed_price_is_kept(self, project, alice, clock):
        unit = make_unit(project)
        result = subscribe(unit, register(project, alice), alice, price=Decimal("1150000.00"))
        assert result.subscription.price == Decimal("1150000.00")

    def test_a_late_entry_counts_from_when_it_was_entered(self, project, alice, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(days=2), tick=False)
        result = subscribe(make_unit(project), customer, alice, occurred_at=DAY1)
        subscription = result.subscription
        assert subscription.occurred_at == DAY1
        assert subscription.attributed_at == DAY1 + timedelta(days=2)

    def test_a_prompt_entry_keeps_the_real_time(self, project, alice, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(hours=10), tick=False)
        subscription = subscribe(make_unit(project), customer, alice, occurred_at=DAY1).subscription
        assert subscription.attributed_at == DAY1


class TestSplits:
    def test_a8_collision_owner_keeps_100_and_a_dispute_opens_for_the_manager(
        self, project, alice, bob, mike, clock
    ):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(days=1), tick=False)
        result = subscribe(make_unit(project), customer, bob)
        assert shares_of(result.subscription) == {"alice": "100.00"}
        dispute = Dispute.objects.get()
        assert result.dispute == dispute
        assert (dispute.kind, dispute.claimant, dispute.owner_at_opening) == (
            DisputeKind.DEAL,
            bob,
            alice,
        )
        assert dispute.subscription == result.subscription
        assert (result.verdict.owner, result.verdict.status) == ("alice", "disputed")
        assert Notification.objects.filter(recipient=mike, kind="dispute_opened").exists()

    def test_owner_absent_the_taker_and_the_owner_share_50_50(self, project, alice, bob, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(days=1), tick=False)
        result = subscribe(make_unit(project), customer, bob, owner_absent=True)
        assert shares_of(result.subscription) == {"bob": "50.00", "alice": "50.00"}
        assert (result.verdict.owner, result.verdict.status) == ("alice", "locked")
        assert not Dispute.objects.exists()
        told = Notification.objects.get(recipient=alice, kind="deal_taken_in_absence")
        assert told.params["closer"] == "李强"

    def test_a10_deposit_only_is_obligation_reception_owner_keeps_100(
        self, project, alice, bob, clock
    ):
        customer = register(project, alice)
        result = subscribe(make_unit(project), customer, bob, owner_absent=True, deposit_only=True)
        assert shares_of(result.subscription) == {"alice": "100.00"}
        assert not Dispute.objects.exists()

    def test_the_owner_closing_with_a_helper_shares_70_30(self, project, alice, bob, clock):
        customer = register(project, alice)
        result = subscribe(make_unit(project), customer, alice, assisted_by=bob)
        assert shares_of(result.subscription) == {"alice": "70.00", "bob": "30.00"}
        assert {s.role for s in current_shares(result.subscription)} == {"owner", "helper"}

    def test_a_household_in_the_pool_is_the_closers(self, project, alice, bob, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(days=10), tick=False)  # alice's claim lapsed
        result = subscribe(make_unit(project), customer, bob)
        assert result.verdict.owner == "bob"
        assert shares_of(result.subscription) == {"bob": "100.00"}
        assert result.dispute is None

    def test_a13_a_channel_protecting_the_household_takes_its_agreement_share(
        self, project, alice, clock, monkeypatch
    ):
        customer = register(project, alice)
        visit = ChannelFact(1, "链家", "chan", DAY1, DAY1)
        monkeypatch.setitem(FACT_SOURCES, "channels", lambda ids: [(customer.pk, visit)])
        monkeypatch.setattr("orders.services.channel_share", lambda **kw: Decimal("15.00"))
        result = subscribe(make_unit(project), customer, alice)
        assert result.verdict.channel["name"] == "链家"
        assert shares_of(result.subscription) == {"channel:链家": "15.00", "alice": "85.00"}

    def test_a13_end_to_end_a_confirmed_channel_visit_and_its_agreement(
        self, project, alice, clara, chan, clock
    ):
        Membership.objects.filter(user=chan, project=project).update(channel_name="链家")
        ChannelAgreement.objects.create(
            project=project, channel_name="链家", share_percent=Decimal("3.50"), valid_from=DAY1
        )
        report = channel_report_create(
            project=project,
            agent=chan,
            data=ReportInput(name="赵敏", gender="F", phone_visible="138****8000"),
        )
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        customer = register(project, alice, name="赵敏", phone="13800138000")
        registration = customer.registrations.get()
        visit_confirm(report=report, registration=registration, acting_user=clara)
        result = subscribe(make_unit(project), customer, alice)
        assert result.verdict.channel["name"] == "链家"
        assert shares_of(result.subscription) == {"channel:链家": "3.50", "alice": "96.50"}


class TestRefusals:
    def test_a_unit_already_held_is_unit_taken(self, project, alice, bob, clock):
        unit = make_unit(project)
        subscribe(unit, register(project, alice), alice)
        other = register(project, bob, phone="13900139000", name="钱多多")
        with pytest.raises(Conflict) as refused:
            subscribe(unit, other, bob)
        assert refused.value.code == "unit_taken"
        assert Subscription.objects.count() == 1

    def test_the_hold_is_the_databases_guarantee_even_when_the_status_is_stale(
        self, project, alice, bob, clock
    ):
        unit = make_unit(project)
        subscribe(unit, register(project, alice), alice)
        # A writer that skipped the services (a script) left the status wrong: the one-to-one
        # on the hold still refuses the second deal, as a taken unit and not a server error.
        type(unit).objects.filter(pk=unit.pk).update(status=UnitStatus.AVAILABLE)
        other = register(project, bob, phone="13900139000", name="钱多多")
        with pytest.raises(Conflict) as refused:
            subscribe(unit, other, bob)
        assert refused.value.code == "unit_taken"
        assert Subscription.objects.count() == 1

    def test_a_reserved_unit_is_not_for_sale(self, project, alice, clock):
        unit = make_unit(project, status=UnitStatus.RESERVED)
        with pytest.raises(Conflict) as refused:
            subscribe(unit, register(project, alice), alice)
        assert refused.value.code == "unit_taken"

    def test_a_consultant_takes_deals_only_as_themself(self, project, alice, bob, clock):
        with pytest.raises(NotPermitted):
            subscribe(make_unit(project), register(project, alice), alice, acting_user=bob)

    def test_a_clerk_enters_a_deal_for_any_consultant(self, project, alice, clara, clock):
        result = subscribe(make_unit(project), register(project, alice), alice, acting_user=clara)
        assert result.subscription.entered_by == clara

    def test_the_closer_must_be_a_consultant(self, project, alice, clara, clock):
        with pytest.raises(DomainError) as refused:
            subscribe(make_unit(project), register(project, alice), clara)
        assert refused.value.code == "not_a_consultant"

    def test_the_customer_must_be_of_the_units_project(self, project, alice, clock):
        elsewhere = CustomerFactory(project=ProjectFactory(code="ZZ99"))
        with pytest.raises(DomainError) as refused:
            subscribe(make_unit(project), elsewhere, alice)
        assert refused.value.code == "customer_not_in_project"

    def test_a_deal_in_the_future_is_refused(self, project, alice, clock):
        with pytest.raises(DomainError) as refused:
            subscribe(
                make_unit(project),
                register(project, alice),
                alice,
                occurred_at=DAY1 + timedelta(hours=1),
            )
        assert refused.value.code == "occurred_in_future"

    def test_a_deposit_above_the_price_is_refused(self, project, alice, clock):
        with pytest.raises(DomainError) as refused:
            subscribe(
                make_unit(project, list_price=Decimal("10000")),
                register(project, alice),
                alice,
                deposit=Decimal("20000"),
            )
        assert refused.value.code == "deposit_exceeds_price"


class TestCancellation:
    def test_a_cancellation_frees_the_unit_and_unlocks_the_household_keeping_history(
        self, project, alice, mike, clock
    ):
        customer = register(project, alice)
        unit = make_unit(project)
        subscription = subscribe(unit, customer, alice).subscription
        clock.move_to(DAY1 + timedelta(days=1), tick=False)
        cancellation, verdict = subscription_cancel(
            subscription=subscription, reason="客户资金问题", acting_user=mike
        )
        unit.refresh_from_db()
        assert unit.status == UnitStatus.AVAILABLE
        assert not UnitHold.objects.exists()
        assert Subscription.objects.get() == subscription  # the deal stays, as it was
        assert subscription.commission_splits.count() == 1
        assert (cancellation.approved_by, cancellation.reason) == (mike, "客户资金问题")
        assert (verdict.owner, verdict.status) == ("alice", "active")
        assert verdict.basis[-1].rule == "A2"
        assert HouseholdState.objects.get(household=customer.household).status == "active"
        assert Notification.objects.filter(recipient=alice, kind="subscription_cancelled").exists()

    def test_the_unit_can_be_subscribed_again_after_a_cancellation(
        self, project, alice, bob, mike, clock
    ):
        unit = make_unit(project)
        first = subscribe(unit, register(project, alice), alice).subscription
        subscription_cancel(subscription=first, reason="退订", acting_user=mike)
        other = register(project, bob, phone="13900139000", name="钱多多")
        second = subscribe(unit, other, bob).subscription
        assert UnitHold.objects.get(unit=unit).subscription == second

    def test_only_a_manager_approves_a_cancellation(self, project, alice, clara, clock):
        subscription = subscribe(make_unit(project), register(project, alice), alice).subscription
        for user in (alice, clara):
            with pytest.raises(NotPermitted):
                subscription_cancel(subscription=subscription, reason="退订", acting_user=user)

    def test_a_cancellation_needs_a_reason(self, project, alice, mike, clock):
        subscription = subscribe(make_unit(project), register(project, alice), alice).subscription
        with pytest.raises(DomainError) as refused:
            subscription_cancel(subscription=subscription, reason="  ", acting_user=mike)
        assert refused.value.code == "reason_required"

    def test_a_subscription_is_cancelled_once(self, project, alice, mike, clock):
        subscription = subscribe(make_unit(project), register(project, alice), alice).subscription
        subscription_cancel(subscription=subscription, reason="退订", acting_user=mike)
        with pytest.raises(Conflict) as refused:
            subscription_cancel(subscription=subscription, reason="再退", acting_user=mike)
        assert refused.value.code == "already_cancelled"
        assert SubscriptionCancellation.objects.count() == 1

    def test_after_a_contract_the_subscription_is_not_cancelled_here(
        self, project, alice, mike, clock
    ):
        unit = make_unit(project)
        subscription = subscribe(unit, register(project, alice), alice).subscription
        type(unit).objects.filter(pk=unit.pk).update(status=UnitStatus.CONTRACTED)
        with pytest.raises(Conflict) as refused:
            subscription_cancel(subscription=subscription, reason="退房", acting_user=mike)
        assert refused.value.code == "contract_signed"


def subscription_of_household(household):
    """The household's live subscription, as a ruling finds it (from the ledger)."""
    deal = live_deal_of(household)
    return Subscription.objects.get(pk=deal.id) if deal else None


class TestSubscriptionOfHousehold:
    def test_the_live_subscription_or_none(self, project, alice, mike, clock):
        customer = register(project, alice)
        assert subscription_of_household(customer.household) is None
        subscription = subscribe(make_unit(project), customer, alice).subscription
        assert subscription_of_household(customer.household) == subscription
        subscription_cancel(subscription=subscription, reason="退订", acting_user=mike)
        assert subscription_of_household(customer.household) is None

    def test_a_ruling_adds_a_version_of_the_shares_and_the_latest_is_in_force(
        self, project, alice, bob, mike, clock
    ):
        customer = register(project, alice)
        subscribe(make_unit(project), customer, bob)  # a collision: alice 100 % provisionally
        subscription = subscription_of_household(customer.household)
        commission_set(
            subscription_id=subscription.pk,
            shares=[Share(Decimal(50), alice), Share(Decimal(50), bob)],
            source="ruling",
            acting_user=mike,
        )
        assert shares_of(subscription) == {"alice": "50.00", "bob": "50.00"}
        assert subscription.commission_splits.count() == 2


def test_a_second_unit_for_a_locked_household_keeps_the_first_deal_deciding(
    project, alice, bob, clock
):
    customer = register(project, alice)
    first = subscribe(make_unit(project, room="301"), customer, alice).subscription
    clock.move_to(DAY1 + timedelta(hours=1), tick=False)
    second = subscribe(make_unit(project, room="302"), customer, alice)
    assert second.verdict.owner == "alice"
    assert subscription_of_household(customer.household) == first
    assert household_verdict(customer.household).status == "locked"


def test_the_answer_before_the_deal_is_unchanged(project, alice, clock):
    customer = register(project, alice)
    clock.move_to(DAY1 + timedelta(days=1), tick=False)
    subscribe(make_unit(project), customer, alice)
    before = household_verdict(customer.household, DAY1 + timedelta(hours=1))
    assert before.status == "active"
    assert datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH) == before.expires_at
    assert timezone.now() > before.since


def test_a_user_of_another_project_cannot_take_a_deal_here(project, alice, clock):
    stranger = UserFactory(username="zed", role="consultant", project=ProjectFactory(code="ZZ98"))
    with pytest.raises(NotPermitted):
        subscribe(make_unit(project), register(project, alice), stranger, acting_user=stranger)
