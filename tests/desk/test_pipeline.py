"""The pipeline (DOMAIN.md §2): potential → intent → negotiating → closed, or lost with a reason.
Moves by hand (the owner or serving consultant, clerks, managers), closing by a subscription,
reopening by a cancellation; every move a StageChange that is never edited; the API, the
customer page's control and its timeline."""

import re
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from customers.ledger import LedgerImmutableError
from customers.models import Customer, Stage, StageChange
from desk.pipeline import MANUAL_MOVES, allowed_moves, stage_move
from orders.services import subscription_cancel
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory
from tests.orders.conftest import make_unit, subscribe

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SH)
POT, INT, NEG, CLO, LOS = (
    Stage.POTENTIAL,
    Stage.INTENT,
    Stage.NEGOTIATING,
    Stage.CLOSED,
    Stage.LOST,
)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def customer(project, alice):
    """赵敏, registered by alice yesterday: alice owns the household."""
    customer = CustomerFactory(project=project, phone="13800138000", name="赵敏")
    RegistrationFactory(customer=customer, consultant=alice, occurred_at=NOW - timedelta(days=1))
    return customer


def at_stage(customer, *stages, user):
    for stage in stages:
        stage_move(customer=customer, to_stage=stage, reason="原因", acting_user=user)
    return customer


class TestTheMovesByHand:
    LEGAL = {(POT, INT), (INT, NEG), (POT, LOS), (INT, LOS), (NEG, LOS), (LOS, POT), (LOS, INT)}

    @pytest.mark.parametrize("current", list(Stage))
    @pytest.mark.parametrize("wanted", list(Stage))
    def test_the_table_of_legal_moves(self, current, wanted):
        assert (wanted in allowed_moves(current)) == ((current, wanted) in self.LEGAL)

    def test_a_move_records_the_change_and_the_stage_together(self, customer, alice):
        change = stage_move(customer=customer, to_stage=INT, reason="看了样板间", acting_user=alice)
        customer.refresh_from_db()
        assert customer.stage == INT
        assert (change.from_stage, change.to_stage, change.reason, change.cause) == (
            POT,
            INT,
            "看了样板间",
            "manual",
        )
        assert (change.entered_at, change.entered_by, change.project_id) == (
            NOW,
            alice,
            customer.project_id,
        )

    def test_forward_one_step_at_a_time(self, customer, alice):
        with pytest.raises(Conflict) as refused:
            stage_move(customer=customer, to_stage=NEG, acting_user=alice)
        assert refused.value.code == "illegal_stage"
        assert refused.value.extra == {"stage": POT, "to_stage": NEG, "allowed": [INT, LOS]}
        assert not StageChange.objects.exists()

    def test_nobody_closes_by_hand(self, customer, mike):
        at_stage(customer, INT, NEG, user=mike)
        with pytest.raises(Conflict) as refused:
            stage_move(customer=customer, to_stage=CLO, acting_user=mike)
        assert refused.value.code == "illegal_stage"
        assert refused.value.extra["allowed"] == [LOS]

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_lost_needs_a_reason(self, customer, alice, reason):
        with pytest.raises(DomainError) as refused:
            stage_move(customer=customer, to_stage=LOS, reason=reason, acting_user=alice)
        assert (refused.value.code, list(refused.value.fields)) == ("reason_required", ["reason"])
        assert Customer.objects.get(pk=customer.pk).stage == POT

    @pytest.mark.parametrize("back_to", [POT, INT])
    def test_a_lost_customer_is_reactivated(self, customer, alice, back_to):
        stage_move(customer=customer, to_stage=LOS, reason="预算不足", acting_user=alice)
        stage_move(customer=customer, to_stage=back_to, acting_user=alice)
        assert Customer.objects.get(pk=customer.pk).stage == back_to
        assert [(c.from_stage, c.to_stage) for c in customer.stage_changes.all()] == [
            (POT, LOS),
            (LOS, back_to),
        ]

    def test_an_unknown_stage_is_illegal(self, customer, alice):
        with pytest.raises(Conflict):
            stage_move(customer=customer, to_stage="won", acting_user=alice)


