"""The front desk's main path in a real browser: look up, register, see the verdict; a colleague
sees the same phone as taken, masked. And the customer page a registration leads to."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13800138000"


def open_desk(page):
    page.goto("/p/HX01/desk/")
    box = page.locator("#desk-phone")
    expect(box).to_be_focused()
    return box


def test_a_consultant_registers_a_visitor_and_a_colleague_sees_them_taken(
    page, login, alice, bob, screenshot
):
    login(alice)
    box = open_desk(page)
    page.keyboard.type(PHONE)
    expect(page.get_by_test_id("desk-new")).to_be_visible()
    screenshot("desk-new-customer")

    # Enter saves from the first field; an empty name is asked for next to the field.
    page.locator("input[name=name]").press("Enter")
    expect(page.get_by_test_id("errors-name")).to_be_visible()
    screenshot("desk-form-error")

    page.locator("input[name=name]").fill("赵敏")
    page.locator("label[for=id_gender_1]").click()
    page.locator("input[name=source]").fill("朋友介绍")
    page.locator("input[name=note]").press("Enter")
    expect(page.get_by_test_id("desk-saved")).to_be_visible()
    expect(page.get_by_test_id("registration-valid")).to_be_visible()
    expect(page.get_by_test_id("verdict-owner")).to_have_text("王芳")
    expect(page.get_by_test_id("verdict-status")).to_have_attribute("data-status", "active")
    screenshot("desk-verdict")

    back = page.get_by_test_id("desk-back")
    expect(back).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    expect(page.get_by_test_id("desk-saved")).to_have_count(0)

    page.get_by_test_id("logout").click()
    login(bob)
    box = open_desk(page)
    page.keyboard.type(PHONE)
    expect(page.get_by_test_id("desk-returning")).to_be_visible()
    expect(page.get_by_test_id("verdict-owner")).to_have_text("王芳")
    expect(page.get_by_test_id("customer-phone")).to_have_text("138****8000")
    expect(page.get_by_test_id("customer-name")).to_have_count(0)
    # Typed into the box, the number lives in the input's value only, never in the markup.
    assert PHONE not in page.content() and "赵敏" not in page.content()
    screenshot("desk-taken-masked")

    page.keyboard.press("Escape")
    expect(page.get_by_test_id("desk-returning")).to_have_count(0)


def test_the_customer_page_takes_a_follow_up(page, login, alice, screenshot):
    login(alice)
    open_desk(page)
    page.keyboard.type("139 0013 9000")
    page.locator("input[name=name]").fill("钱伟")
    page.locator("label[for=id_gender_0]").click()
    page.locator("input[name=budget]").fill("150万")
    page.locator("input[name=note]").press("Enter")
    page.get_by_test_id("open-customer").click()

    expect(page.get_by_test_id("customer-name")).to_have_text("钱伟")
    expect(page.get_by_test_id("timeline-registration")).to_have_count(1)
    page.locator("label[for=id_channel_1]").click()
    page.locator("#follow-up-form input[name=note]").fill("加了微信,周六来看样板间")
    page.locator("#follow-up-form input[name=note]").press("Enter")
    expect(page.get_by_test_id("follow-up-notice")).to_be_visible()
    expect(page.get_by_test_id("timeline-follow_up")).to_have_count(1)
    screenshot("customer-page")


def test_the_desk_works_on_a_portrait_tablet(page, login, mike, bob, screenshot):
    page.set_viewport_size({"width": 800, "height": 1280})
    login(mike)
    open_desk(page)
    page.keyboard.type(PHONE)
    expect(page.get_by_test_id("desk-new")).to_be_visible()
    # A manager chooses who received the visitor; the choice is the form's first field.
    expect(page.locator("select[name=consultant]")).to_be_visible()
    screenshot("desk-tablet-manager")
