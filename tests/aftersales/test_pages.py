"""The after-sales pages: each department lands on its queue, managers see every queue with
filters and overdue rows marked, a ticket page shows its due dates and the viewer's moves (htmx),
the customer page opens tickets and lists them, consultants record their visits. Lists run a
constant number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales import services
from aftersales.models import Ticket, Visit
from tests.aftersales.conftest import SH, move, open_ticket, register

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def html(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def rows(page: str, name="ticket-row") -> int:
    return page.count(f'data-testid="{name}"')


class TestQueues:
    @pytest.fixture
    def tickets(self, owner, alice):
        return {c: open_ticket(owner, alice, category=c) for c in ("engineering", "property")}

    @pytest.mark.parametrize(("who", "queue"), [("eric", "engineering"), ("pete", "property")])
    def test_each_department_lands_on_its_own_queue(self, client, staff, tickets, who, queue):
        user = staff[queue]
        client.force_login(user)
        assert client.get("/").url == "/p/HX01/tickets/"
        page = html(client, user, "/p/HX01/tickets/?queue=sales")  # asking for another: its own
        assert rows(page) == 1
        assert f'data-ticket="{tickets[queue].pk}"' in page
        assert 'data-nav="tickets"' in page and 'data-nav="desk"' not in page

    def test_managers_see_every_queue_and_filter(self, client, mike, tickets, clock):
        assert rows(html(client, mike, "/p/HX01/tickets/")) == 2
        page = html(client, mike, "/p/HX01/tickets/?queue=property")
        assert rows(page) == 1 and f'data-ticket="{tickets["property"].pk}"' in page
        assert rows(html(client, mike, "/p/HX01/tickets/?state=closed")) == 0
        assert rows(html(client, mike, "/p/HX01/tickets/?overdue=1")) == 0
        clock.move_to(datetime(2026, 3, 10, 0, 0, tzinfo=SH), tick=False)
        late = html(client, mike, "/p/HX01/tickets/?overdue=1")
        assert rows(late) == 2 and late.count('data-overdue="solution"') == 2
        assert 'class="lapsing"' in late

    def test_an_unknown_filter_is_said_and_the_queue_still_shows(self, client, mike, tickets):
        page = html(client, mike, "/p/HX01/tickets/?state=lost")
        assert 'data-testid="messages"' in page and rows(page) == 2

    def test_the_queue_runs_a_constant_number_of_queries(
        self, client, owner, alice, mike, eric, clock
    ):
        def queries(user) -> int:
            client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/tickets/").status_code == 200
            return len(ctx.captured_queries)

        first = open_ticket(owner, alice)
        move(first, eric, "propose", note="x", amount=Decimal("10"))
        queries(mike)
        few = {user: queries(user) for user in (mike, eric)}
        for i in range(30):
            other = register(owner.project, alice, phone=f"138000001{i:02d}").customer
            open_ticket(other, alice, category="engineering" if i % 2 else "property")
        clock.move_to(datetime(2026, 3, 12, tzinfo=SH), tick=False)
        assert {user: queries(user) for user in (mike, eric)} == few

    def test_people_outside_after_sales_are_refused(self, client, chan, tickets):
        html(client, chan, "/p/HX01/tickets/", status=403)
        html(client, chan, f"/tickets/{tickets['engineering'].pk}/", status=404)


class TestTicketPage:
    def test_it_shows_its_due_date_and_the_viewers_moves_only(
        self, client, ticket, eric, mike, fiona, pete
    ):
        page = html(client, eric, f"/tickets/{ticket.pk}/")
        assert 'data-testid="solution-due" data-due="2026-03-09T23:59:59+08:00"' in page
        assert 'data-testid="action-propose"' in page and 'data-testid="action-route"' not in page
        manager = html(client, mike, f"/tickets/{ticket.pk}/")
        assert 'data-testid="action-route"' in manager and "action-propose" not in manager
        assert "ticket-moves" not in html(client, fiona, f"/tickets/{ticket.pk}/", status=404)
        html(client, pete, f"/tickets/{ticket.pk}/", status=404)

    def test_late_is_shown_from_the_clock_not_from_the_job(self, client, ticket, mike, clock):
        assert 'data-testid="overdue-solution"' not in html(client, mike, f"/tickets/{ticket.pk}/")
        clock.move_to(datetime(2026, 3, 10, 0, 0, tzinfo=SH), tick=False)
        assert 'data-testid="overdue-solution"' in html(client, mike, f"/tickets/{ticket.pk}/")

    def test_a_move_by_htmx_swaps_the_body_with_the_next_step(self, client, ticket, eric):
        client.force_login(eric)
        response = client.post(
            f"/tickets/{ticket.pk}/move/",
            {"action": "propose", "note": "更换防水层", "amount": "1200"},
            **HTMX,
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert body.startswith('\n<div id="ticket-body"') or 'id="ticket-body"' in body[:200]
        assert 'data-state="cost_estimated"' in body
        assert 'data-testid="event-estimate"' in body and "¥1,200.00" in body
        assert "<html" not in body

    def test_a_refused_move_is_said_in_its_panel(self, client, ticket, eric):
        client.force_login(eric)
        response = client.post(f"/tickets/{ticket.pk}/move/", {"action": "propose"}, **HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="move-error"' in body and 'data-state="routed"' in body
        bad = client.post(
            f"/tickets/{ticket.pk}/move/", {"action": "propose", "amount": "x"}, **HTMX
        )
        assert 'data-testid="move-error"' in bad.content.decode()

    def test_without_htmx_the_page_comes_back_with_the_message(self, client, ticket, mike):
        client.force_login(mike)
        response = client.post(
            f"/tickets/{ticket.pk}/move/", {"action": "close", "rating": "5"}, follow=True
        )
        assert response.status_code == 200
        assert 'data-testid="messages"' in response.content.decode()
        assert Ticket.objects.get(pk=ticket.pk).state == "routed"

    def test_the_whole_history_is_listed_in_order(self, client, ticket, eric, mike, clock):
        move(ticket, eric, "propose", note="调整门锁")
        move(ticket, mike, "feedback", note="已告知", deadline=date(2026, 3, 3))
        page = html(client, mike, f"/tickets/{ticket.pk}/")
        order = [
            page.index(f'data-testid="event-{a}"') for a in ("open", "route", "propose", "feedback")
        ]
        assert order == sorted(order)
        assert 'data-testid="feedback-due"' in page


class TestFromTheCustomerPage:
    def test_the_desks_people_have_the_new_ticket_button(self, client, owner, alice, clara, mike):
        for user in (alice, clara, mike):
            assert 'data-testid="new-ticket"' in html(client, user, f"/customers/{owner.pk}/")
        assert 'data-testid="new-ticket"' not in html(client, alice, "/p/HX01/desk/")

    def test_a_ticket_opened_there_is_on_the_customers_timeline(
        self, client, owner, unit, alice, eric
    ):
        form = html(client, alice, f"/customers/{owner.pk}/tickets/new/")
        assert 'data-testid="ticket-form"' in form
        response = client.post(
            f"/customers/{owner.pk}/tickets/new/",
            {"title": "入户门异响", "origin": "question", "category": "engineering", "unit": ""},
        )
        ticket = Ticket.objects.get()
        assert response.url == f"/tickets/{ticket.pk}/"
        assert (ticket.category, ticket.state, ticket.opened_by) == ("engineering", "routed", alice)
        customer_page = html(client, alice, f"/customers/{owner.pk}/")
        assert 'data-testid="timeline-ticket"' in customer_page
        assert f'href="/tickets/{ticket.pk}/"' in customer_page

    def test_a_blank_title_is_said_next_to_the_field(self, client, owner, alice):
        client.force_login(alice)
        response = client.post(
            f"/customers/{owner.pk}/tickets/new/", {"title": "", "origin": "question"}
        )
        assert response.status_code == 200
        assert 'data-testid="errors-title"' in response.content.decode()
        assert not Ticket.objects.exists()

    def test_only_those_who_may_open_one_get_the_form(self, client, owner, bob, eric):
        html(client, bob, f"/customers/{owner.pk}/tickets/new/", status=404)
        html(client, eric, f"/customers/{owner.pk}/tickets/new/", status=404)

    def test_the_customer_page_stays_constant_in_queries_with_more_tickets(
        self, client, owner, alice
    ):
        def queries() -> int:
            client.force_login(alice)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/customers/{owner.pk}/").status_code == 200
            return len(ctx.captured_queries)

        open_ticket(owner, alice)
        queries()
        few = queries()
        for _ in range(10):
            open_ticket(owner, alice, category="property")
        assert queries() == few


class TestVisitsPage:
    @pytest.fixture
    def visits(self, owner, unit, clara, clock):
        return services.visits_schedule(
            customer=owner, unit=unit, handed_over_at=timezone.now(), acting_user=clara
        )

    def test_a_consultant_sees_hers_with_the_due_ones_marked(
        self, client, visits, alice, bob, clock
    ):
        clock.move_to(timezone.now() + timedelta(days=7), tick=False)
        page = html(client, alice, "/p/HX01/visits/")
        assert rows(page, "visit-row") == 4
        assert page.count('data-testid="visit-due"') == 1
        assert rows(html(client, bob, "/p/HX01/visits/"), "visit-row") == 0
        assert 'data-nav="visits"' in page

    def test_recording_an_issue_opens_its_ticket(self, client, visits, alice):
        client.force_login(alice)
        response = client.post(
            f"/visits/{visits[0].pk}/outcome/",
            {"outcome": "issue", "note": "地漏返味", "category": "property"},
        )
        ticket = Ticket.objects.get()
        assert response.url == f"/tickets/{ticket.pk}/"
        assert Visit.objects.get(pk=visits[0].pk).ticket == ticket
        recorded = html(client, alice, "/p/HX01/visits/?show=recorded")
        assert 'data-testid="visit-ticket"' in recorded

    def test_a_reached_owner_is_recorded_and_a_second_record_refused(self, client, visits, alice):
        client.force_login(alice)
        client.post(f"/visits/{visits[1].pk}/outcome/", {"outcome": "reached", "note": "满意"})
        response = client.post(
            f"/visits/{visits[1].pk}/outcome/", {"outcome": "not_reached"}, follow=True
        )
        assert 'class="flash-error"' in response.content.decode()
        assert Visit.objects.get(pk=visits[1].pk).outcome == "reached"

    def test_managers_see_all_clerks_not_at_all(self, client, visits, mike, clara):
        assert rows(html(client, mike, "/p/HX01/visits/"), "visit-row") == 4
        html(client, clara, "/p/HX01/visits/", status=403)

    def test_the_list_runs_a_constant_number_of_queries(self, client, project, alice, clara, clock):
        def queries() -> int:
            client.force_login(alice)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/visits/").status_code == 200
            return len(ctx.captured_queries)

        def handover(phone):
            customer = register(project, alice, phone=phone).customer
            services.visits_schedule(
                customer=customer, unit=None, handed_over_at=timezone.now(), acting_user=clara
            )

        handover("13800000001")
        queries()
        few = queries()
        for i in range(10):
            handover(f"138000002{i:02d}")
        assert queries() == few
