"""退订 / 退房 and refunds: cancelling a subscribed or contracted unit frees it and keeps every
row; finance refunds what was paid as negative movements with their own receipts, never more
than the customer handed over."""

from decimal import Decimal

import pytest

from commission.models import CommissionSplit
from customers.models import Customer
from orders.models import (
    Contract,
    ContractCancellation,
    Payment,
    QualificationReview,
    ScheduleItem,
    Subscription,
    SubscriptionCancellation,
    UnitHold,
    UnitStatus,
)
from tests.orders.conftest import make_unit, register, subscribe
from tests.orders.deals import contracted, passed_review, pay, sign, subscribed

pytestmark = pytest.mark.django_db

LEDGER = (
    Subscription,
    SubscriptionCancellation,
    CommissionSplit,
    QualificationReview,
    Contract,
    ScheduleItem,
    Payment,
    ContractCancellation,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LEDGER}


def cancel(api, user, contract, reason="客户资金问题,协商退房"):
    return api(user).post(
        f"/api/contracts/{contract.pk}/cancel/", {"reason": reason}, format="json"
    )


class TestCancellingAContract:
    def test_the_unit_is_free_again_and_every_row_is_still_there(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "100000.00")
        before = counts()
        response = cancel(api, mike, contract)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "cancelled"
        assert body["cancellation"]["reason"] == "客户资金问题,协商退房"
        unit = contract.subscription.unit
        unit.refresh_from_db()
        assert unit.status == UnitStatus.AVAILABLE
        assert not UnitHold.objects.filter(unit=unit).exists()
        after = counts()
        assert after == {
            **before,
            "SubscriptionCancellation": before["SubscriptionCancellation"] + 1,
            "ContractCancellation": 1,
        }

    def test_the_customer_goes_back_to_negotiating(self, api, project, alice, mike, clock):
        contract = contracted(project, alice, mike)
        customer = Customer.objects.get(pk=contract.subscription.customer_id)
        assert customer.stage == "closed"
        cancel(api, mike, contract)
        customer.refresh_from_db()
        assert customer.stage == "negotiating"

    def test_the_household_is_unlocked_and_the_unit_sells_again(
        self, api, project, alice, bob, mike, clock
    ):
        contract = contracted(project, alice, mike)
        body = cancel(api, mike, contract).json()
        assert body["cancellation"]["approved_by"]["username"] == "mike"
        other = register(project, bob, phone="13900000002", name="孙丽")
        again = subscribe(contract.subscription.unit, other, bob)
        assert again.subscription.unit.status == UnitStatus.SUBSCRIBED

    def test_only_a_manager_cancels_with_a_reason_and_only_once(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        assert cancel(api, alice, contract).status_code == 403
        assert cancel(api, fiona, contract).status_code == 403
        assert cancel(api, mike, contract, reason=" ").json()["code"] == "reason_required"
        assert cancel(api, mike, contract).status_code == 201
        response = cancel(api, mike, contract)
        assert (response.status_code, response.json()["code"]) == (409, "already_cancelled")

    def test_no_payment_after_the_cancellation(self, api, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        cancel(api, mike, contract)
        response = api(fiona).post(
            "/api/payments/",
            {"contract": contract.pk, "amount": "1000.00", "method": "transfer"},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (409, "contract_cancelled")

    def test_the_subscription_alone_is_not_cancelled_once_contracted(
        self, api, project, alice, mike, clock
    ):
        contract = contracted(project, alice, mike)
        response = api(mike).post(
            f"/api/subscriptions/{contract.subscription_id}/cancel/", {"reason": "退订"}
        )
        assert (response.status_code, response.json()["code"]) == (409, "contract_signed")


class TestCancellingASubscription:
    def test_a_subscribed_unit_is_freed_and_its_history_kept(
        self, api, project, alice, mike, clock
    ):
        subscription = subscribed(project, alice)
        before = counts()
        response = api(mike).post(
            f"/api/subscriptions/{subscription.pk}/cancel/", {"reason": "客户改变主意"}
        )
        assert response.status_code == 201
        subscription.unit.refresh_from_db()
        assert subscription.unit.status == UnitStatus.AVAILABLE
        assert counts() == {**before, "SubscriptionCancellation": 1}
        assert Subscription.objects.filter(pk=subscription.pk).exists()


class TestRefunds:
    def refund(self, api, user, contract, amount, **fields):
        return api(user).post(
            f"/api/contracts/{contract.pk}/refunds/",
            {"amount": amount, "method": "transfer", **fields},
            format="json",
        )

    def test_a_refund_is_a_negative_movement_with_its_own_receipt(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "100000.00")
        cancel(api, mike, contract)
        response = self.refund(api, fiona, contract, "100000.00", note="退房款")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["kind"], body["amount"], body["receipt_no"]) == (
            "refund",
            "-100000.00",
            "HX01-SJ-000002",
        )
        assert Payment.objects.get(pk=body["id"]).amount == Decimal("-100000.00")

    def test_the_deposit_may_be_refunded_too_but_not_a_yuan_more(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "100000.00")
        cancel(api, mike, contract)
        too_much = self.refund(api, fiona, contract, "150000.01")
        assert (too_much.status_code, too_much.json()["code"]) == (409, "over_refund")
        assert too_much.json()["refundable"] == "150000.00"
        assert "¥150,000.00" in too_much.json()["detail"]
        assert self.refund(api, fiona, contract, "100000.00").status_code == 201
        via_payments = api(fiona).post(
            "/api/payments/",
            {"contract": contract.pk, "amount": "-50000.00", "method": "cash", "kind": "refund"},
            format="json",
        )
        assert via_payments.status_code == 201, via_payments.json()
        assert self.refund(api, fiona, contract, "0.01").json()["code"] == "over_refund"

    def test_only_finance_refunds(self, api, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "100000.00")
        assert self.refund(api, mike, contract, "100.00").status_code == 403

    def test_a_refund_on_a_paid_off_contract_puts_the_unit_back_to_contracted(
        self, api, project, alice, fiona, mike, clock
    ):
        unit = make_unit(project, room="1801")
        customer = register(project, alice, phone="13900000003")
        subscription = subscribe(unit, customer, alice).subscription
        passed_review(customer, mike)
        contract = sign(subscription, mike)
        pay(contract, fiona, "1150000.00")
        unit.refresh_from_db()
        assert unit.status == UnitStatus.PAID_OFF
        assert self.refund(api, fiona, contract, "1000.00").json()["outstanding"] == "1000.00"
        unit.refresh_from_db()
        assert unit.status == UnitStatus.CONTRACTED


class TestCancelOnThePage:
    def test_a_manager_cancels_from_the_contract_page(self, client, project, alice, mike, clock):
        contract = contracted(project, alice, mike)
        client.force_login(mike)
        response = client.post(
            f"/contracts/{contract.pk}/cancel/", {"reason": "客户退房"}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert 'data-status="cancelled"' in body
        assert ContractCancellation.objects.get().reason == "客户退房"
        customer = Customer.objects.get(pk=contract.subscription.customer_id)
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="contract-cancelled"' in page
