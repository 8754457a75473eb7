"""Channel reports in a real browser: the agent reports from their portal and sees the report's
countdown; the customer visits; the front desk confirms the visit with the day's matching
registration and the agent's report shows as confirmed."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from desk.services import RegistrationInput, registration_create
from projects.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_reports_and_the_front_desk_confirms_the_visit(
    page, login, project, chan, bob, clara, screenshot
):
    Membership.objects.filter(user=chan, project=project).update(channel_name="链家")
    login(chan)
    expect(page.get_by_test_id("phone-pattern")).to_contain_text("138****8000")
    page.fill("input[name=name]", "赵敏")
    page.locator("label:has(input[name=gender][value=F])").click()
    page.fill("input[name=phone_visible]", "138****8000")
    page.get_by_test_id("report-submit").click()
    row = page.get_by_test_id("report-row").first
    expect(row).to_have_attribute("data-status", "valid")
    expect(row.get_by_test_id("countdown")).to_be_visible()
    screenshot("channel-portal-reported")

    # The customer comes in and bob registers the visit.
    data = RegistrationInput(
        kind="visit",
        occurred_at=timezone.now(),
        consultant=bob,
        name="赵敏",
        gender="F",
        phone="13800138000",
    )
    registration_create(project=project, data=data, acting_user=bob)

    page.get_by_test_id("logout").click()
    login(clara)
    page.get_by_test_id("nav").locator("[data-nav=channel-reports]").click()
    expect(page.get_by_test_id("confirm-registration")).to_contain_text("赵敏")
    page.get_by_test_id("confirm-visit").click()
    confirmed = page.get_by_test_id("report-row").first
    expect(confirmed).to_have_attribute("data-status", "confirmed")
    expect(confirmed.locator("[data-party=desk]")).to_have_class("signed")
    screenshot("channel-reports-confirmed")
