"""After-sales in a real browser, seed 002 end to end: the consultant opens an engineering
ticket from the owner's page; the engineer finds it in the queue he lands on and proposes a
solution with its cost; finance costs it; the manager approves, tells the owner by when, reviews
and closes it with the owner's rating. Each screen is photographed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.models import Ticket
from desk.services import RegistrationInput, registration_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(project, alice):
    data = RegistrationInput(
        kind="visit",
        occurred_at=timezone.now(),
        consultant=alice,
        name="赵敏",
        gender="F",
        phone="13800138000",
    )
    return registration_create(project=project, data=data, acting_user=alice).registration.customer


@pytest.fixture
def eric(project):
    return UserFactory(username="eric", first_name="赵工", role="engineering", project=project)


def as_user(page, login, user):
    page.context.clear_cookies()
    login(user)


def move(page, action, **fields):
    """Fill a move's panel by its fields' names and submit it; htmx swaps the ticket in place."""
    panel = page.get_by_test_id(f"action-{action}")
    for name, value in fields.items():
        panel.locator(f"[name={name}]").fill(value)
    panel.get_by_test_id(f"move-submit-{action}").click()


def test_an_engineering_ticket_from_the_owners_question_to_closed(
    page, login, screenshot, owner, alice, eric, fiona, mike
):
    # The consultant opens it from the customer page.
    as_user(page, login, alice)
    page.goto(f"/customers/{owner.pk}/")
    page.get_by_test_id("new-ticket").click()
    page.locator("[name=title]").fill("卫生间渗水,楼下天花板有水渍")
    page.locator("[name=origin]").select_option("complaint")
    page.locator("[name=category]").select_option("engineering")
    screenshot("ticket-new")
    page.get_by_test_id("ticket-save").click()
    ticket_page = page.get_by_test_id("ticket-page")
    expect(ticket_page).to_have_attribute("data-state", "routed")
    ticket = Ticket.objects.get()

    # The engineer lands on his queue and finds it there.
    as_user(page, login, eric)
    expect(page).to_have_url(f"{page.url.split('/p/')[0]}/p/HX01/tickets/")
    row = page.locator(f"[data-testid=ticket-row][data-ticket='{ticket.pk}']")
    expect(row).to_have_attribute("data-queue", "engineering")
    screenshot("tickets-engineering-queue")
    row.get_by_test_id("ticket-link").click()
    expect(page.get_by_test_id("solution-due")).to_be_visible()
    move(page, "propose", note="更换卫生间防水层并重做地面", amount="1200")
    expect(ticket_page).to_have_attribute("data-state", "cost_estimated")
    expect(page.get_by_test_id("estimated-cost")).to_have_text("¥1,200.00")
    expect(page.get_by_test_id("ticket-moves")).to_have_count(0)
    screenshot("ticket-solution-proposed")

    # Finance costs it.
    as_user(page, login, fiona)
    page.goto(f"/tickets/{ticket.pk}/")
    move(page, "cost", amount="1150.50", note="按市场价核算")
    expect(ticket_page).to_have_attribute("data-state", "costed")
    expect(page.get_by_test_id("costed-amount")).to_have_text("¥1,150.50")
    screenshot("ticket-costed")

    # The manager approves, tells the owner by when, reviews and closes with the rating.
    as_user(page, login, mike)
    page.goto("/p/HX01/tickets/")  # every queue: the manager's own landing page is elsewhere
    expect(page.get_by_test_id("queues")).to_be_visible()
    page.locator(
        f"[data-testid=ticket-row][data-ticket='{ticket.pk}'] [data-testid=ticket-link]"
    ).click()
    move(page, "approve")
    expect(ticket_page).to_have_attribute("data-state", "approved")
    promised = (timezone.localdate() + timedelta(days=14)).isoformat()
    move(page, "feedback", note="已电话告知业主,两周内完工", deadline=promised)
    expect(ticket_page).to_have_attribute("data-state", "feedback_given")
    expect(page.get_by_test_id("feedback-due")).to_have_attribute(
        "data-due", f"{promised}T23:59:59+08:00"
    )
    screenshot("ticket-owner-informed")
    move(page, "review", note="现场核查,已修复")
    expect(ticket_page).to_have_attribute("data-state", "reviewed")
    page.locator("label[for=rating-5]").click()
    move(page, "close", note="业主满意")
    expect(ticket_page).to_have_attribute("data-state", "closed")
    expect(page.get_by_test_id("rating")).to_have_text("5 / 5")
    history = page.get_by_test_id("ticket-history")
    for action in (
        "open",
        "route",
        "propose",
        "estimate",
        "cost",
        "approve",
        "feedback",
        "review",
        "close",
    ):
        expect(history.get_by_test_id(f"event-{action}")).to_have_count(1)
    expect(page.get_by_test_id("action-reopen")).to_be_visible()
    screenshot("ticket-closed")

    # The owner's page lists the ticket, closed.
    page.goto(f"/customers/{owner.pk}/")
    expect(page.get_by_test_id("timeline-ticket-state")).to_be_visible()
    screenshot("customer-ticket-timeline")


def test_a_refused_move_is_said_next_to_it(page, login, screenshot, owner, alice, eric, mike):
    from aftersales.services import TicketInput, ticket_open

    ticket = ticket_open(
        data=TicketInput(customer=owner, title="门锁损坏", category="engineering"),
        acting_user=alice,
    )
    as_user(page, login, eric)
    page.goto(f"/tickets/{ticket.pk}/")
    move(page, "propose", note="", amount="12.345")
    expect(page.get_by_test_id("move-error")).to_be_visible()
    expect(page.get_by_test_id("ticket-page")).to_have_attribute("data-state", "routed")
    screenshot("ticket-move-refused")
