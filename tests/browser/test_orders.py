"""Units and commission in a real browser: the manager finds the building's grid from the
navigation, sees who holds a unit, then the month's commission statement and its export link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.orders.conftest import make_unit, register, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_the_unit_grid_and_the_months_commission(
    page, login, project, alice, bob, mike, screenshot
):
    for room in ("301", "302", "401", "402", "501"):
        make_unit(project, building="1", room=room, layout="三室两厅")
    make_unit(project, building="2", room="1201", list_price=Decimal("2100000.00"))
    held = make_unit(project, building="1", room="502", list_price=Decimal("1500000.00"))
    customer = register(project, alice, when=timezone.now() - timedelta(hours=1))
    subscribe(held, customer, bob, owner_absent=True)

    login(mike)
    page.get_by_test_id("nav-more").locator("summary").click()  # a manager's Units is under More
    page.get_by_test_id("nav").locator("[data-nav=units]").click()
    expect(page.locator("[data-testid=unit][data-status=subscribed]")).to_have_count(1)
    expect(page.get_by_test_id("deal")).to_contain_text("赵敏")
    expect(page.get_by_test_id("count-available")).to_have_text("5")
    screenshot("units-grid")
    page.locator("[data-building='2']").click()
    expect(page.get_by_test_id("unit")).to_have_count(1)

    page.get_by_test_id("nav-more").locator("summary").click()
    page.get_by_test_id("nav").locator("[data-nav=commission]").click()
    statements = page.get_by_test_id("statement")
    expect(statements).to_have_count(2)
    expect(page.locator("[data-party=bob] [data-testid=party-total]")).to_have_text("¥750,000.00")
    expect(page.get_by_test_id("grand-total")).to_have_text("¥1,500,000.00")
    expect(page.get_by_test_id("export")).to_be_visible()
    screenshot("commission-month")
    page.get_by_test_id("previous-month").click()
    expect(page.get_by_test_id("no-deals")).to_be_visible()
