"""Rulings (M), appeals and the state machine of a dispute (§7): who may decide, what a ruling
writes to the ledger, and what an appeal's outcome fines."""

from datetime import timedelta
from decimal import Decimal

import pytest

from attribution.models import Assignment
from attribution.selectors import household_verdict
from commission.rules import Share
from commission.selectors import current_shares
from disputes.decisions import (
    RulingInput,
    dispute_final_rule,
    dispute_rule,
    ruling_input_from_template,
)
from disputes.flow import dispute_appeal, dispute_review
from disputes.models import Dispute, DisputeKind, DisputeState, DisputeStep, Violation
from disputes.opening import dispute_open
from disputes.selectors import violations_of_month
from projects.models import Notification
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.disputes.conftest import DAY1, register, subscribe
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def rule(dispute, manager, template="half", reason="双方都有接触"):
    ruling = ruling_input_from_template(dispute=dispute, template=template, reason=reason)
    return dispute_rule(dispute=dispute, ruling=ruling, acting_user=manager)


def fines(kind=None):
    """The violations in force: recorded and not withdrawn."""
    rows = Violation.objects.filter(withdrawal__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted((v.staff.username, v.kind, v.amount) for v in rows)


class TestRuling:
    def test_a_ruling_is_a_step_and_an_m_assignment_that_the_basis_shows(self, dispute, mike):
        assert household_verdict(dispute.household).status == "disputed"
        step = rule(dispute, mike, "complaint", "客户投诉原顾问")
        dispute.refresh_from_db()
        assert (dispute.state, step.kind, step.template, step.owner.username) == (
            DisputeState.RULED,
            "ruling",
            "complaint",
            "bob",
        )
        assignment = Assignment.objects.get(household=dispute.household)
        assert (assignment.rule, assignment.consultant.username, assignment.effective_at) == (
            "M",
            "bob",
            step.entered_at,
        )
        verdict = household_verdict(dispute.household)
        assert (verdict.owner, verdict.status) == ("bob", "active")
        assert verdict.basis[0].rule == "M"

    def test_the_templates_violations_take_the_policys_amounts(self, dispute, mike):
        rule(dispute, mike, "complaint")
        assert fines() == [("alice", "complaint", Decimal("100.00"))]

    def test_knowing_poaching_fines_the_poacher_and_the_owner_keeps_it(self, dispute, mike):
        rule(dispute, mike, "poaching", "明知是王芳的客户")
        assert fines() == [("bob", "poaching", Decimal("1000.00"))]
        assert household_verdict(dispute.household).owner == "alice"

    def test_a_ruling_sets_the_shares_of_the_live_deal(self, dispute, mike, bob, clock):
        subscription = subscribe(dispute.project, dispute.customer, bob, DAY1)
        step = rule(dispute, mike, "half")
        shares = {(s.consultant.username, s.percent) for s in current_shares(subscription)}
        assert shares == {("alice", Decimal("50.00")), ("bob", Decimal("50.00"))}
        split = subscription.commission_splits.get(source="ruling")
        assert split.step == step

    def test_without_a_deal_the_shares_stay_on_the_step(self, dispute, mike):
        step = rule(dispute, mike, "thirty_seventy")
        assert step.shares == [
            {"consultant": "alice", "percent": "70.00"},
            {"consultant": "bob", "percent": "30.00"},
        ]

    def test_shares_that_do_not_sum_to_100_are_refused(self, dispute, mike, alice, bob):
        ruling = RulingInput(
            owner=alice,
            reason="分成",
            shares=[Share(Decimal(60), consultant=alice), Share(Decimal(30), consultant=bob)],
        )
        with pytest.raises(DomainError) as refused:
            dispute_rule(dispute=dispute, ruling=ruling, acting_user=mike)
        assert refused.value.code == "shares_invalid"
        assert not DisputeStep.objects.exists()

    def test_a_ruling_needs_a_reason(self, dispute, mike):
        with pytest.raises(DomainError) as refused:
            rule(dispute, mike, "half", reason="  ")
        assert refused.value.code == "reason_required"

    def test_an_unknown_violation_kind_is_refused(self, dispute, mike, alice, bob):
        ruling = RulingInput(owner=alice, reason="罚款", violations=[(bob, "speeding")])
        with pytest.raises(DomainError) as refused:
            dispute_rule(dispute=dispute, ruling=ruling, acting_user=mike)
        assert refused.value.code == "unknown_violation_kind"

    def test_the_parties_are_told_of_the_ruling(self, dispute, mike):
        rule(dispute, mike)
        told = Notification.objects.filter(kind="dispute_ruled")
        assert sorted(n.recipient.username for n in told) == ["alice", "bob"]


class TestWhoDecides:
    def test_a_consultant_cannot_rule(self, dispute, alice):
        with pytest.raises(NotPermitted):
            rule(dispute, alice)

    def test_a_manager_who_opened_it_is_a_party_and_cannot_rule(self, household, bob, mike):
        opened = dispute_open(household=household, claimant=bob, reason="代开", acting_user=mike)
        with pytest.raises(NotPermitted) as refused:
            rule(opened, mike)
        assert refused.value.code == "not_permitted"
        with pytest.raises(NotPermitted):
            dispute_review(dispute=opened, note="看过", acting_user=mike)

    def test_the_first_ruler_does_not_decide_the_appeal(self, dispute, mike, nina, alice):
        rule(dispute, mike)
        dispute_appeal(dispute=dispute, reason="我不服", acting_user=alice)
        with pytest.raises(NotPermitted):
            dispute_final_rule(dispute=dispute, ruling=None, reason="维持", acting_user=mike)

    def test_only_a_party_appeals(self, dispute, mike, nina):
        rule(dispute, mike)
        with pytest.raises(NotPermitted):
            dispute_appeal(dispute=dispute, reason="我替他不服", acting_user=nina)


class TestStateMachine:
    def test_review_then_ruling(self, dispute, mike, nina):
        dispute_review(dispute=dispute, note="双方材料已收", acting_user=nina)
        dispute.refresh_from_db()
        assert dispute.state == DisputeState.REVIEWED
        rule(dispute, mike)
        dispute.refresh_from_db()
        assert dispute.state == DisputeState.RULED

    @pytest.mark.parametrize(
        ("moves", "move", "code"),
        [
            ([], "appeal", "not_appealable"),
            ([], "final", "not_appealed"),
            (["rule"], "rule", "dispute_closed"),
            (["rule"], "review", "not_reviewable"),
            (["review"], "review", "not_reviewable"),
            (["rule", "appeal"], "rule", "appeal_pending"),
            (["rule", "appeal"], "appeal", "not_appealable"),
            (["rule", "appeal", "final"], "final", "dispute_closed"),
            (["rule", "appeal", "final"], "appeal", "dispute_closed"),
        ],
    )
    def test_illegal_moves_are_refused_with_a_code(
        self, dispute, mike, nina, alice, moves, move, code
    ):
        def do(name):
            if name == "rule":
                rule(dispute, mike)
            elif name == "review":
                dispute_review(dispute=dispute, note="看过", acting_user=nina)
            elif name == "appeal":
                dispute_appeal(dispute=dispute, reason="不服", acting_user=alice)
            else:
                dispute_final_rule(dispute=dispute, ruling=None, reason="维持", acting_user=nina)
            dispute.refresh_from_db()

        for name in moves:
            do(name)
        with pytest.raises(Conflict) as refused:
            do(move)
        assert refused.value.code == code


class TestAppeal:
    def test_an_appeal_disputes_the_household_again_until_the_final_ruling(
        self, dispute, mike, nina, alice, clock
    ):
        rule(dispute, mike, "complaint")
        assert household_verdict(dispute.household).status == "active"
        clock.move_to(DAY1 + timedelta(hours=6))
        dispute_appeal(dispute=dispute, reason="客户并未投诉", acting_user=alice)
        assert household_verdict(dispute.household).status == "disputed"
        told = Notification.objects.filter(kind="dispute_appealed")
        assert {n.recipient.username for n in told} == {"alice", "bob", "mike", "nina"}
        clock.move_to(DAY1 + timedelta(hours=7))
        dispute_final_rule(dispute=dispute, ruling=None, reason="投诉属实", acting_user=nina)
        assert household_verdict(dispute.household).status == "active"

    def test_an_upheld_ruling_fines_the_appellant(self, dispute, mike, nina, alice):
        rule(dispute, mike, "half")
        dispute_appeal(dispute=dispute, reason="不服", acting_user=alice)
        step = dispute_final_rule(dispute=dispute, ruling=None, reason="维持", acting_user=nina)
        assert (step.kind, step.template, step.owner.username) == ("final_ruling", "half", "alice")
        assert fines() == [("alice", "rejected_appeal", Decimal("400.00"))]
        assert Dispute.objects.get().state == DisputeState.FINAL

    def test_the_same_decision_by_template_counts_as_upheld(self, dispute, mike, nina, bob):
        rule(dispute, mike, "half")
        dispute_appeal(dispute=dispute, reason="不服", acting_user=bob)
        ruling = ruling_input_from_template(dispute=dispute, template="half", reason="同意原裁决")
        dispute_final_rule(dispute=dispute, ruling=ruling, acting_user=nina)
        assert fines() == [("bob", "rejected_appeal", Decimal("400.00"))]

    def test_an_overturned_ruling_fines_the_first_ruler(self, dispute, mike, nina, alice):
        rule(dispute, mike, "complaint")
        dispute_appeal(dispute=dispute, reason="客户没有投诉", acting_user=alice)
        ruling = ruling_input_from_template(dispute=dispute, template="keep_owner", reason="改判")
        dispute_final_rule(dispute=dispute, ruling=ruling, acting_user=nina)
        assert fines() == [("mike", "overturned_ruling", Decimal("500.00"))]
        verdict = household_verdict(dispute.household)
        assert (verdict.owner, verdict.basis[0].rule) == ("alice", "M")

    def test_an_overturned_rulings_fine_is_withdrawn_and_kept_in_the_ledger(
        self, dispute, mike, nina, alice, clock
    ):
        rule(dispute, mike, "complaint")
        dispute_appeal(dispute=dispute, reason="客户没有投诉", acting_user=alice)
        ruling = ruling_input_from_template(dispute=dispute, template="keep_owner", reason="改判")
        dispute_final_rule(dispute=dispute, ruling=ruling, acting_user=nina)

        complaint = Violation.objects.get(staff=alice, kind="complaint")
        assert complaint.withdrawal.entered_by == nina
        assert str(dispute.pk) in complaint.withdrawal.reason
        month = violations_of_month(project=dispute.project, month=None)
        assert [(t.staff.username, t.amount) for t in month.totals] == [("mike", Decimal("500.00"))]

    def test_a_fine_the_final_ruling_repeats_stays(self, dispute, mike, nina, bob):
        rule(dispute, mike, "complaint")
        dispute_appeal(dispute=dispute, reason="不服", acting_user=bob)
        dispute_final_rule(dispute=dispute, ruling=None, reason="维持", acting_user=nina)
        assert ("alice", "complaint", Decimal("100.00")) in fines()


def test_a_manager_who_entered_a_colliding_registration_is_no_party_to_it(clock):
    """Same-day collisions go to the manager (confirmation-10d): the rule opened the dispute,
    not the manager who happened to enter the second registration for a consultant."""
    project = ProjectFactory(code="C10", policy="confirmation-10d")
    ann, ben = (UserFactory(username=u, role="consultant", project=project) for u in ("ann", "ben"))
    boss = UserFactory(username="boss", role="manager", project=project)
    register(ann, project, DAY1)
    clock.move_to(DAY1 + timedelta(hours=2))
    register(ben, project, DAY1 + timedelta(hours=2), acting_user=boss)
    dispute = Dispute.objects.get()
    assert (dispute.kind, dispute.opened_by, dispute.parties) == (
        DisputeKind.SAME_DAY,
        boss,
        {ann.pk, ben.pk},
    )
    step = rule(dispute, boss, "keep_owner", "安娜先登记")
    assert step.owner == ann
