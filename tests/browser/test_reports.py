"""The manager's dashboard and reports in a real browser: the charts draw (a canvas with
data-rendered="1", no console error) at 1024×768 and on a portrait tablet, the funnel and the
collections report read right, and the XLSX export downloads. Screenshots in test-artifacts/.

The clock is not frozen here: the browser keeps real time (a frozen server clock would expire
the session cookie), so the office is built around today."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from attribution.models import Reception, RosterEntry
from attribution.windows import day_bounds, local_day
from customers.models import Stage
from desk.pipeline import stage_move
from disputes.models import Violation
from tests.factories import CustomerFactory
from tests.orders.conftest import make_unit, register, subscribe
from tests.reports.report_data import pay, sign, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office(project, alice, bob, mike):
    """Today: two visits and a call, one walk-in from the rotation registered in time; a deal
    closed by a subscription with its contract and a payment; one customer moved to
    negotiating; an instalment overdue by ten days; a late entry fined this month."""
    now = timezone.now()
    day_start = day_bounds(local_day(now, project.tzinfo), project.tzinfo)[0]
    moment = max(now - timedelta(minutes=30), day_start + timedelta(minutes=1))
    visit(CustomerFactory(project=project), alice, moment, source="自然来访")
    visit(CustomerFactory(project=project), bob, moment, source="网络", kind="call")
    talking = CustomerFactory(project=project)
    for stage in (Stage.INTENT, Stage.NEGOTIATING):
        stage_move(customer=talking, to_stage=stage, acting_user=mike)
    buyer = register(project, alice, phone="13800000001", name="赵敏", when=moment)
    deal = subscribe(make_unit(project, list_price=Decimal("1200000.00")), buyer, alice)
    today = local_day(now, project.tzinfo)
    contract = sign(
        deal.subscription,
        moment,
        [(today - timedelta(days=10), "450000.00"), (today + timedelta(days=60), "750000.00")],
    )
    pay(contract, "150000.00", moment)
    RosterEntry.objects.create(
        project=project, date=today, consultant=alice, position=1, received=1
    )
    walk_in = Reception.objects.create(
        project=project,
        consultant=alice,
        received_at=moment,
        register_by=moment + timedelta(hours=1),
        created_by=mike,
    )
    visit(CustomerFactory(project=project), alice, moment, source="自然来访", reception=walk_in)
    Violation.objects.create(
        project=project,
        staff=bob,
        kind="late_entry",
        amount=Decimal("20.00"),
        occurred_at=moment,
        source="browser:1",
        entered_at=moment,
    )
    return contract


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def expect_charts_drawn(page, count):
    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(count)
    expect(page.locator("canvas[data-chart][data-rendered='1']")).to_have_count(count)
    for index in range(count):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 200 and box["height"] > 150


def test_the_manager_reads_the_dashboard_and_the_reports(
    page, login, mike, office, console_errors, screenshot
):
    login(mike)  # a manager lands on the dashboard
    expect(page.get_by_test_id("dashboard")).to_be_visible()
    expect(page.get_by_test_id("today-visits")).to_have_text("3")
    expect(page.get_by_test_id("today-calls")).to_have_text("1")
    expect(page.get_by_test_id("funnel-closed")).to_have_text("1")
    expect(page.get_by_test_id("funnel-negotiating")).to_have_text("1")
    expect(page.get_by_test_id("month-collected")).to_have_text("¥150,000.00")
    expect_charts_drawn(page, 5)
    screenshot("dashboard")

    page.get_by_test_id("open-funnel").click()
    expect(page.get_by_test_id("report-funnel")).to_be_visible()
    expect(page.get_by_test_id("funnel-closed")).to_have_text("1")
    expect(page.get_by_test_id("moved-in-closed")).to_have_text("1")
    expect_charts_drawn(page, 2)
    screenshot("report-funnel")

    page.get_by_test_id("report-tabs").locator("[data-report=sales]").click()
    expect(page.get_by_test_id("report-sales")).to_be_visible()
    expect(page.get_by_test_id("sales-subscription-amount")).to_have_text("¥1,200,000.00")
    expect(page.get_by_test_id("sales-collected")).to_have_text("¥150,000.00")
    expect_charts_drawn(page, 2)
    screenshot("report-sales")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.startswith("sales-HX01-")
    rows = list(load_workbook(BytesIO(download.value.path().read_bytes())).active.values)
    assert rows[-1][9] == 150000  # the total collected

    page.get_by_test_id("report-tabs").locator("[data-report=overdue]").click()
    expect(page.get_by_test_id("overdue-amount")).to_have_text("¥250,000.00")
    expect(page.get_by_test_id("overdue-item")).to_have_count(1)
    expect_charts_drawn(page, 1)
    screenshot("report-overdue")

    page.get_by_test_id("report-tabs").locator("[data-report=daily]").click()
    expect(page.get_by_test_id("kpi-visits")).to_have_text("3")
    expect_charts_drawn(page, 2)
    screenshot("report-daily")
    assert console_errors == []


def test_the_dashboard_on_a_portrait_tablet(page, login, mike, office, console_errors, screenshot):
    page.set_viewport_size({"width": 800, "height": 1280})
    login(mike)
    expect_charts_drawn(page, 5)
    screenshot("dashboard-tablet")
    assert console_errors == []


def test_the_clerk_reads_the_days_sheet_and_cannot_export(
    page, login, clara, office, console_errors, screenshot
):
    login(clara)
    page.goto("/p/HX01/reports/")
    page.get_by_test_id("report-index").locator("[data-report=visits-calls]").click()
    expect(page.get_by_test_id("kpi-visits")).to_have_text("3")
    expect(page.get_by_test_id("sheet-line")).to_have_count(4)
    expect(page.get_by_test_id("export")).to_have_count(0)
    expect_charts_drawn(page, 2)
    screenshot("report-visits-calls")
    page.get_by_test_id("report-tabs").locator("[data-report=sources]").click()
    expect(page.get_by_test_id("source-row")).to_have_count(3)  # 自然来访, 网络, not given
    expect_charts_drawn(page, 2)
    screenshot("report-sources")
    assert console_errors == []
