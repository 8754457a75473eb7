"""Tickets through the services: opening and routing per category, every legal move of the
flow recorded as an event, every illegal one refused with ``illegal_transition`` and the legal
moves, who may make which move, what each move needs, and a history nobody can edit."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from aftersales import flow, services
from aftersales.models import Ticket, TicketEvent
from aftersales.selectors import tickets_visible_to
from customers.ledger import LedgerImmutableError
from projects.models import Notification
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.aftersales.conftest import DAY1, SH, move, open_ticket, register
from tests.aftersales.test_flow import LEGAL, TARGET
from tests.attribution.test_concurrency import run_together
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

# The person and the inputs that make each move legitimately (the cost path's people).
BY = {
    "route": ("manager", {"category": "engineering"}),
    "propose": ("engineering", {"note": "更换卫生间防水层"}),
    "estimate": ("engineering", {"amount": Decimal("1200.00")}),
    "cost": ("finance", {"amount": Decimal("1150.50")}),
    "approve": ("manager", {}),
    "decline": ("manager", {"note": "费用过高,换方案"}),
    "feedback": ("manager", {"note": "已电话告知业主", "deadline": date(2026, 3, 20)}),
    "review": ("manager", {"note": "现场核查完毕"}),
    "close": ("manager", {"rating": 5}),
    "reopen": ("consultant", {"note": "业主说又漏了"}),
}
# From a ticket opened without a department, the moves that reach each state.
PATH = [None, "route", "propose", "estimate", "cost", "approve", "feedback", "review", "close"]
REACHED_BY = dict(zip(LEGAL, range(len(PATH)), strict=True))


def make(ticket, staff, action, **override):
    role, inputs = BY[action]
    return move(ticket, staff[role], action, **{**inputs, **override})


def brought_to(state, owner, staff) -> Ticket:
    """A new ticket (no department given) moved along the cost path up to ``state``."""
    ticket = open_ticket(owner, staff["consultant"], category="")
    for action in PATH[1 : REACHED_BY[state] + 1]:
        make(ticket, staff, action)
    ticket.refresh_from_db()
    assert ticket.state == state
    return ticket


def history(ticket) -> list[tuple[str, str, str]]:
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .order_by("entered_at", "id")
        .values_list("action", "from_state", "to_state")
    )


class TestOpening:
    @pytest.mark.parametrize("category", ["engineering", "property", "sales", "other"])
    def test_a_category_routes_the_ticket_to_that_departments_queue(
        self, category, owner, alice, clock
    ):
        ticket = open_ticket(owner, alice, category=category)
        assert (ticket.state, ticket.category) == ("routed", category)
        assert history(ticket) == [("open", "", "new"), ("route", "new", "routed")]
        assert ticket.solution_due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)
        assert ticket.number == f"SH{ticket.pk:06d}"

    def test_the_queues_staff_see_only_their_queue(self, owner, alice, staff, project):
        engineering = open_ticket(owner, alice, category="engineering")
        property_ = open_ticket(owner, alice, category="property")
        sales = open_ticket(owner, alice, category="sales")
        assert list(tickets_visible_to(staff["engineering"], project)) == [engineering]
        assert list(tickets_visible_to(staff["property"], project)) == [property_]
        for role in ("manager", "clerk"):
            assert set(tickets_visible_to(staff[role], project)) == {engineering, property_, sales}
        assert not tickets_visible_to(staff["finance"], project).exists()
        assert set(tickets_visible_to(staff["consultant"], project)) == {
            engineering,
            property_,
            sales,
        }
        assert not tickets_visible_to(staff["other_consultant"], project).exists()

    def test_the_department_hears_of_a_new_ticket_in_its_queue(self, owner, alice, staff):
        ticket = open_ticket(owner, alice, category="property")
        told = Notification.objects.filter(kind="ticket_waiting")
        assert [n.recipient for n in told] == [staff["property"]]
        assert told.get().params["number"] == ticket.number

    def test_without_a_category_it_waits_for_a_manager_to_route_it(self, owner, alice, staff):
        ticket = open_ticket(owner, alice, category="")
        assert (ticket.state, ticket.category, ticket.solution_due_at) == ("new", "", None)
        make(ticket, staff, "route", category="property")
        ticket.refresh_from_db()
        assert (ticket.state, ticket.category) == ("routed", "property")

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [
            ("consultant", True),
            ("clerk", True),
            ("manager", True),
            ("other_consultant", False),
            ("finance", False),
            ("engineering", False),
            ("property", False),
        ],
    )
    def test_the_customers_consultant_a_clerk_or_a_manager_opens_tickets(
        self, role, allowed, owner, staff
    ):
        if allowed:
            assert open_ticket(owner, staff[role]).opened_by == staff[role]
        else:
            with pytest.raises(NotPermitted):
                open_ticket(owner, staff[role])
            assert not Ticket.objects.exists()

    def test_an_inspection_defect_opens_one_ticket_only(self, owner, alice, unit):
        first = open_ticket(
            owner, alice, unit=unit, origin="defect", source="handover.defect", source_id=7
        )
        with pytest.raises(Conflict) as refused:
            open_ticket(owner, alice, origin="defect", source="handover.defect", source_id=7)
        assert (refused.value.code, refused.value.extra) == ("ticket_exists", {"ticket": first.pk})
        assert (first.unit, first.source, first.source_id) == (unit, "handover.defect", 7)

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"title": "  "}, "title_required"),
            ({"origin": "rumour"}, "unknown_origin"),
            ({"category": "finance"}, "unknown_category"),
            ({"source": "handover.defect"}, "source_incomplete"),
            ({"source_id": 3}, "source_incomplete"),
        ],
    )
    def test_what_a_ticket_needs(self, fields, code, owner, alice):
        with pytest.raises(DomainError) as refused:
            open_ticket(owner, alice, **fields)
        assert refused.value.code == code

    def test_a_unit_of_another_project_is_refused(self, owner, alice):
        from orders.models import Unit

        elsewhere = Unit.objects.create(
            project=ProjectFactory(code="ZZ01"), building="9", room="1", area=1, list_price=1
        )
        with pytest.raises(DomainError) as refused:
            open_ticket(owner, alice, unit=elsewhere)
        assert refused.value.code == "unit_mismatch"


class TestEveryMove:
    @pytest.mark.parametrize(
        ("state", "action"), [(s, a) for s, actions in LEGAL.items() for a in sorted(actions)]
    )
    def test_a_legal_move_is_made_and_kept_in_the_history(self, state, action, owner, staff, clock):
        ticket = brought_to(state, owner, staff)
        before = history(ticket)
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        events = make(ticket, staff, action)
        ticket.refresh_from_db()
        assert ticket.state == TARGET[action]
        assert history(ticket) == [*before, (action, state, TARGET[action])]
        event = events[-1]
        role, inputs = BY[action]
        assert (event.entered_by, event.entered_at) == (staff[role], DAY1 + timedelta(hours=2))
        for field, value in inputs.items():
            assert getattr(event, field) == value

    @pytest.mark.parametrize("state", list(LEGAL))
    def test_every_illegal_move_is_refused_with_the_legal_ones_and_changes_nothing(
        self, state, owner, staff
    ):
        ticket = brought_to(state, owner, staff)
        before = (history(ticket), Ticket.objects.filter(pk=ticket.pk).values().get())
        for action in set(flow.ACTIONS) - LEGAL[state]:
            with pytest.raises(Conflict) as refused:
                make(ticket, staff, action)
            error = refused.value
            assert error.code == "illegal_transition", action
            assert error.status_code == 409
            assert set(error.extra["allowed"]) == LEGAL[state]
            assert (error.extra["state"], error.extra["action"]) == (state, action)
        assert (history(ticket), Ticket.objects.filter(pk=ticket.pk).values().get()) == before

    def test_an_unknown_action_is_named_as_such(self, ticket, staff):
        with pytest.raises(DomainError) as refused:
            move(ticket, staff["manager"], "delete")
        assert refused.value.code == "unknown_action"
        assert refused.value.extra["actions"] == list(flow.ACTIONS)


class TestTwoPaths:
    def test_without_a_cost_the_manager_informs_the_owner_after_the_solution(
        self, ticket, staff, project, clock
    ):
        move(ticket, staff["engineering"], "propose", note="调整门锁,无需费用")
        move(ticket, staff["manager"], "feedback", note="告知业主", deadline=date(2026, 3, 5))
        move(ticket, staff["manager"], "review")
        move(ticket, staff["manager"], "close", rating=4)
        ticket.refresh_from_db()
        assert [a for a, _f, _t in history(ticket)] == [
            "open",
            "route",
            "propose",
            "feedback",
            "review",
            "close",
        ]
        assert (ticket.state, ticket.rating, ticket.estimated_cost) == ("closed", 4, None)
        assert not tickets_visible_to(staff["finance"], project).exists()

    def test_with_a_cost_finance_costs_it_and_a_manager_approves_before_the_owner_hears(
        self, ticket, staff, project, clock
    ):
        events = move(
            ticket, staff["engineering"], "propose", note="更换防水层", amount=Decimal("1200")
        )
        assert [(e.action, e.to_state, e.amount) for e in events] == [
            ("propose", "solution_proposed", None),
            ("estimate", "cost_estimated", Decimal("1200")),
        ]
        assert list(tickets_visible_to(staff["finance"], project)) == [ticket]
        assert Notification.objects.filter(
            recipient=staff["finance"], kind="ticket_waiting"
        ).exists()
        with pytest.raises(Conflict):  # no feedback before the cost is decided
            move(ticket, staff["manager"], "feedback", note="x", deadline=date(2026, 3, 9))
        move(ticket, staff["finance"], "cost", amount=Decimal("1150.50"), note="按市场价核算")
        assert Notification.objects.filter(
            recipient=staff["manager"], kind="ticket_waiting"
        ).exists()
        move(ticket, staff["manager"], "approve")
        move(ticket, staff["manager"], "feedback", note="两周内修好", deadline=date(2026, 3, 16))
        ticket.refresh_from_db()
        assert (ticket.state, ticket.estimated_cost, ticket.costed_amount) == (
            "feedback_given",
            Decimal("1200.00"),
            Decimal("1150.50"),
        )
        assert ticket.feedback_due_at == datetime(2026, 3, 16, 23, 59, 59, tzinfo=SH)

    def test_the_row_is_always_the_fold_of_its_events(self, owner, staff):
        ticket = brought_to("closed", owner, staff)
        make(ticket, staff, "reopen")
        row = Ticket.objects.get(pk=ticket.pk)
        summary = flow.summary_of(services.steps_of(row.events.all()), SH)
        assert (row.state, row.category, row.solution_due_at, row.feedback_due_at) == (
            summary.state,
            summary.category,
            summary.solution_due,
            summary.feedback_due,
        )
        assert (row.estimated_cost, row.costed_amount, row.rating, row.closed_at) == (
            summary.estimated_cost,
            summary.costed_amount,
            summary.rating,
            summary.closed_at,
        )


class TestWhoMayMove:
    @pytest.mark.parametrize("action", flow.ACTIONS)
    def test_only_the_moves_people_make_it(self, action, owner, staff):
        state = next(s for s, actions in LEGAL.items() if action in actions and s != "new")
        ticket = brought_to(state, owner, staff)
        allowed = {BY[action][0]}
        if action == "reopen":
            allowed |= {"clerk", "manager"}
        for role in sorted(set(staff) - allowed):
            with pytest.raises(NotPermitted):
                move(ticket, staff[role], action, **BY[action][1])
            assert Ticket.objects.get(pk=ticket.pk).state == state, role

    def test_a_property_ticket_is_not_engineerings_to_solve(self, owner, alice, staff):
        ticket = open_ticket(owner, alice, category="property")
        with pytest.raises(NotPermitted):
            move(ticket, staff["engineering"], "propose", note="x")
        move(ticket, staff["property"], "propose", note="物业更换门禁卡")

    def test_sales_questions_are_answered_by_the_office(self, owner, alice, staff):
        ticket = open_ticket(owner, alice, category="sales")
        move(ticket, staff["clerk"], "propose", note="合同附件已补寄")
        assert Ticket.objects.get(pk=ticket.pk).state == "solution_proposed"

    def test_staff_of_another_project_make_no_move(self, ticket):
        outsider = UserFactory(username="zed", role="manager", project=ProjectFactory(code="ZZ02"))
        with pytest.raises(NotPermitted):
            move(ticket, outsider, "route", category="property")


class TestWhatEachMoveNeeds:
    @pytest.mark.parametrize(
        ("state", "action", "fields", "code"),
        [
            ("routed", "propose", {"note": " "}, "note_required"),
            ("solution_proposed", "estimate", {"amount": None}, "amount_required"),
            ("solution_proposed", "estimate", {"amount": Decimal("0")}, "amount_invalid"),
            ("solution_proposed", "estimate", {"amount": Decimal("-5")}, "amount_invalid"),
            ("solution_proposed", "estimate", {"amount": Decimal("1.005")}, "amount_invalid"),
            ("solution_proposed", "estimate", {"amount": 12.5}, "amount_invalid"),
            ("solution_proposed", "estimate", {"amount": Decimal("NaN")}, "amount_invalid"),
            ("cost_estimated", "cost", {"amount": None}, "amount_required"),
            ("solution_proposed", "feedback", {"deadline": None}, "deadline_required"),
            ("solution_proposed", "feedback", {"deadline": date(2026, 3, 1)}, "deadline_in_past"),
            ("solution_proposed", "feedback", {"note": ""}, "note_required"),
            ("reviewed", "close", {"rating": None}, "rating_required"),
            ("reviewed", "close", {"rating": 6}, "rating_invalid"),
            ("reviewed", "close", {"rating": 0}, "rating_invalid"),
            ("new", "route", {"category": ""}, "category_required"),
            ("new", "route", {"category": "finance"}, "unknown_category"),
            ("costed", "decline", {"note": ""}, "note_required"),
            ("closed", "reopen", {"note": ""}, "note_required"),
            ("costed", "approve", {"amount": Decimal("99")}, "unexpected_field"),
            ("reviewed", "close", {"deadline": date(2026, 4, 1)}, "unexpected_field"),
        ],
    )
    def test_a_missing_or_unsound_input_is_refused_with_its_code(
        self, state, action, fields, code, owner, staff
    ):
        ticket = brought_to(state, owner, staff)
        events = TicketEvent.objects.count()
        with pytest.raises(DomainError) as refused:
            make(ticket, staff, action, **fields)
        assert refused.value.code == code
        assert refused.value.fields
        assert TicketEvent.objects.count() == events

    def test_the_promised_day_is_the_projects_today_at_the_earliest(self, owner, staff, clock):
        ticket = brought_to("solution_proposed", owner, staff)
        clock.move_to(datetime(2026, 3, 3, 0, 30, tzinfo=SH), tick=False)  # 2 March in UTC
        with pytest.raises(DomainError):
            make(ticket, staff, "feedback", deadline=date(2026, 3, 2))
        make(ticket, staff, "feedback", deadline=date(2026, 3, 3))


class TestTheHistory:
    def test_events_cannot_be_edited_or_deleted(self, ticket):
        event = ticket.events.first()
        event.note = "改写"
        with pytest.raises(LedgerImmutableError):
            event.save()
        with pytest.raises(LedgerImmutableError):
            TicketEvent.objects.filter(pk=event.pk).update(note="改写")
        with pytest.raises(LedgerImmutableError):
            event.delete()

    def test_not_even_raw_sql_rewrites_a_ticket_event(self, ticket):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE aftersales_ticketevent SET note = 'x'")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM aftersales_ticketevent")


@pytest.mark.django_db(transaction=True)
def test_two_managers_approving_at_once_make_one_approval():
    project = ProjectFactory(code="RACE9")
    people = {
        role: UserFactory(username=f"{role}9", role=role, project=project)
        for role in ("consultant", "engineering", "finance")
    }
    managers = [UserFactory(username=f"m{i}", role="manager", project=project) for i in (1, 2)]
    customer = register(project, people["consultant"], phone="13800000099").customer
    ticket = open_ticket(customer, people["consultant"])
    move(ticket, people["engineering"], "propose", note="换管", amount=Decimal("300"))
    move(ticket, people["finance"], "cost", amount=Decimal("300"))
    answers: list = []

    def approving(manager):
        def job():
            try:
                move(ticket, manager, "approve")
                answers.append("approved")
            except Conflict as exc:
                answers.append(exc.code)

        return job

    assert run_together([approving(m) for m in managers]) == []
    assert sorted(answers) == ["approved", "illegal_transition"]
    assert ticket.events.filter(action="approve").count() == 1
