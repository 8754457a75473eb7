"""The after-sales jobs: overdue solutions and passed promises escalated to the managers once,
due visits reminded once; set-based (constant queries), and never what a page's overdue state
depends on."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales import jobs, selectors, services, tasks
from aftersales.models import TicketEscalation
from projects.models import Notification
from tests.aftersales.conftest import SH, move, open_ticket, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EIGHTH_DAY = datetime(2026, 3, 10, 0, 0, tzinfo=SH)  # routed 2 March: due through 9 March


def told(kind="ticket_overdue"):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", "params__number")
    )


class TestEscalation:
    def test_an_overdue_solution_is_escalated_to_the_managers_once(
        self, ticket, mike, project, clock
    ):
        nina = UserFactory(username="nina", role="manager", project=project)
        clock.move_to(EIGHTH_DAY - timedelta(seconds=1), tick=False)
        assert tasks.escalate_tickets.delay().get() == 0
        clock.move_to(EIGHTH_DAY, tick=False)
        assert tasks.escalate_tickets.delay().get() == 1
        assert jobs.tickets_escalate(now=timezone.now()) == 0
        assert jobs.tickets_escalate(now=timezone.now() + timedelta(days=3)) == 0
        assert told() == [("mike", ticket.number), (nina.username, ticket.number)]
        escalation = TicketEscalation.objects.get()
        assert (escalation.kind, escalation.due_at) == ("solution", ticket.solution_due_at)

    def test_a_passed_promise_is_escalated_once_and_a_closed_ticket_never(
        self, ticket, eric, mike, clock
    ):
        move(ticket, eric, "propose", note="换锁")
        move(ticket, mike, "feedback", note="周三前修好", deadline=date(2026, 3, 4))
        clock.move_to(datetime(2026, 3, 5, 0, 0, tzinfo=SH), tick=False)
        assert jobs.tickets_escalate(now=timezone.now()) == 1
        assert jobs.tickets_escalate(now=timezone.now()) == 0
        assert told("ticket_promise_overdue") == [("mike", ticket.number)]
        other = open_ticket(ticket.customer, mike, category="sales")
        move(other, mike, "propose", note="已答复")
        move(other, mike, "feedback", note="今日", deadline=date(2026, 3, 5))
        move(other, mike, "review")
        move(other, mike, "close", rating=5)
        clock.move_to(datetime(2026, 4, 1, tzinfo=SH), tick=False)
        assert jobs.tickets_escalate(now=timezone.now()) == 0

    def test_a_ticket_back_in_the_queue_has_a_new_week_and_is_escalated_again_when_it_passes(
        self, ticket, eric, fiona, mike, alice, clock
    ):
        clock.move_to(EIGHTH_DAY, tick=False)
        jobs.tickets_escalate(now=timezone.now())
        move(ticket, eric, "propose", note="换管", amount=Decimal("800"))
        move(ticket, fiona, "cost", amount=Decimal("800"))
        move(ticket, mike, "decline", note="先修补")
        ticket.refresh_from_db()
        assert ticket.solution_due_at == datetime(2026, 3, 17, 23, 59, 59, tzinfo=SH)
        assert jobs.tickets_escalate(now=timezone.now()) == 0
        clock.move_to(datetime(2026, 3, 18, 0, 0, tzinfo=SH), tick=False)
        assert jobs.tickets_escalate(now=timezone.now()) == 1
        assert TicketEscalation.objects.count() == 2

    def test_the_pages_overdue_state_does_not_wait_for_the_job(self, ticket, mike, clock):
        clock.move_to(EIGHTH_DAY, tick=False)
        view = selectors.ticket_view(ticket, mike, timezone.now())
        assert view.overdue == ("solution",)
        assert not TicketEscalation.objects.exists()
        jobs.tickets_escalate(now=timezone.now())
        assert selectors.ticket_view(ticket, mike, timezone.now()).overdue == ("solution",)

    def test_escalating_many_tickets_takes_as_many_queries_as_one(
        self, project, owner, alice, mike, clock
    ):
        def escalate_after(count: int) -> int:
            clock.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
            for _ in range(count):
                open_ticket(owner, alice, category="engineering")
            clock.move_to(datetime(2026, 3, 20, tzinfo=SH), tick=False)
            with CaptureQueriesContext(connection) as ctx:
                assert jobs.tickets_escalate(now=timezone.now()) == count
            return len(ctx.captured_queries)

        assert escalate_after(1) == escalate_after(12)


class TestVisitReminders:
    @pytest.fixture
    def visits(self, owner, unit, alice, clara, clock):
        return services.visits_schedule(
            customer=owner, unit=unit, handed_over_at=timezone.now(), acting_user=clara
        )

    def test_the_consultant_hears_once_when_a_visit_falls_due(self, visits, alice, clock):
        clock.move_to(datetime(2026, 3, 8, 23, 59, tzinfo=SH), tick=False)
        assert tasks.remind_visits.delay().get() == 0
        clock.move_to(datetime(2026, 3, 9, 0, 0, tzinfo=SH), tick=False)  # handover + 7 days
        assert tasks.remind_visits.delay().get() == 1
        assert jobs.visits_remind(now=timezone.now()) == 0
        notice = Notification.objects.get(kind="follow_up_due")
        assert (notice.recipient, notice.params, notice.url) == (
            alice,
            {"customer": "赵敏"},
            "/p/HX01/visits/",
        )

    def test_a_recorded_visit_is_not_reminded(self, visits, alice, clock):
        services.visit_record(
            visit=visits[0], outcome="reached", note="一切正常", acting_user=alice
        )
        clock.move_to(datetime(2026, 4, 2, tzinfo=SH), tick=False)  # 7 and 30 days have passed
        assert jobs.visits_remind(now=timezone.now()) == 1

    def test_reminding_many_visits_takes_as_many_queries_as_one(
        self, project, unit, alice, clara, clock
    ):
        def remind_after(count: int) -> int:
            clock.move_to(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False)
            for i in range(count):
                customer = register(project, alice, phone=f"1390000{count:02d}{i:02d}").customer
                services.visits_schedule(
                    customer=customer, unit=None, handed_over_at=timezone.now(), acting_user=clara
                )
            clock.move_to(datetime(2026, 3, 9, 12, tzinfo=SH), tick=False)
            with CaptureQueriesContext(connection) as ctx:
                assert jobs.visits_remind(now=timezone.now()) == count
            return len(ctx.captured_queries)

        assert remind_after(1) == remind_after(10)
