"""Contracts (合同): the money rules as pure functions, the API of API.md (schedule_mismatch,
qualification_required, mortgages, who may sign), the numbering, the page and form, and the
printed contract read back from its PDF."""

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from orders.documents import CONTRACT_TEMPLATE, contract_document
from orders.models import Contract, ScheduleItem, UnitStatus
from orders.services import subscription_cancel
from orders.terms import Instalment, Terms, check_terms
from salesoffice.errors import DomainError
from salesoffice.numerals import yuan_in_capitals
from salesoffice.printing import html_to_pdf, make_fetcher
from tests.factories import ProjectFactory, UserFactory
from tests.orders.conftest import DAY1, make_unit, register, subscribe
from tests.orders.deals import contracted, passed_review, pay, sign, subscribed

PRICE = Decimal("1200000.00")


def terms(schedule, method="instalment", **fields) -> Terms:
    return Terms(
        price=Decimal("1200000.00"),
        deposit=Decimal("50000.00"),
        payment_method=method,
        schedule=tuple(
            Instalment(date(2026, 4, i + 1), Decimal(a)) for i, a in enumerate(schedule)
        ),
        **fields,
    )


class TestTermsArePure:
    def test_a_schedule_summing_to_the_price_passes(self):
        check_terms(terms(["900000.00", "300000.00"]))

    def test_a_schedule_summing_to_the_price_less_the_deposit_is_a_mismatch_naming_both_sums(
        self,
    ):
        with pytest.raises(DomainError) as refused:
            check_terms(terms(["850000.00", "300000.00"]))
        assert refused.value.code == "schedule_mismatch"
        assert refused.value.extra == {"expected": "1200000.00", "given": "1150000.00"}
        assert "¥1,200,000.00" in refused.value.detail
        assert "¥1,150,000.00" in refused.value.detail

    def test_a_mortgage_needs_down_payment_plus_loan_equal_to_the_price(self):
        mortgage = {"method": "mortgage", "down_payment": Decimal("400000.00")}
        check_terms(terms(["400000.00", "800000.00"], loan_amount=Decimal("800000.00"), **mortgage))
        with pytest.raises(DomainError) as refused:
            check_terms(
                terms(["400000.00", "800000.00"], loan_amount=Decimal("850000.00"), **mortgage)
            )
        assert refused.value.code == "mortgage_mismatch"
        with pytest.raises(DomainError) as refused:
            check_terms(terms(["400000.00", "800000.00"], loan_amount=None, **mortgage))
        assert refused.value.code == "mortgage_incomplete"

    def test_a_loan_outside_a_mortgage_is_refused(self):
        with pytest.raises(DomainError) as refused:
            check_terms(terms([PRICE], loan_amount=Decimal("1.00")))
        assert refused.value.code == "not_a_mortgage"

    def test_a_price_below_the_deposit_is_refused(self):
        with pytest.raises(DomainError) as refused:
            check_terms(Terms(Decimal("100.00"), Decimal("50000.00"), "full", ()))
        assert refused.value.code == "deposit_exceeds_price"

    @given(st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=8))
    def test_any_split_of_the_price_passes_and_one_cent_off_fails(self, cents):
        amounts = [Decimal(c) / 100 for c in cents]
        deposit = Decimal("0.01")
        price = sum(amounts, Decimal("0"))
        schedule = tuple(Instalment(date(2026, 5, 1), a) for a in amounts)
        check_terms(Terms(price, deposit, "instalment", schedule))
        with pytest.raises(DomainError) as refused:
            check_terms(Terms(price + Decimal("0.01"), deposit, "instalment", schedule))
        assert refused.value.code == "schedule_mismatch"


def contract_body(subscription, **fields) -> dict:
    return {
        "subscription": subscription.pk,
        "price": "1200000.00",
        "payment_method": "instalment",
        "schedule": [
            {"due": "2026-04-01", "amount": "900000.00"},
            {"due": "2026-06-01", "amount": "300000.00"},
        ],
        "signed_at": "2026-03-02T10:00:00",
        **fields,
    }


