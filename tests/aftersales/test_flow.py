"""The flow of seed 002 as pure functions: the moves, who makes them, and the fold of the events
into the ticket's state, due dates and amounts (no database, no clock)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales import flow
from aftersales.models import Action, TicketState

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
STATES = (
    flow.NEW,
    flow.ROUTED,
    flow.SOLUTION_PROPOSED,
    flow.COST_ESTIMATED,
    flow.COSTED,
    flow.APPROVED,
    flow.FEEDBACK_GIVEN,
    flow.REVIEWED,
    flow.CLOSED,
)
# The whole table, written out once more by hand: a change to the flow must change this too.
LEGAL = {
    flow.NEW: {"route"},
    flow.ROUTED: {"route", "propose"},
    flow.SOLUTION_PROPOSED: {"estimate", "feedback"},
    flow.COST_ESTIMATED: {"cost"},
    flow.COSTED: {"approve", "decline"},
    flow.APPROVED: {"feedback"},
    flow.FEEDBACK_GIVEN: {"review"},
    flow.REVIEWED: {"close"},
    flow.CLOSED: {"reopen"},
}
TARGET = {
    "route": flow.ROUTED,
    "propose": flow.SOLUTION_PROPOSED,
    "estimate": flow.COST_ESTIMATED,
    "cost": flow.COSTED,
    "approve": flow.APPROVED,
    "decline": flow.ROUTED,
    "feedback": flow.FEEDBACK_GIVEN,
    "review": flow.REVIEWED,
    "close": flow.CLOSED,
    "reopen": flow.ROUTED,
}


def test_the_flows_states_and_actions_are_the_models():
    assert set(STATES) == set(TicketState.values)
    assert set(flow.ACTIONS) | {"open"} == set(Action.values)


@pytest.mark.parametrize("state", STATES)
def test_the_legal_moves_from_each_state(state):
    assert set(flow.allowed_actions(state)) == LEGAL[state]
    for action in flow.ACTIONS:
        assert flow.is_legal(state, action) == (action in LEGAL[state])


@pytest.mark.parametrize("action", flow.ACTIONS)
def test_each_move_leads_to_its_state(action):
    assert flow.MOVES[action].target == TARGET[action]


def test_an_unknown_action_is_legal_nowhere():
    assert not any(flow.is_legal(state, "delete") for state in STATES)


class TestWhoMoves:
    def test_each_department_works_its_own_queue(self):
        assert flow.roles_for("propose", "engineering") == ("engineering",)
        assert flow.roles_for("estimate", "property") == ("property",)
        assert flow.roles_for("propose", "sales") == ("clerk", "manager")
        assert flow.roles_for("propose", "other") == ("clerk", "manager")

    def test_finance_costs_managers_decide_the_desk_reopens(self):
        assert flow.roles_for("cost", "engineering") == ("finance",)
        for action in ("route", "approve", "decline", "feedback", "review", "close"):
            assert flow.roles_for(action, "engineering") == ("manager",)
        assert set(flow.roles_for("reopen", "property")) == {"consultant", "clerk", "manager"}


class TestTheSevenDaySolution:
    """Routed on local day D → due through D + 7 23:59:59 in Shanghai, whatever UTC says."""

    def test_routed_late_in_the_evening_the_week_ends_at_the_local_midnight(self):
        routed = datetime(2026, 3, 2, 23, 30, tzinfo=SH)  # 15:30 UTC, still 2 March in UTC
        assert flow.solution_due(routed, SH) == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)

    def test_just_after_local_midnight_counts_from_the_new_local_day(self):
        routed = datetime(2026, 3, 3, 0, 10, tzinfo=SH)  # 2 March 16:10 UTC
        assert flow.solution_due(routed, SH) == datetime(2026, 3, 10, 23, 59, 59, tzinfo=SH)

    def test_overdue_from_the_first_second_of_the_eighth_day(self):
        summary = flow.summary_of([step("open", flow.NEW), step("route", flow.ROUTED)], SH)
        last = datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)
        assert flow.overdue(summary, last) == ()
        assert flow.overdue(summary, last + timedelta(seconds=1)) == (flow.SOLUTION_LATE,)

    def test_a_proposed_solution_is_no_longer_late(self):
        steps = [step("route", flow.ROUTED), step("propose", flow.SOLUTION_PROPOSED)]
        assert flow.overdue(flow.summary_of(steps, SH), T0 + timedelta(days=30)) == ()


def step(action, to_state, at=T0, **fields):
    return flow.Step(action, to_state, at, **fields)


class TestTheFold:
    def test_the_cost_path_keeps_the_estimate_and_finances_amount(self):
        steps = [
            step("open", flow.NEW),
            step("route", flow.ROUTED, category="engineering"),
            step("propose", flow.SOLUTION_PROPOSED),
            step("estimate", flow.COST_ESTIMATED, amount=Decimal("1200.00")),
            step("cost", flow.COSTED, amount=Decimal("1150.50")),
            step("approve", flow.APPROVED),
            step("feedback", flow.FEEDBACK_GIVEN, deadline=date(2026, 3, 20)),
        ]
        summary = flow.summary_of(steps, SH)
        assert summary.state == flow.FEEDBACK_GIVEN
        assert summary.category == "engineering"
        assert (summary.estimated_cost, summary.costed_amount) == (
            Decimal("1200.00"),
            Decimal("1150.50"),
        )
        assert summary.feedback_due == datetime(2026, 3, 20, 23, 59, 59, tzinfo=SH)
        assert flow.overdue(summary, datetime(2026, 3, 21, 0, 0, tzinfo=SH)) == (
            flow.FEEDBACK_LATE,
        )

    def test_closing_records_the_rating_and_a_reopening_starts_a_new_round(self):
        closed_at = T0 + timedelta(days=3)
        steps = [
            step("route", flow.ROUTED, category="property"),
            step("propose", flow.SOLUTION_PROPOSED),
            step("feedback", flow.FEEDBACK_GIVEN, deadline=date(2026, 3, 4)),
            step("review", flow.REVIEWED),
            step("close", flow.CLOSED, at=closed_at, rating=4),
        ]
        closed = flow.summary_of(steps, SH)
        assert (closed.rating, closed.closed_at, flow.overdue(closed, T0 + timedelta(days=99))) == (
            4,
            closed_at,
            (),
        )
        reopened_at = T0 + timedelta(days=10)
        again = flow.summary_of([*steps, step("reopen", flow.ROUTED, at=reopened_at)], SH)
        assert (again.state, again.rating, again.closed_at, again.feedback_due) == (
            flow.ROUTED,
            None,
            None,
            None,
        )
        assert again.solution_due == flow.solution_due(reopened_at, SH)
        assert again.category == "property"

    def test_a_declined_cost_sends_it_back_for_a_new_solution_within_a_new_week(self):
        declined_at = T0 + timedelta(days=5)
        steps = [
            step("route", flow.ROUTED, category="engineering"),
            step("propose", flow.SOLUTION_PROPOSED),
            step("estimate", flow.COST_ESTIMATED, amount=Decimal("9000")),
            step("cost", flow.COSTED, amount=Decimal("9000")),
            step("decline", flow.ROUTED, at=declined_at),
        ]
        summary = flow.summary_of(steps, SH)
        assert (summary.state, summary.estimated_cost, summary.costed_amount) == (
            flow.ROUTED,
            None,
            None,
        )
        assert summary.solution_due == datetime(2026, 3, 14, 23, 59, 59, tzinfo=SH)


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=40), st.integers(0, 600))
def test_any_walk_of_legal_moves_ends_where_its_last_move_went(choices, minutes):
    """Whatever legal path a ticket takes, the fold's state is the last event's target, its
    category never empties once routed, and only an unclosed ticket can be late."""
    steps = [step("open", flow.NEW), step("route", flow.ROUTED, category="engineering")]
    state, at = flow.ROUTED, T0
    for choice in choices:
        actions = flow.allowed_actions(state)
        action = actions[choice % len(actions)]
        at += timedelta(minutes=minutes)
        state = flow.MOVES[action].target
        steps.append(
            step(
                action,
                state,
                at=at,
                category="engineering" if action == "route" else "",
                amount=Decimal("10") if "amount" in flow.MOVES[action].needs else None,
                deadline=at.date() if action == "feedback" else None,
                rating=3 if action == "close" else None,
            )
        )
    summary = flow.summary_of(steps, SH)
    assert summary.state == state
    assert summary.category == "engineering"
    assert (summary.rating is not None) == (state == flow.CLOSED)
    if state in (flow.CLOSED, flow.SOLUTION_PROPOSED, flow.COST_ESTIMATED, flow.COSTED):
        assert flow.overdue(summary, at + timedelta(days=400)) == ()
