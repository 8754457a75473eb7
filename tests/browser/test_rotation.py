"""The rotation in a real browser: the clerk puts the day's order together with the keyboard,
the bar shows who is next, one click receives a walk-in with its register-by countdown and the
next one changes; the fairness report counts it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_sets_the_order_and_receives_a_walk_in(page, login, alice, bob, clara, screenshot):
    login(clara)
    page.get_by_test_id("nav").locator("[data-nav=rotation]").click()
    expect(page.get_by_test_id("rotation-empty")).to_be_visible()

    # Both on duty; alice moved in front of bob from the keyboard (Alt+↑ on her row).
    page.get_by_test_id("roster-alice").check()
    page.get_by_test_id("roster-bob").check()
    page.get_by_test_id("roster-alice").focus()
    page.keyboard.press("Alt+ArrowUp")
    rows = page.get_by_test_id("roster-list").locator("li")
    expect(rows.nth(0)).to_have_attribute("data-username", "alice")
    expect(page.get_by_test_id("roster-alice")).to_be_focused()
    # …and the arrow buttons do the same: bob down and up again.
    page.get_by_test_id("move-down-alice").click()
    expect(rows.nth(0)).to_have_attribute("data-username", "bob")
    page.get_by_test_id("move-up-alice").click()
    expect(rows.nth(0)).to_have_attribute("data-username", "alice")
    screenshot("rotation-order")

    page.get_by_test_id("roster-save").click()
    expect(page.get_by_test_id("roster-saved")).to_be_visible()
    next_up = page.get_by_test_id("rotation-next")
    expect(next_up).to_have_attribute("data-username", "alice")
    expect(page.get_by_test_id("queue-alice")).to_have_attribute("data-state", "free")

    page.get_by_test_id("rotation-receive").click()
    reception = page.locator("#rotation-reception")
    expect(reception).to_have_attribute("data-consultant", "alice")
    expect(reception).to_have_attribute("data-reception-id", re.compile(r"^\d+$"))
    expect(page.get_by_test_id("rotation-countdown")).to_have_text(re.compile(r"^[56]\d:\d\d$"))
    expect(next_up).to_have_attribute("data-username", "bob")
    expect(page.get_by_test_id("queue-alice")).to_have_attribute("data-state", "busy")
    expect(page.get_by_test_id("count-alice")).to_contain_text("1")
    screenshot("rotation-received")

    # alice is done with her visitor: free again, but bob keeps the next turn.
    page.get_by_test_id("set-free-alice").click()
    expect(page.get_by_test_id("queue-alice")).to_have_attribute("data-state", "free")
    expect(next_up).to_have_attribute("data-username", "bob")

    page.get_by_test_id("to-report").click()
    expect(page.get_by_test_id("receptions-alice")).to_have_text("1")
    expect(page.get_by_test_id("receptions-bob")).to_have_text("0")
    screenshot("rotation-report")


def test_nobody_free_is_said_in_the_bar(page, login, alice, clara, screenshot):
    login(clara)
    page.goto("/p/HX01/rotation/")
    page.get_by_test_id("roster-alice").check()
    page.get_by_test_id("roster-save").click()
    page.get_by_test_id("set-away-alice").click()
    expect(page.get_by_test_id("queue-alice")).to_have_attribute("data-state", "away")
    page.get_by_test_id("rotation-receive").click()
    expect(page.get_by_test_id("rotation-error")).to_have_attribute("data-code", "nobody_available")
    screenshot("rotation-nobody-available")