class TestWhoMoves:
    @pytest.mark.parametrize("who", ["alice", "clara", "mike"])
    def test_the_owner_a_clerk_and_a_manager(self, request, customer, who):
        user = request.getfixturevalue(who)
        assert stage_move(customer=customer, to_stage=INT, acting_user=user).entered_by == user

    def test_a_consultant_serving_the_customer_today(self, customer, bob):
        RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(hours=1))
        assert stage_move(customer=customer, to_stage=INT, acting_user=bob) is not None

    @pytest.mark.parametrize("who", ["bob", "fiona", "chan"])
    def test_nobody_else(self, request, customer, who):
        with pytest.raises(NotPermitted):
            stage_move(customer=customer, to_stage=INT, acting_user=request.getfixturevalue(who))
        assert not StageChange.objects.exists()

    def test_not_a_manager_of_another_project(self, customer):
        other = ProjectFactory(code="QT02")
        stranger = UserFactory(username="boss", role="manager", project=other)
        with pytest.raises(NotPermitted):
            stage_move(customer=customer, to_stage=INT, acting_user=stranger)


class TestDealsMoveTheStage:
    def subscribe(self, project, customer, alice, room="301"):
        return subscribe(make_unit(project, room=room), customer, alice).subscription

    @pytest.mark.parametrize("start", [(), (INT,), (INT, NEG), (LOS,)])
    def test_a_subscription_closes_the_customer_from_any_stage(
        self, project, customer, alice, start
    ):
        at_stage(customer, *start, user=alice)
        deal = self.subscribe(project, customer, alice)
        customer.refresh_from_db()
        assert customer.stage == CLO
        change = customer.stage_changes.last()
        assert (change.to_stage, change.cause, change.entered_by) == (
            CLO,
            f"subscription:{deal.pk}",
            alice,
        )

    def test_a_second_unit_records_no_second_close(self, project, customer, alice):
        self.subscribe(project, customer, alice)
        self.subscribe(project, customer, alice, room="302")
        assert customer.stage_changes.filter(to_stage=CLO).count() == 1

    def test_the_cancellation_reopens_to_negotiating(self, project, customer, alice, mike):
        deal = self.subscribe(project, customer, alice)
        cancellation, _verdict = subscription_cancel(
            subscription=deal, reason="客户资金问题", acting_user=mike
        )
        customer.refresh_from_db()
        assert customer.stage == NEG
        change = customer.stage_changes.last()
        assert (change.from_stage, change.to_stage, change.cause) == (
            CLO,
            NEG,
            f"cancellation:{cancellation.pk}",
        )

    def test_while_another_deal_stands_the_customer_stays_closed(
        self, project, customer, alice, mike
    ):
        first = self.subscribe(project, customer, alice)
        self.subscribe(project, customer, alice, room="302")
        subscription_cancel(subscription=first, reason="换房", acting_user=mike)
        assert Customer.objects.get(pk=customer.pk).stage == CLO
        assert not customer.stage_changes.filter(to_stage=NEG).exists()

    def test_a_deal_event_must_name_a_live_deal_of_the_customer(self, customer, alice):
        with pytest.raises(DomainError) as refused:
            stage_move(customer=customer, to_stage=CLO, cause="subscription:999", acting_user=alice)
        assert refused.value.code == "invalid_cause"
        with pytest.raises(DomainError):
            stage_move(customer=customer, to_stage=CLO, cause="whatever", acting_user=alice)


