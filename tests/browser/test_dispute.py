"""撞单裁决 in a real browser: a consultant opens a dispute from the customer page, the manager
rules in the admin screen with a template, and the customer page shows the new owner by M."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from desk.services import RegistrationInput, registration_create
from disputes.admin_access import manager_admin_access_grant
from disputes.models import Dispute

pytestmark = pytest.mark.django_db(transaction=True)


def register(project, consultant, minutes_ago: int):
    data = RegistrationInput(
        kind="visit",
        occurred_at=timezone.now() - timedelta(minutes=minutes_ago),
        consultant=consultant,
        name="赵敏",
        gender="F",
        phone="13800138000",
    )
    return registration_create(project=project, data=data, acting_user=consultant).registration


def test_a_dispute_from_the_customer_page_ruled_in_the_admin_screen(
    page, login, project, alice, bob, mike, screenshot, tmp_path
):
    manager_admin_access_grant(mike)
    register(project, alice, minutes_ago=30)
    customer = register(project, bob, minutes_ago=5).customer
    evidence = tmp_path / "来电登记表.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n photo of the call sheet")

    login(bob)
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("verdict-owner")).to_have_text("王芳")
    page.get_by_test_id("dispute-toggle").click()
    page.get_by_test_id("dispute-reason").fill("客户说上周是我接的电话,她不认识王芳")
    page.get_by_test_id("dispute-evidence").fill("3月1日来电登记表第5行")
    page.get_by_test_id("dispute-files").set_input_files(str(evidence))
    screenshot("dispute-open-form")
    page.get_by_test_id("dispute-submit").click()
    expect(page.get_by_test_id("messages")).to_be_visible()
    expect(page.get_by_test_id("verdict-status")).to_have_attribute("data-status", "disputed")
    expect(page.get_by_test_id("timeline-dispute")).to_have_count(1)
    expect(page.get_by_test_id("dispute-pending")).to_be_visible()  # no second form meanwhile
    screenshot("dispute-opened")
    dispute = Dispute.objects.get()

    page.get_by_test_id("logout").click()
    login(mike)
    page.goto("/admin/disputes/dispute/")
    page.locator(f"#result_list a[href$='/disputes/dispute/{dispute.pk}/change/']").first.click()
    expect(page.get_by_test_id("dispute-screen")).to_be_visible()
    expect(
        page.get_by_test_id("timeline-claimant").get_by_test_id("contact-registration")
    ).to_have_count(1)
    expect(
        page.get_by_test_id("timeline-owner").get_by_test_id("contact-registration")
    ).to_have_count(1)
    expect(page.get_by_test_id("evidence-file")).to_have_count(1)
    page.get_by_test_id("ruling-reason").fill("客户当面确认投诉王芳,要求李强服务")
    screenshot("dispute-ruling-screen")
    page.get_by_test_id("template-complaint").click()
    expect(page.get_by_test_id("step-ruling")).to_have_count(1)
    expect(page.get_by_test_id("dispute-screen")).to_have_attribute("data-state", "ruled")
    screenshot("dispute-ruled")

    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_test_id("verdict-owner")).to_have_text("李强")
    expect(page.get_by_test_id("verdict-basis").locator("[data-rule=M]")).to_have_count(1)
    expect(page.get_by_test_id("timeline-dispute_step")).to_have_count(1)
    expect(page.get_by_test_id("ruling-template")).to_have_text("客诉转移")
    screenshot("dispute-customer-after-ruling")
