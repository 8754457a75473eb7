"""The after-sales API: open, list with filters, read with the history, move (and the refusal
shapes: 409 illegal_transition with the legal moves, 403 not_permitted, 400 with a code), and
the visits. Errors are always ``{detail, code, fields}``."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from aftersales import services
from aftersales.models import Ticket, TicketEvent
from tests.aftersales.conftest import SH, move, open_ticket

pytestmark = pytest.mark.django_db


def moved(api, user, ticket, **body):
    return api(user).post(f"/api/tickets/{ticket.pk}/transitions/", body, format="json")


class TestOpening:
    def test_a_consultant_opens_a_ticket_for_her_customer(self, api, owner, unit, alice, eric):
        response = api(alice).post(
            "/api/tickets/",
            {
                "customer": owner.pk,
                "title": "卫生间渗水",
                "description": "楼下反映天花板有水渍",
                "origin": "complaint",
                "category": "engineering",
                "unit": unit.pk,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["state"], body["category"], body["origin"]) == (
            "routed",
            "engineering",
            "complaint",
        )
        assert body["unit"] == {"id": unit.pk, "label": "1栋101"}
        assert body["solution_due_at"] == "2026-03-09T23:59:59+08:00"
        assert [e["action"] for e in body["events"]] == ["open", "route"]
        assert body["allowed"] == ["route", "propose"]
        assert body["actions"] == []  # alice neither routes nor solves

    def test_the_refusals_have_codes(self, api, owner, alice, bob):
        blank = api(alice).post(
            "/api/tickets/", {"customer": owner.pk, "title": " "}, format="json"
        )
        assert (blank.status_code, blank.json()["code"]) == (400, "title_required")
        other = api(bob).post("/api/tickets/", {"customer": owner.pk, "title": "x"}, format="json")
        assert (other.status_code, other.json()["code"]) == (404, "customer_not_found")
        unit = api(alice).post(
            "/api/tickets/", {"customer": owner.pk, "title": "x", "unit": 999999}, format="json"
        )
        assert (unit.status_code, unit.json()["code"]) == (400, "unknown_unit")
        assert not Ticket.objects.exists()

    def test_a_defect_already_ticketed_is_a_conflict_naming_the_ticket(self, api, owner, alice):
        body = {"customer": owner.pk, "title": "墙面开裂", "origin": "defect"}
        body |= {"source": "handover.defect", "source_id": 5}
        first = api(alice).post("/api/tickets/", body, format="json").json()
        again = api(alice).post("/api/tickets/", body, format="json")
        assert again.status_code == 409
        assert (again.json()["code"], again.json()["ticket"]) == ("ticket_exists", first["id"])


class TestListing:
    @pytest.fixture
    def tickets(self, owner, alice):
        return {c: open_ticket(owner, alice, category=c) for c in ("engineering", "property")}

    def test_each_role_lists_what_it_may_see_and_filters(self, api, tickets, eric, mike, clock):
        mine = api(eric).get("/api/tickets/?project=HX01").json()
        assert [t["id"] for t in mine["results"]] == [tickets["engineering"].pk]
        everything = api(mike).get("/api/tickets/?project=HX01").json()
        assert everything["count"] == 2
        prop = api(mike).get("/api/tickets/?project=HX01&queue=property").json()
        assert [t["id"] for t in prop["results"]] == [tickets["property"].pk]
        assert api(mike).get("/api/tickets/?project=HX01&state=closed").json()["count"] == 0
        clock.move_to(datetime(2026, 3, 10, tzinfo=SH), tick=False)
        late = api(mike).get("/api/tickets/?project=HX01&overdue=1").json()
        assert late["count"] == 2
        assert late["results"][0]["overdue"] == ["solution"]

    def test_unknown_filters_are_refused(self, api, tickets, mike):
        queue = api(mike).get("/api/tickets/?project=HX01&queue=finance")
        assert (queue.status_code, queue.json()["code"]) == (400, "unknown_queue")
        state = api(mike).get("/api/tickets/?project=HX01&state=lost")
        assert (state.status_code, state.json()["code"]) == (400, "unknown_state")
        nowhere = api(mike).get("/api/tickets/?project=NOPE")
        assert (nowhere.status_code, nowhere.json()["code"]) == (404, "unknown_project")

    def test_a_ticket_outside_ones_queue_is_not_found(self, api, tickets, pete):
        response = api(pete).get(f"/api/tickets/{tickets['engineering'].pk}/")
        assert (response.status_code, response.json()["code"]) == (404, "ticket_not_found")

    def test_a_channel_agent_is_refused(self, api, tickets, chan):
        assert api(chan).get("/api/tickets/?project=HX01").status_code == 403


class TestMoving:
    def test_a_move_answers_the_ticket_and_the_events_it_appended(
        self, api, ticket, eric, fiona, clock
    ):
        response = moved(api, eric, ticket, action="propose", note="更换防水层", amount="1200.00")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["state"] == "cost_estimated"
        assert [(e["action"], e["amount"]) for e in body["appended"]] == [
            ("propose", None),
            ("estimate", "1200.00"),
        ]
        assert body["estimated_cost"] == "1200.00"
        assert body["actions"] == []  # finance costs it, not eric
        costed = moved(api, fiona, ticket, action="cost", amount="1150.50").json()
        assert (costed["state"], costed["costed_amount"]) == ("costed", "1150.50")
        assert costed["events"][-1]["entered_by"] == {"username": "fiona", "name": "刘会计"}

    def test_an_illegal_move_is_409_with_the_legal_moves(self, api, ticket, mike):
        response = moved(api, mike, ticket, action="close", rating=5)
        assert response.status_code == 409
        body = response.json()
        assert (body["code"], body["state"], body["action"]) == (
            "illegal_transition",
            "routed",
            "close",
        )
        assert body["allowed"] == ["route", "propose"]
        assert body["detail"]

    def test_a_move_of_another_role_is_403(self, api, ticket, mike):
        response = moved(api, mike, ticket, action="propose", note="x")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"action": "propose"}, "note_required"),
            ({"action": "propose", "note": "x", "rating": 3}, "unexpected_field"),
            ({"action": "propose", "note": "x", "amount": "-1"}, "amount_invalid"),
            ({"action": "fly"}, "unknown_action"),
            ({"action": "propose", "note": "x", "amount": "abc"}, "invalid"),
        ],
    )
    def test_bad_inputs_are_400_with_a_code(self, api, ticket, eric, body, code):
        response = moved(api, eric, ticket, **body)
        assert (response.status_code, response.json()["code"]) == (400, code)
        assert set(response.json()) >= {"detail", "code", "fields"}
        assert TicketEvent.objects.filter(ticket=ticket).count() == 2

    def test_the_promised_day_and_rating_go_through(self, api, ticket, eric, mike, clock):
        move(ticket, eric, "propose", note="调整")
        given = moved(api, mike, ticket, action="feedback", note="已告知", deadline="2026-03-06")
        assert given.json()["feedback_due_at"] == "2026-03-06T23:59:59+08:00"
        moved(api, mike, ticket, action="review")
        closed = moved(api, mike, ticket, action="close", rating=4).json()
        assert (closed["state"], closed["rating"], closed["allowed"]) == ("closed", 4, ["reopen"])


class TestVisits:
    @pytest.fixture
    def visits(self, owner, unit, clara, clock):
        return services.visits_schedule(
            customer=owner, unit=unit, handed_over_at=timezone.now(), acting_user=clara
        )

    def test_the_consultant_lists_hers_and_records_an_issue(self, api, visits, alice, bob, clock):
        clock.move_to(timezone.now() + timedelta(days=8), tick=False)
        listed = api(alice).get("/api/visits/?project=HX01").json()
        assert [(v["offset_days"], v["due"]) for v in listed["results"]] == [
            (7, True),
            (30, False),
            (90, False),
            (365, False),
        ]
        assert api(bob).get("/api/visits/?project=HX01").json()["count"] == 0
        response = api(alice).post(
            f"/api/visits/{visits[0].pk}/outcome/",
            {"outcome": "issue", "note": "阳台门关不严", "category": "engineering"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        ticket = Ticket.objects.get()
        assert (response.json()["outcome"], response.json()["ticket"]) == ("issue", ticket.pk)
        again = api(alice).post(
            f"/api/visits/{visits[0].pk}/outcome/", {"outcome": "reached"}, format="json"
        )
        assert (again.status_code, again.json()["code"]) == (409, "visit_already_recorded")

    def test_someone_elses_visit_is_not_found(self, api, visits, bob):
        response = api(bob).post(f"/api/visits/{visits[0].pk}/outcome/", {"outcome": "reached"})
        assert (response.status_code, response.json()["code"]) == (404, "visit_not_found")


def test_the_schema_documents_the_after_sales_endpoints(api, mike):
    schema = api(mike).get("/api/schema/?format=json").json()
    for path in (
        "/api/tickets/",
        "/api/tickets/{id}/",
        "/api/tickets/{id}/transitions/",
        "/api/visits/",
        "/api/visits/{id}/outcome/",
    ):
        assert path in schema["paths"], path
    move_op = schema["paths"]["/api/tickets/{id}/transitions/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(move_op["responses"])
    ticket = schema["components"]["schemas"]["TicketOutput"]["properties"]
    assert {"state", "overdue", "solution_due_at", "feedback_due_at"} <= set(ticket)
