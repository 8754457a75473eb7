"""Payments (收款) by finance only: receipts numbered per project without gaps or duplicates
(also under concurrency), overpayment refused with the outstanding amount, invoices unique,
the last yuan pays the unit off; the finance desk and the contract page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Payment, UnitStatus
from tests.attribution.test_concurrency import run_together
from tests.factories import ProjectFactory, UserFactory
from tests.orders.conftest import DAY1
from tests.orders.deals import contracted, pay


def payment_body(contract, **fields) -> dict:
    return {
        "contract": contract.pk,
        "amount": "100000.00",
        "paid_at": "2026-03-02T09:30:00",
        "method": "transfer",
        **fields,
    }


def post_payment(api, user, contract, **fields):
    return api(user).post("/api/payments/", payment_body(contract, **fields), format="json")


@pytest.mark.django_db
class TestPaymentApi:
    def test_201_with_the_next_receipt_and_the_outstanding_left(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        response = post_payment(api, fiona, contract)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["receipt_no"] == "HX01-SJ-000001"
        assert body["outstanding"] == "1050000.00"
        assert body["id"] == Payment.objects.get().pk
        assert body["paid_at"] == "2026-03-02T09:30:00+08:00"
        second = post_payment(api, fiona, contract, amount="50000.00").json()
        assert (second["receipt_no"], second["outstanding"]) == ("HX01-SJ-000002", "1000000.00")

    @pytest.mark.parametrize("who", ["mike", "alice", "clara"])
    def test_only_finance_records_payments_managers_included(
        self, api, project, alice, clara, fiona, mike, clock, who
    ):
        contract = contracted(project, alice, mike)
        user = {"mike": mike, "alice": alice, "clara": clara}[who]
        response = post_payment(api, user, contract)
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        assert Payment.objects.count() == 0

    def test_409_overpayment_says_what_is_outstanding(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "1000000.00")
        response = post_payment(api, fiona, contract, amount="150000.01")
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "overpayment"
        assert body["outstanding"] == "150000.00"
        assert "¥150,000.00" in body["detail"]
        assert Payment.objects.count() == 1

    def test_the_last_yuan_pays_the_unit_off(self, api, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "1149999.00")
        body = post_payment(api, fiona, contract, amount="1.00").json()
        assert (body["outstanding"], body["paid_off"]) == ("0.00", True)
        contract.subscription.unit.refresh_from_db()
        assert contract.subscription.unit.status == UnitStatus.PAID_OFF
        detail = api(fiona).get(f"/api/contracts/{contract.pk}/").json()
        assert detail["status"] == "paid_off"
        assert post_payment(api, fiona, contract, amount="0.01").json()["code"] == "overpayment"

    def test_a_receipt_written_by_hand_is_accepted_once(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        first = post_payment(api, fiona, contract, receipt_no="纸质-0042")
        assert (first.status_code, first.json()["receipt_no"]) == (201, "纸质-0042")
        again = post_payment(api, fiona, contract, receipt_no="纸质-0042")
        assert (again.status_code, again.json()["code"]) == (409, "receipt_taken")

    def test_the_sequence_skips_a_number_already_written_by_hand(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        post_payment(api, fiona, contract, receipt_no="HX01-SJ-000001")
        body = post_payment(api, fiona, contract).json()
        assert body["receipt_no"] == "HX01-SJ-000002"

    def test_invoice_numbers_are_unique_per_project(self, api, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        assert post_payment(api, fiona, contract, invoice_no="FP-001").status_code == 201
        response = post_payment(api, fiona, contract, invoice_no="FP-001")
        assert (response.status_code, response.json()["code"]) == (409, "invoice_taken")
        other = ProjectFactory(code="HX02")
        ann = UserFactory(username="ann", role="consultant", project=other)
        boss = UserFactory(username="boss", role="manager", project=other)
        cashier = UserFactory(username="cash2", role="finance", project=other)
        elsewhere = contracted(other, ann, boss)
        assert post_payment(api, cashier, elsewhere, invoice_no="FP-001").status_code == 201

    def test_400_in_the_future_and_400_without_a_method(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        late = post_payment(api, fiona, contract, paid_at="2026-03-02T11:00:00")
        assert (late.status_code, late.json()["code"]) == (400, "paid_in_future")
        blank = post_payment(api, fiona, contract, method="")
        assert blank.status_code == 400

    def test_per_item_balances_settle_in_due_order(self, api, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "900000.00")
        schedule = api(fiona).get(f"/api/contracts/{contract.pk}/").json()["schedule"]
        # the ¥50,000 deposit was settled first, then this payment
        assert [(i["paid"], i["outstanding"]) for i in schedule] == [
            ("900000.00", "0.00"),
            ("50000.00", "250000.00"),
        ]


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_payments_get_ten_distinct_consecutive_receipts(api):
    project = ProjectFactory(code="RCPT")
    ann = UserFactory(username="ann", role="consultant", project=project)
    boss = UserFactory(username="boss", role="manager", project=project)
    cashiers = [UserFactory(username=f"cash{i}", role="finance", project=project) for i in range(2)]
    deals = [
        contracted(project, ann, boss, room=room, phone=phone)
        for room, phone in (("301", "13800000031"), ("302", "13800000032"))
    ]
    answers: list = []

    def paying(index):
        def job():
            response = post_payment(
                api, cashiers[index % 2], deals[index % 2], amount="1000.00", paid_at=None
            )
            answers.append((response.status_code, response.json().get("receipt_no")))

        return job

    errors = run_together([paying(i) for i in range(10)])
    assert errors == []
    assert sorted(status for status, _ in answers) == [201] * 10
    receipts = sorted(receipt for _, receipt in answers)
    assert receipts == [f"RCPT-SJ-{n:06d}" for n in range(1, 11)]
    assert Payment.objects.count() == 10


@pytest.mark.django_db
class TestFinanceDesk:
    def test_finance_lands_on_the_desk_and_sees_contracts_owed(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(fiona)
        home = client.get("/")
        assert home.status_code == 302 and home["Location"] == "/p/HX01/finance/"
        page = client.get("/p/HX01/finance/").content.decode()
        assert contract.number in page and "¥1,150,000.00" in page
        assert 'data-nav="finance"' in page

    def test_the_desk_costs_the_same_queries_for_one_or_many_contracts(
        self, client, project, alice, fiona, mike, clock
    ):
        contracted(project, alice, mike, room="301", phone="13800000041")
        client.force_login(fiona)
        client.get("/p/HX01/finance/")  # warm the role cache and the session
        with CaptureQueriesContext(connection) as one:
            client.get("/p/HX01/finance/")
        for i in range(2, 6):
            contracted(project, alice, mike, room=f"30{i}", phone=f"1380000004{i}")
        with CaptureQueriesContext(connection) as five:
            page = client.get("/p/HX01/finance/")
        assert page.content.decode().count('data-testid="finance-row"') == 5
        assert len(five) == len(one)

    def test_paid_off_contracts_offer_the_payoff_certificate_in_constant_queries(
        self, client, project, alice, fiona, mike, clock
    ):
        pay(contracted(project, alice, mike, room="301", phone="13800000061"), fiona, "1150000")
        client.force_login(fiona)
        client.get("/p/HX01/finance/?show=all")
        with CaptureQueriesContext(connection) as one:
            client.get("/p/HX01/finance/?show=all")
        for i in range(2, 5):
            contract = contracted(project, alice, mike, room=f"30{i}", phone=f"1380000006{i}")
            pay(contract, fiona, "1150000")
        with CaptureQueriesContext(connection) as four:
            page = client.get("/p/HX01/finance/?show=all").content.decode()
        assert page.count('data-testid="payoff-issue"') == 4
        assert len(four) == len(one)

    def test_overdue_is_read_from_the_time_not_from_the_job(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(fiona)
        assert 'data-overdue="1"' not in client.get("/p/HX01/finance/").content.decode()
        clock.move_to(DAY1.replace(month=4, day=2), tick=False)
        client.force_login(fiona)  # a month later: the session has expired
        desk = client.get("/p/HX01/finance/").content.decode()
        assert 'data-overdue="1"' in desk and "¥850,000.00" in desk
        assert (
            client.get("/p/HX01/finance/?show=overdue")
            .content.decode()
            .count('data-testid="finance-row"')
            == 1
        )
        page = client.get(f"/contracts/{contract.pk}/").content.decode()
        assert page.count('data-testid="item-overdue"') == 1

    def test_the_due_day_itself_is_not_overdue(self, client, project, alice, fiona, mike, clock):
        contracted(project, alice, mike)
        clock.move_to(DAY1.replace(month=4, day=1, hour=23), tick=False)
        client.force_login(fiona)
        assert 'data-overdue="1"' not in client.get("/p/HX01/finance/").content.decode()

    def test_payments_are_on_the_customers_page(self, client, project, alice, fiona, mike, clock):
        contract = contracted(project, alice, mike)
        receipt = pay(contract, fiona, "100000").payment.receipt_no
        client.force_login(alice)

        page = client.get(f"/customers/{contract.subscription.customer_id}/").content.decode()

        assert 'data-testid="timeline-payment"' in page and receipt in page

    def test_a_manager_reads_the_desk_a_consultant_does_not(
        self, client, project, alice, mike, clock
    ):
        client.force_login(mike)
        assert client.get("/p/HX01/finance/").status_code == 200
        client.force_login(alice)
        assert client.get("/p/HX01/finance/").status_code == 403


@pytest.mark.django_db
class TestContractPagePayments:
    def post(self, client, contract, **fields):
        data = {"amount": "100000.00", "method": "transfer", "paid_on": "2026-03-02", **fields}
        return client.post(f"/contracts/{contract.pk}/payments/", data, HTTP_HX_REQUEST="true")

    def test_a_payment_shows_its_receipt_and_the_new_outstanding(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(fiona)
        body = self.post(client, contract).content.decode()
        assert 'data-testid="receipt-no">HX01-SJ-000001<' in body
        assert "¥1,050,000.00" in body
        assert Payment.objects.get().paid_at.astimezone(DAY1.tzinfo).date() == DAY1.date()

    def test_an_overpayment_keeps_what_was_typed_and_says_the_outstanding(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(fiona)
        body = self.post(client, contract, amount="2000000.00", note="客户转账").content.decode()
        assert "¥1,150,000.00" in body
        assert 'value="2000000.00"' in body and 'value="客户转账"' in body
        assert Payment.objects.count() == 0

    def test_a_past_day_is_booked_on_that_local_day(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(fiona)
        clock.move_to(DAY1 + timedelta(days=3), tick=False)
        self.post(client, contract, paid_on="2026-03-03")
        assert Payment.objects.get().paid_at.astimezone(DAY1.tzinfo).date().isoformat() == (
            "2026-03-03"
        )

    def test_a_manager_sees_no_payment_form_and_cannot_post_one(
        self, client, project, alice, mike, clock
    ):
        contract = contracted(project, alice, mike)
        client.force_login(mike)
        assert 'id="payment-form"' not in client.get(f"/contracts/{contract.pk}/").content.decode()
        assert self.post(client, contract).status_code == 403

    def test_the_payoff_area_waits_for_the_handover_template(
        self, client, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        pay(contract, fiona, "1150000.00")
        client.force_login(fiona)
        page = client.get(f"/contracts/{contract.pk}/").content.decode()
        assert 'data-testid="payoff-area"' in page
        assert 'data-status="paid_off"' in page