def post_contract(api, user, subscription, **fields):
    return api(user).post("/api/contracts/", contract_body(subscription, **fields), format="json")


@pytest.mark.django_db
class TestContractApi:
    def test_201_with_number_schedule_summing_to_the_price_and_the_deposit_credited(
        self, api, project, alice, mike, clock
    ):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        response = post_contract(api, mike, subscription)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["id"] == Contract.objects.get().pk
        assert body["number"] == "HX01-HT-000001"
        assert body["outstanding"] == "1150000.00"
        assert body["deposit"] == "50000.00"
        assert body["status"] == "active"
        assert body["signed_at"] == "2026-03-02T10:00:00+08:00"
        # the deposit is the first money settled: ¥50,000 of the first instalment
        assert [(i["due"], i["amount"], i["outstanding"]) for i in body["schedule"]] == [
            ("2026-04-01", "900000.00", "850000.00"),
            ("2026-06-01", "300000.00", "300000.00"),
        ]
        subscription.unit.refresh_from_db()
        assert subscription.unit.status == UnitStatus.CONTRACTED

    def test_400_schedule_mismatch_says_the_expected_and_given_sums(
        self, api, project, alice, mike, clock
    ):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        schedule = [{"due": "2026-04-01", "amount": "1150000.00"}]
        response = post_contract(api, mike, subscription, schedule=schedule)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "schedule_mismatch"
        assert (body["expected"], body["given"]) == ("1200000.00", "1150000.00")
        assert "¥1,150,000.00" in body["detail"] and "¥1,200,000.00" in body["detail"]
        assert Contract.objects.count() == 0

    def test_409_qualification_required_without_a_passed_review(
        self, api, project, alice, mike, clock
    ):
        subscription = subscribed(project, alice)
        response = post_contract(api, mike, subscription)
        assert (response.status_code, response.json()["code"]) == (409, "qualification_required")
        passed_review(subscription.customer, mike, funds_proof=False)
        response = post_contract(api, mike, subscription)
        assert (response.status_code, response.json()["code"]) == (409, "qualification_required")
        assert Contract.objects.count() == 0

    def test_the_latest_review_decides(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        clock.move_to(DAY1 + timedelta(minutes=5), tick=False)
        passed_review(subscription.customer, mike, eligible=False)
        response = post_contract(api, mike, subscription)
        assert response.json()["code"] == "qualification_required"

    def test_409_a_cancelled_subscription_cannot_be_contracted(
        self, api, project, alice, mike, clock
    ):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        subscription_cancel(subscription=subscription, reason="退订", acting_user=mike)
        response = post_contract(api, mike, subscription)
        assert (response.status_code, response.json()["code"]) == (409, "subscription_cancelled")
        subscription.unit.refresh_from_db()
        assert subscription.unit.status == UnitStatus.AVAILABLE

    def test_409_a_deal_has_one_contract(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        assert post_contract(api, mike, subscription).status_code == 201
        response = post_contract(api, mike, subscription)
        assert (response.status_code, response.json()["code"]) == (409, "already_contracted")

    def test_a_mortgage_with_down_payment_and_loan(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        response = post_contract(
            api,
            mike,
            subscription,
            payment_method="mortgage",
            down_payment="400000.00",
            loan_amount="800000.00",
            schedule=[
                {"due": "2026-03-15", "amount": "400000.00", "label": "首付"},
                {"due": "2026-05-15", "amount": "800000.00", "label": "银行贷款"},
            ],
            liability_terms="逾期付款按日万分之五计违约金。",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["down_payment"], body["loan_amount"]) == ("400000.00", "800000.00")
        assert body["schedule"][1]["label"] == "银行贷款"

    def test_400_a_mortgage_that_does_not_add_up(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        response = post_contract(
            api,
            mike,
            subscription,
            payment_method="mortgage",
            down_payment="300000.00",
            loan_amount="800000.00",
        )
        assert (response.status_code, response.json()["code"]) == (400, "mortgage_mismatch")

    def test_the_deal_consultant_may_sign_another_consultant_and_finance_may_not(
        self, api, project, alice, bob, fiona, mike, clock
    ):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        assert post_contract(api, bob, subscription).status_code == 403
        assert post_contract(api, fiona, subscription).status_code == 403
        assert post_contract(api, alice, subscription).status_code == 201

    def test_400_unknown_subscription_outside_the_users_projects(self, api, project, mike, clock):
        other = ProjectFactory(code="ZZ9")
        ann = UserFactory(username="ann", role="consultant", project=other)
        subscription = subscribed(other, ann)
        response = post_contract(api, mike, subscription)
        assert (response.status_code, response.json()["code"]) == (400, "unknown_subscription")

    def test_400_signed_in_the_future(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        response = post_contract(api, mike, subscription, signed_at="2026-03-03T10:00:00")
        assert (response.status_code, response.json()["code"]) == (400, "signed_in_future")

    def test_numbers_follow_each_other_per_project(self, project, alice, mike, clock):
        first = contracted(project, alice, mike, room="301", phone="13800000001")
        second = contracted(project, alice, mike, room="302", phone="13800000002")
        assert (first.number, second.number) == ("HX01-HT-000001", "HX01-HT-000002")

    def test_a_deposit_covering_the_price_is_paid_off_at_signing(self, project, alice, mike, clock):
        unit = make_unit(project, list_price=Decimal("50000.00"))
        subscription = subscribe(unit, register(project, alice), alice).subscription
        passed_review(subscription.customer, mike)
        sign(subscription, mike, schedule=(Instalment(date(2026, 4, 1), Decimal("50000.00")),))
        unit.refresh_from_db()
        assert unit.status == UnitStatus.PAID_OFF

    def test_detail_reads_for_finance_and_404_for_a_consultant_off_the_deal(
        self, api, project, alice, bob, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        assert api(fiona).get(f"/api/contracts/{contract.pk}/").status_code == 200
        assert api(alice).get(f"/api/contracts/{contract.pk}/").status_code == 200
        assert api(bob).get(f"/api/contracts/{contract.pk}/").status_code == 404

    def test_finance_lists_the_projects_contracts_with_their_balances(
        self, api, project, alice, fiona, mike, clock
    ):
        contract = contracted(project, alice, mike)
        listed = api(fiona).get("/api/contracts/?project=HX01").json()
        assert [(c["number"], c["outstanding"], c["next_due"]) for c in listed] == [
            (contract.number, "1150000.00", "2026-04-01")
        ]
        assert api(fiona).get("/api/contracts/?project=HX01&show=x").status_code == 400
        assert api(alice).get("/api/contracts/?project=HX01").status_code == 403

    def test_the_schema_lists_the_contract_endpoints(self, api, mike):
        paths = api(mike).get("/api/schema/?format=json").json()["paths"]
        for path in (
            "/api/customers/{id}/requirements/",
            "/api/customers/{id}/qualification/",
            "/api/contracts/",
            "/api/contracts/{id}/",
            "/api/contracts/{id}/cancel/",
            "/api/contracts/{id}/refunds/",
            "/api/payments/",
        ):
            assert path in paths

    def test_nothing_is_written_when_refused(self, api, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        post_contract(api, mike, subscription)
        assert (Contract.objects.count(), ScheduleItem.objects.count()) == (0, 0)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
class TestThePrintedContract:
    def test_the_pdf_reads_back_the_name_the_price_in_capitals_and_the_full_id(
        self, client, project, alice, fiona, mike, clock, tmp_path
    ):
        contract = contracted(project, alice, mike, name="欧阳娜娜")
        customer = contract.subscription.customer
        customer.id_number = "110101199003071234"
        customer.save(update_fields=["id_number"])
        client.force_login(fiona)
        response = client.get(f"/contracts/{contract.pk}/contract.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content, tmp_path)
        assert "欧阳娜娜" in text
        assert yuan_in_capitals(Decimal("1200000.00")) in text  # 壹佰贰拾万元整
        assert "HX01-HT-000001" in text
        assert "110101199003071234" in text
        assert "首付" in text

    def test_the_print_page_masks_the_id_number(self, client, project, alice, mike, clock):
        contract = contracted(project, alice, mike)
        customer = contract.subscription.customer
        customer.id_number = "110101199003071234"
        customer.save(update_fields=["id_number"])
        client.force_login(mike)
        page = client.get(f"/contracts/{contract.pk}/print/").content.decode()
        assert "1101**********1234" in page
        assert "110101199003071234" not in page
        assert "壹佰贰拾万元整" in page

    def test_customer_text_is_escaped_and_nothing_is_fetched(
        self, project, alice, mike, clock, tmp_path
    ):
        hostile = '<img src="http://evil.invalid/x.png">'
        contract = contracted(project, alice, mike, name="赵<b>敏</b>")
        contract.subscription.customer.name = hostile
        fetcher = make_fetcher()
        html = render_to_string(
            CONTRACT_TEMPLATE, {"doc": contract_document(contract, full_id=True), "pdf": True}
        )
        assert "&lt;img" in html and hostile not in html
        text = pdf_text(html_to_pdf(html, fetcher), tmp_path)
        assert '<img src="http://evil.invalid/x.png">' in text
        # Only the print stylesheet was asked for; nothing was refused since nothing else was.
        assert fetcher.refused == []

    def test_the_fetcher_refuses_the_network_and_files(self):
        fetcher = make_fetcher()
        for url in ("http://evil.invalid/x.png", "file:///etc/passwd", "data:text/plain,hi"):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
        assert len(fetcher.refused) == 3


@pytest.mark.django_db
class TestContractForm:
    def form(self, **fields) -> dict:
        data = {
            "price": "1200000.00",
            "payment_method": "instalment",
            "signed_on": "2026-03-02",
            "liability_terms": "",
            "schedule-TOTAL_FORMS": "6",
            "schedule-INITIAL_FORMS": "0",
            "schedule-MIN_NUM_FORMS": "0",
            "schedule-MAX_NUM_FORMS": "24",
            "schedule-0-due": "2026-04-01",
            "schedule-0-amount": "900000.00",
            "schedule-0-label": "首付",
            "schedule-1-due": "2026-06-01",
            "schedule-1-amount": "300000.00",
        }
        return {**data, **fields}

    def test_the_deal_card_leads_to_the_form_which_signs(self, client, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        client.force_login(mike)
        page = client.get(f"/customers/{subscription.customer_id}/").content.decode()
        assert f"/subscriptions/{subscription.pk}/contract/" in page
        response = client.post(f"/subscriptions/{subscription.pk}/contract/", self.form())
        contract = Contract.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
        assert [i.label for i in contract.schedule.all()] == ["首付", ""]

    def test_a_refusal_keeps_what_was_typed(self, client, project, alice, mike, clock):
        subscription = subscribed(project, alice)
        passed_review(subscription.customer, mike)
        client.force_login(mike)
        response = client.post(
            f"/subscriptions/{subscription.pk}/contract/",
            self.form(**{"schedule-1-amount": "299999.99", "liability_terms": "违约金条款"}),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "¥1,199,999.99" in page and "¥1,200,000.00" in page
        assert 'value="299999.99"' in page and "违约金条款" in page
        assert Contract.objects.count() == 0

    def test_a_consultant_off_the_deal_is_refused(self, client, project, alice, bob, clock):
        subscription = subscribed(project, alice)
        client.force_login(bob)
        assert client.get(f"/subscriptions/{subscription.pk}/contract/").status_code == 403


@pytest.mark.django_db
def test_the_admin_reads_contracts_and_payments_and_changes_nothing(
    client, admin_user, project, alice, fiona, mike, clock
):
    contract = contracted(project, alice, mike)
    pay(contract, fiona, "1000.00")
    client.force_login(admin_user)
    for name in ("contract", "payment", "contractcancellation", "qualificationreview"):
        assert client.get(f"/admin/orders/{name}/").status_code == 200
    page = client.get(f"/admin/orders/contract/{contract.pk}/change/")
    assert page.status_code == 200 and "900000" in page.content.decode()
    assert client.post(f"/admin/orders/contract/{contract.pk}/change/", {}).status_code == 403
