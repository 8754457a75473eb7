"""退订 before any contract: finance refunds the deposit (whole or in part, with a receipt from
the project's receipt numbers) or records why it is kept, once; a contract's deposit is refunded
on the contract instead. The finance desk lists the deposits waiting for that decision."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.contracts import contract_cancel
from orders.deposits import DepositInput, deposit_settle
from orders.models import DepositSettlement
from orders.services import subscription_cancel
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.orders.conftest import DAY1
from tests.orders.deals import contracted, pay, subscribed

pytestmark = pytest.mark.django_db


def cancelled(project, consultant, manager, **fields):
    subscription = subscribed(project, consultant, **fields)
    subscription_cancel(subscription=subscription, reason="客户家庭意见不统一", acting_user=manager)
    subscription.refresh_from_db()
    return subscription


def refund(subscription, cashier, amount="50000.00", **fields):
    fields.setdefault("paid_at", DAY1)
    fields.setdefault("method", "transfer")
    data = DepositInput(subscription, "refunded", Decimal(amount), **fields)
    return deposit_settle(data=data, acting_user=cashier)


class TestSettle:
    def test_a_refund_takes_the_next_receipt_after_the_payments(
        self, project, alice, fiona, mike, clock
    ):
        pay(contracted(project, alice, mike, room="301", phone="13800000001"), fiona, "1000")
        subscription = cancelled(project, alice, mike, room="302", phone="13800000002")

        settlement = refund(subscription, fiona)

        assert (settlement.outcome, settlement.refunded, settlement.receipt_no) == (
            "refunded",
            Decimal("50000.00"),
            "HX01-SJ-000002",
        )
        next_payment = pay(
            contracted(project, alice, mike, room="303", phone="13800000003"), fiona, "1000"
        )
        assert next_payment.payment.receipt_no == "HX01-SJ-000003"

    def test_part_of_it_may_be_refunded_never_more_than_it(
        self, project, alice, fiona, mike, clock
    ):
        subscription = cancelled(project, alice, mike)
        with pytest.raises(Conflict) as too_much:
            refund(subscription, fiona, "50000.01")
        assert too_much.value.code == "over_refund"
        assert refund(subscription, fiona, "20000.00").refunded == Decimal("20000.00")

    def test_kept_with_the_reason_and_no_receipt(self, project, alice, fiona, mike, clock):
        subscription = cancelled(project, alice, mike)
        with pytest.raises(DomainError) as no_reason:
            deposit_settle(data=DepositInput(subscription, "forfeited"), acting_user=fiona)
        assert no_reason.value.code == "reason_required"

        kept = deposit_settle(
            data=DepositInput(subscription, "forfeited", note="客户违约，定金不退"),
            acting_user=fiona,
        )

        assert (kept.refunded, kept.receipt_no, kept.paid_at) == (Decimal("0.00"), "", None)

    def test_once_only_on_a_cancelled_subscription_without_contract(
        self, project, alice, fiona, mike, clock
    ):
        live = subscribed(project, alice, room="301", phone="13800000001")
        with pytest.raises(Conflict) as not_cancelled:
            refund(live, fiona)
        contract = contracted(project, alice, mike, room="302", phone="13800000002")
        contract_cancel(contract=contract, reason="银行拒贷", acting_user=mike)
        with pytest.raises(Conflict) as on_the_contract:
            refund(contract.subscription, fiona)
        subscription = cancelled(project, alice, mike, room="303", phone="13800000003")
        refund(subscription, fiona)
        with pytest.raises(Conflict) as twice:
            refund(subscription, fiona)

        assert (not_cancelled.value.code, on_the_contract.value.code, twice.value.code) == (
            "not_cancelled",
            "contract_signed",
            "already_settled",
        )
        assert DepositSettlement.objects.count() == 1

    @pytest.mark.parametrize("who", ["mike", "alice", "clara"])
    def test_only_finance_settles(self, project, alice, clara, fiona, mike, clock, who):
        subscription = cancelled(project, alice, mike)
        with pytest.raises(NotPermitted):
            refund(subscription, {"mike": mike, "alice": alice, "clara": clara}[who])


class TestApi:
    def url(self, subscription):
        return f"/api/subscriptions/{subscription.pk}/deposit/"

    def test_201_with_the_receipt(self, api, project, alice, fiona, mike, clock):
        subscription = cancelled(project, alice, mike)
        body = {"outcome": "refunded", "amount": "50000.00", "method": "transfer"}

        response = api(fiona).post(self.url(subscription), body, format="json")

        assert response.status_code == 201, response.json()
        assert {k: response.json()[k] for k in ("outcome", "refunded", "receipt_no")} == {
            "outcome": "refunded",
            "refunded": "50000.00",
            "receipt_no": "HX01-SJ-000001",
        }

    def test_refusals_are_clear(self, api, project, alice, fiona, mike, clock):
        subscription = cancelled(project, alice, mike)
        over = {"outcome": "refunded", "amount": "60000", "method": "transfer"}
        kept = {"outcome": "forfeited"}

        answers = [
            api(fiona).post(self.url(subscription), over, format="json"),
            api(fiona).post(self.url(subscription), kept, format="json"),
            api(mike).post(self.url(subscription), kept, format="json"),
        ]

        assert [(a.status_code, a.json()["code"]) for a in answers] == [
            (409, "over_refund"),
            (400, "reason_required"),
            (403, "not_permitted"),
        ]


class TestFinanceDesk:
    def test_finance_refunds_a_waiting_deposit_from_the_desk(
        self, client, project, alice, fiona, mike, clock
    ):
        subscription = cancelled(project, alice, mike)
        client.force_login(fiona)
        desk = client.get("/p/HX01/finance/").content.decode()
        assert desk.count('data-testid="deposit-row"') == 1
        prefix = f"deposit-{subscription.pk}"

        answer = client.post(
            f"/subscriptions/{subscription.pk}/deposit/",
            {
                f"{prefix}-outcome": "refunded",
                f"{prefix}-amount": "50000.00",
                f"{prefix}-method": "transfer",
                f"{prefix}-paid_on": "2026-03-02",
            },
            follow=True,
        )

        page = answer.content.decode()
        assert "HX01-SJ-000001" in page
        assert 'data-testid="deposit-row"' not in page

    def test_a_refusal_is_shown_on_the_row_and_nothing_is_recorded(
        self, client, project, alice, fiona, mike, clock
    ):
        subscription = cancelled(project, alice, mike)
        client.force_login(fiona)
        prefix = f"deposit-{subscription.pk}"

        answer = client.post(
            f"/subscriptions/{subscription.pk}/deposit/",
            {f"{prefix}-outcome": "forfeited", f"{prefix}-method": "transfer"},
        )

        assert answer.status_code == 400
        assert 'data-testid="deposit-error"' in answer.content.decode()
        assert DepositSettlement.objects.count() == 0

    def test_the_customers_page_shows_the_subscription_its_cancellation_and_the_refund(
        self, client, project, alice, fiona, mike, clock
    ):
        subscription = cancelled(project, alice, mike)
        settlement = refund(subscription, fiona, "30000.00")
        client.force_login(mike)

        page = client.get(f"/customers/{subscription.customer_id}/").content.decode()

        assert 'data-testid="timeline-subscription"' in page
        assert 'data-testid="subscription-cancelled"' in page
        assert 'data-testid="deposit-settled"' in page and settlement.receipt_no in page

    def test_a_manager_sees_the_waiting_deposits_but_may_not_settle(
        self, client, project, alice, mike, clock
    ):
        subscription = cancelled(project, alice, mike)
        client.force_login(mike)
        desk = client.get("/p/HX01/finance/").content.decode()
        assert 'data-testid="deposit-row"' in desk and 'data-testid="deposit-form"' not in desk
        assert client.post(f"/subscriptions/{subscription.pk}/deposit/").status_code == 403

    def test_the_desk_costs_the_same_queries_for_one_or_many_deposits(
        self, client, project, alice, fiona, mike, clock
    ):
        cancelled(project, alice, mike, room="301", phone="13800000001")
        client.force_login(fiona)
        client.get("/p/HX01/finance/")
        with CaptureQueriesContext(connection) as one:
            client.get("/p/HX01/finance/")
        for i in range(2, 5):
            cancelled(project, alice, mike, room=f"30{i}", phone=f"1380000000{i}")
        with CaptureQueriesContext(connection) as four:
            page = client.get("/p/HX01/finance/").content.decode()
        assert page.count('data-testid="deposit-row"') == 4
        assert len(four) == len(one)
