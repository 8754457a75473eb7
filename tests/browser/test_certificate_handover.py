"""The payoff certificate and the handover in a real browser, seeds 002 and 000 end to end:
finance issues the certificate from its desk and the PDF opens in a new tab; anyone checks it on
the public verify page; the manager plans the handover; the clerk qualifies the owner, records
the inspection with one defect (a photo) that opens an engineering ticket through after-sales,
the signature and the keys; the ticket is then solved, costed, approved and closed on the
after-sales pages. Each screen is photographed (test-artifacts/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from aftersales.models import Ticket
from handover.models import PayoffCertificate
from orders.models import Unit
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.handover.conftest import make_contract, pay_off

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eric(project):
    return UserFactory(username="eric", first_name="赵工", role="engineering", project=project)


@pytest.fixture
def paid_contract(project, alice, fiona):
    contract = make_contract(project, alice)
    pay_off(contract, by=fiona)
    return contract


def as_user(page, login, user):
    page.context.clear_cookies()
    login(user)


def move(page, action, **fields):
    """Fill an after-sales move's panel by its fields' names and submit it (htmx swaps it)."""
    panel = page.get_by_test_id(f"action-{action}")
    for name, value in fields.items():
        panel.locator(f"[name={name}]").fill(value)
    panel.get_by_test_id(f"move-submit-{action}").click()


def issue_and_open_the_pdf(page, contract):
    """Finance's button opens the certificate in a new tab: the tab gets the PDF."""
    button = page.locator(f"#payoff-issue-{contract.pk}")
    expect(button).to_be_enabled()
    with (
        page.context.expect_event(
            "response", lambda r: r.url.endswith("/pdf/") and r.request.method == "GET"
        ) as answer,
        page.context.expect_page() as tab,
    ):
        button.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # The tab shows it in Chromium's viewer; the document itself, with the same session:
    assert page.context.request.get(response.url).body()[:5] == b"%PDF-"
    tab.value.close()


def test_certificate_verify_and_a_handover_with_a_defect_to_a_closed_ticket(
    page, login, screenshot, browser, live_server, tmp_path,
    paid_contract, alice, clara, eric, fiona, mike,
):  # fmt: skip
    # Finance issues the certificate from its desk; the PDF opens in a new tab.
    as_user(page, login, fiona)
    page.get_by_test_id("nav").locator("[data-nav=certificates]").click()
    expect(
        page.locator(f"[data-testid=awaiting-row][data-contract='{paid_contract.pk}']")
    ).to_be_visible()
    screenshot("certificates-awaiting")
    issue_and_open_the_pdf(page, paid_contract)
    certificate = PayoffCertificate.objects.get()
    page.reload()
    row = page.locator(f"[data-testid=certificate-row][data-number='{certificate.number}']")
    expect(row).to_have_attribute("data-status", "valid")
    expect(page.get_by_test_id("no-awaiting")).to_be_visible()
    screenshot("certificates-issued")

    # Anyone with the paper checks it on the public page, signed in or not.
    visitor = browser.new_context(base_url=live_server.url, locale="zh-CN")
    public = visitor.new_page()
    public.goto(f"/verify/{certificate.verify_code}/")
    expect(public.get_by_test_id("verify")).to_have_attribute("data-status", "valid")
    expect(public.get_by_test_id("verify-number")).to_have_text(certificate.number)
    expect(public.get_by_test_id("verify-owner")).to_have_text("赵*")
    ARTIFACTS.mkdir(exist_ok=True)
    public.screenshot(path=str(ARTIFACTS / "certificate-verify.png"), full_page=True)
    public.goto("/verify/not-a-real-code/")
    expect(public.get_by_test_id("verify-unknown")).to_be_visible()
    visitor.close()

    # The manager plans the building's handover.
    as_user(page, login, mike)
    page.goto("/p/HX01/handover/")
    page.locator("#batch-name").fill("1栋 第一批交房")
    page.locator("[name=building]").select_option("1")
    page.locator("#batch-location").fill("售楼处二楼交房大厅")
    page.get_by_test_id("batch-save").click()
    expect(page.get_by_test_id("batch")).to_be_visible()
    screenshot("handover-desk")

    # The clerk takes the owner through the checklist on the unit's page.
    as_user(page, login, clara)
    page.goto("/p/HX01/handover/")
    page.get_by_test_id("handover-link").first.click()
    handover_page = page.get_by_test_id("handover-page")
    expect(handover_page).to_have_attribute("data-next", "qualification")
    expect(page.get_by_test_id("certificate-ok")).to_contain_text(certificate.number)
    page.get_by_test_id("id-checked").check()
    page.get_by_test_id("contract-checked").check()
    page.get_by_test_id("qualification-save").click()
    expect(handover_page).to_have_attribute("data-next", "inspection")
    page.get_by_test_id("inspection-save").click()
    photo = tmp_path / "crack.jpg"
    Image.new("RGB", (32, 32), "gray").save(photo, "JPEG")
    page.get_by_test_id("defect-location").fill("主卧")
    page.get_by_test_id("defect-description").fill("墙面裂缝约30厘米")
    page.locator("[name=severity]").select_option("major")
    page.locator("[name=ticket_category]").select_option("engineering")
    page.get_by_test_id("defect-photo").set_input_files(str(photo))
    page.get_by_test_id("defect-save").click()
    expect(page.get_by_test_id("defect-ticket")).to_be_visible()
    screenshot("handover-defect")
    page.get_by_test_id("confirmation-save").click()
    expect(page.get_by_test_id("confirmation-pdf")).to_be_visible()
    page.get_by_test_id("keys-save").click()
    expect(page.get_by_test_id("keys-done")).to_be_visible()
    expect(handover_page).to_have_attribute("data-next", "")
    screenshot("handover-done")
    assert Unit.objects.get(pk=paid_contract.subscription.unit_id).status == "handed_over"
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.category, ticket.origin) == (
        "handover.defect",
        "engineering",
        "defect",
    )

    # After-sales: the engineer solves it with a cost, finance costs it, the manager approves,
    # tells the owner, reviews and closes it with the owner's rating.
    as_user(page, login, eric)
    page.goto(f"/tickets/{ticket.pk}/")
    ticket_page = page.get_by_test_id("ticket-page")
    expect(ticket_page).to_have_attribute("data-state", "routed")
    move(page, "propose", note="凿开重新批荡并刷漆", amount="800")
    expect(ticket_page).to_have_attribute("data-state", "cost_estimated")
    as_user(page, login, fiona)
    page.goto(f"/tickets/{ticket.pk}/")
    move(page, "cost", amount="800", note="按预算核算")
    expect(ticket_page).to_have_attribute("data-state", "costed")
    as_user(page, login, mike)
    page.goto(f"/tickets/{ticket.pk}/")
    move(page, "approve")
    expect(ticket_page).to_have_attribute("data-state", "approved")
    promised = (timezone.localdate() + timedelta(days=7)).isoformat()
    move(page, "feedback", note="已告知业主一周内修复", deadline=promised)
    expect(ticket_page).to_have_attribute("data-state", "feedback_given")
    move(page, "review", note="现场复查已修复")
    expect(ticket_page).to_have_attribute("data-state", "reviewed")
    page.locator("label[for=rating-5]").click()
    move(page, "close", note="业主满意")
    expect(ticket_page).to_have_attribute("data-state", "closed")
    screenshot("handover-ticket-closed")