class TestTheLedgerIsNeverEdited:
    def test_the_model_and_the_queryset_refuse(self, customer, alice):
        change = stage_move(customer=customer, to_stage=INT, acting_user=alice)
        change.reason = "改一改"
        with pytest.raises(LedgerImmutableError):
            change.save()
        with pytest.raises(LedgerImmutableError):
            StageChange.objects.filter(pk=change.pk).update(reason="改一改")
        with pytest.raises(LedgerImmutableError):
            change.delete()

    def test_the_database_refuses_raw_sql(self, customer, alice):
        change = stage_move(customer=customer, to_stage=INT, acting_user=alice)
        refused = pytest.raises((InternalError, ProgrammingError))
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_stagechange SET to_stage = 'closed' WHERE id = %s", [change.pk]
            )


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_one_customer_at_once_are_applied_one_after_the_other():
    project = ProjectFactory(code="RACE")
    clerk = UserFactory(role="clerk", project=project)
    manager = UserFactory(role="manager", project=project)
    customer = CustomerFactory(project=project)
    barrier = threading.Barrier(2)
    outcomes = []

    def move(user):
        try:
            barrier.wait()
            stage_move(
                customer=Customer.objects.get(pk=customer.pk), to_stage=INT, acting_user=user
            )
            outcomes.append("moved")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(u,)) for u in (clerk, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["illegal_stage", "moved"]
    assert [(c.from_stage, c.to_stage) for c in StageChange.objects.all()] == [(POT, INT)]


class TestTheApi:
    def path(self, customer):
        return f"/api/customers/{customer.pk}/stage/"

    def test_a_move(self, api, customer, alice):
        response = api(alice).post(self.path(customer), {"stage": "intent", "reason": "看房"})
        assert response.status_code == 201
        body = response.json()
        assert (body["stage"], body["allowed"]) == ("intent", ["negotiating", "lost"])
        assert body["change"]["from_stage"] == "potential"
        assert body["change"]["entered_by"] == {"username": "alice", "name": "王芳"}
        assert body["change"]["entered_at"] == "2026-03-02T15:00:00+08:00"

    def test_the_history_and_the_viewers_moves(self, api, customer, alice, fiona):
        at_stage(customer, INT, NEG, user=alice)
        body = api(alice).get(self.path(customer)).json()
        assert [(c["from_stage"], c["to_stage"]) for c in body["history"]] == [
            (POT, INT),
            (INT, NEG),
        ]
        assert body["allowed"] == ["lost"]
        assert api(fiona).get(self.path(customer)).json()["allowed"] == []

    @pytest.mark.parametrize(
        ("who", "data", "status", "code"),
        [
            ("alice", {"stage": "closed"}, 409, "illegal_stage"),
            ("alice", {"stage": "lost"}, 400, "reason_required"),
            ("alice", {"stage": "won"}, 400, "invalid"),
            ("bob", {"stage": "intent"}, 404, "not_found"),
            ("fiona", {"stage": "intent"}, 403, "not_permitted"),
            ("chan", {"stage": "intent"}, 403, "not_permitted"),
        ],
    )
    def test_refusals(self, request, api, customer, who, data, status, code):
        response = api(request.getfixturevalue(who)).post(self.path(customer), data)
        assert (response.status_code, response.json()["code"]) == (status, code)

    def test_an_illegal_move_names_the_legal_ones(self, api, customer, alice):
        body = api(alice).post(self.path(customer), {"stage": "negotiating"}).json()
        assert body["allowed"] == ["intent", "lost"]

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_moves_are_not_edited(self, api, customer, mike, method):
        assert getattr(api(mike), method)(self.path(customer)).status_code == 405


class TestTheCustomerPage:
    def test_the_control_offers_the_legal_moves(self, client, customer, alice):
        client.force_login(alice)
        html = client.get(f"/customers/{customer.pk}/").content.decode()
        assert re.findall(r'data-testid="stage-move-(\w+)"', html) == ["intent", "lost"]

    def test_a_move_swaps_the_body_with_a_notice_and_the_history(self, client, customer, alice):
        client.force_login(alice)
        response = client.post(f"/customers/{customer.pk}/stage/", {"to_stage": "intent"}, **HX)
        html = response.content.decode()
        assert 'data-testid="stage-notice"' in html
        assert 'data-testid="timeline-stage"' in html
        assert 'data-stage="intent"' in html

    def test_a_refusal_is_said_next_to_the_control(self, client, customer, alice):
        client.force_login(alice)
        response = client.post(f"/customers/{customer.pk}/stage/", {"to_stage": "lost"}, **HX)
        assert response.status_code == 200
        assert 'data-testid="stage-error"' in response.content.decode()
        assert Customer.objects.get(pk=customer.pk).stage == POT

    def test_without_htmx_the_page_is_reloaded(self, client, customer, mike):
        client.force_login(mike)
        response = client.post(f"/customers/{customer.pk}/stage/", {"to_stage": "intent"})
        assert response.status_code == 302
        assert Customer.objects.get(pk=customer.pk).stage == INT

    def test_finance_sees_the_stage_without_a_control(self, client, customer, fiona):
        client.force_login(fiona)
        html = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="customer-stage"' in html
        assert 'data-testid="stage-control"' not in html

    def test_a_closed_customer_says_how_it_reopens(self, client, project, customer, alice):
        subscribe(make_unit(project), customer, alice, deposit=Decimal("10000.00"))
        client.force_login(alice)
        html = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="stage-closed-hint"' in html
        assert 'data-testid="timeline-stage-cause"' in html


def test_every_stage_has_its_moves_listed():
    assert set(MANUAL_MOVES) == set(Stage.values)
