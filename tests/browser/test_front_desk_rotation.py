"""Issue 3's main path in a real browser: the front desk sees who is next, receives a walk-in
in one click, registers them, and the customer page shows the verdict with its basis."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attribution.rotation.roster import roster_set
from attribution.windows import local_day
from customers.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_desk_receives_the_next_walk_in_registers_it_and_shows_the_basis(
    page, login, project, alice, bob, clara, screenshot
):
    roster_set(
        project=project,
        date=local_day(timezone.now(), project.tzinfo),
        usernames=["alice", "bob"],
        acting_user=clara,
    )
    login(alice)
    page.goto("/p/HX01/desk/")
    expect(page.get_by_test_id("rotation-next")).to_have_attribute("data-username", "alice")
    screenshot("desk-rotation-next")

    page.get_by_test_id("rotation-receive").click()
    waiting = page.get_by_test_id("rotation-reception")
    expect(waiting).to_have_attribute("data-consultant", "alice")
    expect(page.get_by_test_id("rotation-next")).to_have_attribute("data-username", "bob")
    expect(page.get_by_test_id("count-alice")).to_contain_text("1")

    page.locator("#desk-phone").click()
    page.keyboard.type("13800138000")
    expect(page.get_by_test_id("desk-new")).to_be_visible()
    page.locator("input[name=name]").fill("赵敏")
    page.locator("label[for=id_gender_1]").click()
    page.locator("input[name=note]").press("Enter")
    expect(page.get_by_test_id("desk-saved")).to_be_visible()
    expect(page.get_by_test_id("verdict-owner")).to_have_text("王芳")
    expect(page.get_by_test_id("rotation-reception")).to_have_count(0)
    registration = Registration.objects.get()
    assert registration.reception is not None
    assert registration.reception.consultant == alice
    screenshot("desk-rotation-registered")

    page.get_by_test_id("open-customer").click()
    expect(page.get_by_test_id("verdict-status")).to_have_attribute("data-status", "active")
    basis = page.locator("[data-rule]")
    expect(basis.first).to_have_attribute("data-rule", "A1")
    screenshot("customer-basis")
