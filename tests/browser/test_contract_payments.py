"""Issue 5's main path in a real browser (seed 000, UX.md §6): the consultant fills the
customer's requirement confirmation; the manager passes the qualification review and signs the
contract with its schedule from the customer page; finance lands on the finance desk, records
the payments on the contract page, each with its receipt number, and sees the outstanding amount
drop to ¥0.00; the manager's funnel and collections reports show the deal and the money. Each
screen is photographed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Contract, Payment, RequirementConfirmation, UnitStatus
from tests.orders.conftest import make_unit, register, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deal(project, alice):
    """赵敏 subscribed unit 1-1-1502 at ¥1,200,000.00 with a ¥50,000.00 deposit."""
    customer = register(project, alice, when=timezone.now() - timedelta(hours=1))
    unit = make_unit(project, room="1502", layout="三室两厅", list_price=Decimal("1200000.00"))
    return subscribe(unit, customer, alice).subscription


def as_user(page, login, user):
    page.context.clear_cookies()
    login(user)


def fill_schedule(page, rows):
    for index, (due, amount, label) in enumerate(rows):
        page.locator(f"[name=schedule-{index}-due]").fill(due.isoformat())
        page.locator(f"[name=schedule-{index}-amount]").fill(amount)
        page.locator(f"[name=schedule-{index}-label]").fill(label)


def record_payment(page, amount):
    form = page.get_by_test_id("payment-form")
    form.locator("[name=amount]").fill(amount)
    form.locator("[name=method]").select_option("transfer")
    form.get_by_test_id("payment-save").click()


def test_qualification_contract_and_payments_down_to_zero(
    page, login, screenshot, project, deal, alice, mike, fiona
):
    customer = deal.customer
    today = timezone.localdate(timezone=project.tzinfo)

    # The consultant writes down what the customer asked for (客户需求确认单), for signature.
    as_user(page, login, alice)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("new-requirement").click()
    form = page.get_by_test_id("requirement-form")
    form.locator("[name=budget]").fill("1250000")
    form.locator("[name=layout]").fill("三室两厅")
    form.locator("[name=payment_method]").select_option("instalment")
    form.locator("[name=signed]").check()
    screenshot("requirement-confirmation")
    form.get_by_test_id("requirement-save").click()
    assert RequirementConfirmation.objects.filter(customer=customer, consultant=alice).exists()

    # The manager reviews the buyer's qualification from the customer page.
    as_user(page, login, mike)
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("qualification-status")).to_have_attribute("data-status", "none")
    page.get_by_test_id("qualification-review").click()
    form = page.get_by_test_id("qualification-form")
    for name in ("id_checked", "eligible", "funds_proof"):
        form.locator(f"[name={name}]").check()
    form.locator("[name=id_number]").fill("110101199003071234")
    screenshot("contract-qualification-review")
    page.get_by_test_id("qualification-save").click()
    expect(page.get_by_test_id("qualification-status")).to_have_attribute("data-status", "passed")

    # ... then prepares the contract: the deposit is credited, two instalments remain.
    page.get_by_test_id("prepare-contract").click()
    expect(page.locator("[name=price]")).to_have_value("1200000.00")
    fill_schedule(
        page,
        [
            (today + timedelta(days=30), "900000.00", "首付"),
            (today + timedelta(days=90), "300000.00", "二期款"),
        ],
    )
    screenshot("contract-form")
    page.get_by_test_id("contract-save").click()
    expect(page.get_by_test_id("contract-number")).to_have_text("HX01-HT-000001")
    expect(page.get_by_test_id("outstanding")).to_have_text("¥1,150,000.00")
    expect(page.get_by_test_id("schedule-item")).to_have_count(2)
    expect(page.get_by_test_id("payment-form")).to_have_count(0)  # managers record no money
    screenshot("contract-signed")
    contract = Contract.objects.get()
    deal.unit.refresh_from_db()
    assert deal.unit.status == UnitStatus.CONTRACTED

    # Finance lands on the desk, where the contract waits for its money.
    as_user(page, login, fiona)
    expect(page.get_by_test_id("finance-contracts")).to_be_visible()
    row = page.locator(f"[data-testid=finance-row][data-contract='{contract.pk}']")
    expect(row.get_by_test_id("row-outstanding")).to_have_text("¥1,150,000.00")
    screenshot("finance-desk")
    row.get_by_test_id("record-payment").click()

    # The down payment: the receipt number is assigned and shown.
    record_payment(page, "850000.00")
    expect(page.get_by_test_id("receipt-no")).to_have_text("HX01-SJ-000001")
    expect(page.get_by_test_id("outstanding")).to_have_text("¥300,000.00")
    first, second = page.get_by_test_id("item-outstanding").all()
    expect(first).to_have_text("¥0.00")
    expect(second).to_have_text("¥300,000.00")
    screenshot("contract-first-payment")

    # The last instalment: nothing outstanding, the unit paid off, no payment form left.
    record_payment(page, "300000.00")
    expect(page.get_by_test_id("receipt-no")).to_have_text("HX01-SJ-000002")
    expect(page.get_by_test_id("outstanding")).to_have_text("¥0.00")
    expect(page.get_by_test_id("contract-status")).to_have_attribute("data-status", "paid_off")
    expect(page.get_by_test_id("payment-form")).to_have_count(0)
    expect(page.get_by_test_id("payment-receipt")).to_have_text(
        ["HX01-SJ-000001", "HX01-SJ-000002"]
    )
    screenshot("contract-paid-off")
    assert sorted(Payment.objects.values_list("receipt_no", flat=True)) == [
        "HX01-SJ-000001",
        "HX01-SJ-000002",
    ]
    deal.unit.refresh_from_db()
    assert deal.unit.status == UnitStatus.PAID_OFF

    # Back on the desk the contract no longer waits for money.
    page.goto("/p/HX01/finance/")
    expect(page.get_by_test_id("no-contracts")).to_be_visible()
    page.goto("/p/HX01/finance/?show=all")
    expect(page.get_by_test_id("finance-row")).to_have_count(1)

    # The manager's reports count the closed customer and the money collected this month
    # (the deposit belongs to the subscription; the two payments are the collections).
    as_user(page, login, mike)
    page.goto("/p/HX01/reports/funnel/")
    expect(page.get_by_test_id("funnel-closed")).to_contain_text("1")
    screenshot("report-funnel-deal")
    page.goto("/p/HX01/reports/sales/")
    expect(page.get_by_test_id("sales-collected")).to_contain_text("1,150,000.00")
    expect(page.get_by_test_id("sales-contracts")).to_contain_text("1")
    screenshot("report-collections-deal")
