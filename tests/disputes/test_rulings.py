"""Ruling templates (§6, UX §5) as a pure function: one test per template, and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes.models import ViolationKind
from disputes.rulings import (
    TERMS,
    RulingTemplate,
    TemplateNotApplicable,
    applicable_templates,
    ruling_from_template,
)

SPLITS = {"complaint_reassignment_percent": 100}


def decide(template, claimant="bob", owner="alice", splits=SPLITS):
    return ruling_from_template(template, claimant=claimant, owner=owner, splits=splits)


def shares(ruling) -> dict[str, Decimal]:
    return dict(ruling.shares)


def test_keep_the_owner_gives_the_owner_everything():
    ruling = decide(RulingTemplate.KEEP_OWNER)
    assert (ruling.owner, shares(ruling), ruling.violations) == ("alice", {"alice": 100}, ())


def test_unknowing_deep_contact_that_closed_splits_half_and_half():
    ruling = decide(RulingTemplate.HALF)
    assert (ruling.owner, shares(ruling)) == ("alice", {"alice": 50, "bob": 50})
    assert ruling.violations == ()


def test_unknowing_significant_help_gives_the_helper_30_and_the_closing_owner_70():
    ruling = decide(RulingTemplate.THIRTY_SEVENTY)
    assert (ruling.owner, shares(ruling)) == ("alice", {"alice": 70, "bob": 30})


def test_a_complaint_moves_the_customer_to_the_claimant_and_fines_the_old_owner():
    ruling = decide(RulingTemplate.COMPLAINT)
    assert (ruling.owner, shares(ruling)) == ("bob", {"bob": 100})
    assert ruling.violations == (("alice", "complaint"),)


def test_a_complaint_split_follows_the_policy():
    ruling = decide(RulingTemplate.COMPLAINT, splits={"complaint_reassignment_percent": 50})
    assert shares(ruling) == {"bob": 50, "alice": 50}


def test_rejecting_leaves_the_engines_owner_with_everything():
    ruling = decide(RulingTemplate.REJECT)
    assert (ruling.owner, shares(ruling), ruling.violations) == ("alice", {"alice": 100}, ())


def test_rejecting_a_claim_on_a_household_nobody_owned_leaves_it_in_the_pool():
    ruling = decide(RulingTemplate.REJECT, owner=None)
    assert (ruling.owner, ruling.shares) == (None, ())


def test_knowing_poaching_keeps_the_owner_and_fines_the_poacher():
    ruling = decide(RulingTemplate.POACHING)
    assert (ruling.owner, shares(ruling)) == ("alice", {"alice": 100})
    assert ruling.violations == (("bob", "poaching"),)


@pytest.mark.parametrize(
    "template",
    [RulingTemplate.HALF, RulingTemplate.THIRTY_SEVENTY, RulingTemplate.COMPLAINT],
)
def test_a_split_needs_two_different_consultants(template):
    with pytest.raises(TemplateNotApplicable):
        decide(template, owner="bob")
    with pytest.raises(TemplateNotApplicable):
        decide(template, owner=None)


def test_every_template_has_its_office_word_and_the_screen_knows_which_apply():
    assert [TERMS[t] for t in RulingTemplate] == [
        "归原顾问",
        "五五分成",
        "三七分成",
        "客诉转移",
        "驳回",
        "知情抢单",
    ]
    assert applicable_templates(claimant="bob", owner=None) == {
        "keep_owner": False,
        "half": False,
        "thirty_seventy": False,
        "complaint": False,
        "reject": True,
        "poaching": False,
    }


people = st.sampled_from(["alice", "bob", "carol"])


@given(
    template=st.sampled_from(list(RulingTemplate)),
    claimant=people,
    owner=st.one_of(st.none(), people),
    percent=st.integers(min_value=0, max_value=100),
)
def test_shares_always_sum_to_100_and_are_never_negative(template, claimant, owner, percent):
    try:
        ruling = decide(
            template,
            claimant=claimant,
            owner=owner,
            splits={"complaint_reassignment_percent": percent},
        )
    except TemplateNotApplicable:
        return
    values = [p for _, p in ruling.shares]
    assert all(p >= 0 for p in values)
    assert len({who for who, _ in ruling.shares}) == len(ruling.shares)
    if ruling.owner is None:
        assert values == []
    else:
        assert sum(values) == 100
    assert all(kind in ViolationKind.values for _, kind in ruling.violations)
    assert all(who in (claimant, owner) for who, _ in ruling.violations)
