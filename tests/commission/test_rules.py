"""Commission at deal time (§6) as a pure function: one test per rule, then properties."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from attribution.policy import DEFAULT_SPLITS
from commission.rules import DealFacts, Share, deal_shares

SPLITS = dict(DEFAULT_SPLITS)


def split(facts: DealFacts, splits=SPLITS) -> dict[str, str]:
    """{party: percent} for short assertions; a channel's party is ``channel:<name>``."""
    return {
        (s.consultant or f"channel:{s.channel}"): str(s.percent) for s in deal_shares(facts, splits)
    }


def test_no_helper_owner_keeps_100():
    assert split(DealFacts(owner="alice", closer="alice")) == {"alice": "100.00"}


def test_owner_absent_someone_else_takes_the_first_valid_deposit_50_50():
    facts = DealFacts(owner="alice", closer="bob", owner_absent=True)
    assert split(facts) == {"bob": "50.00", "alice": "50.00"}


def test_owner_absent_taker_share_follows_the_policy():
    facts = DealFacts(owner="alice", closer="bob", owner_absent=True)
    splits = {**SPLITS, "owner_absent_taker_percent": 40}
    assert split(facts, splits) == {"bob": "40.00", "alice": "60.00"}


def test_a10_deposit_only_is_obligation_reception_owner_keeps_100():
    facts = DealFacts(owner="alice", closer="bob", owner_absent=True, deposit_only=True)
    assert split(facts) == {"alice": "100.00"}


def test_owner_closes_assisted_by_a_helper_70_30():
    facts = DealFacts(owner="alice", closer="alice", assisted_by="bob")
    assert split(facts) == {"alice": "70.00", "bob": "30.00"}


def test_helper_share_follows_the_policy():
    facts = DealFacts(owner="alice", closer="alice", assisted_by="bob")
    assert split(facts, {**SPLITS, "helper_percent": 25}) == {"alice": "75.00", "bob": "25.00"}


def test_a8_collision_closer_is_not_the_live_owner_owner_keeps_100_provisionally():
    facts = DealFacts(owner="alice", closer="bob", collision=True)
    assert split(facts) == {"alice": "100.00"}


def test_a8_collision_wins_over_a_helper_and_an_absence_claim():
    facts = DealFacts(owner="alice", closer="bob", assisted_by="carol", collision=True)
    assert split(facts) == {"alice": "100.00"}


def test_a8_an_earlier_registrant_keeping_the_deal_takes_100():
    # The engine kept the household with the earlier registrant (no live claim, no collision).
    assert split(DealFacts(owner="alice", closer="bob")) == {"alice": "100.00"}


def test_owner_absent_flag_is_ignored_when_the_owner_closes_themself():
    facts = DealFacts(owner="alice", closer="alice", owner_absent=True)
    assert split(facts) == {"alice": "100.00"}


def test_a_helper_who_is_the_owner_is_no_helper():
    assert split(DealFacts(owner="alice", closer="alice", assisted_by="alice")) == {
        "alice": "100.00"
    }


def test_without_an_owner_the_closer_takes_100():
    assert split(DealFacts(owner=None, closer="bob")) == {"bob": "100.00"}


def test_a13_channel_protected_household_channel_takes_its_agreement_percent():
    facts = DealFacts(owner="alice", closer="alice", channel="链家", channel_percent=Decimal("20"))
    assert split(facts) == {"channel:链家": "20.00", "alice": "80.00"}


def test_a13_consultants_split_the_rest_in_their_ratio():
    facts = DealFacts(
        owner="alice",
        closer="bob",
        owner_absent=True,
        channel="链家",
        channel_percent=Decimal("20"),
    )
    assert split(facts) == {"channel:链家": "20.00", "bob": "40.00", "alice": "40.00"}


def test_a13_rounding_the_last_share_absorbs_the_remainder():
    facts = DealFacts(
        owner="alice",
        closer="alice",
        assisted_by="bob",
        channel="链家",
        channel_percent=Decimal("33.33"),
    )
    # 66.67 × 70 % = 46.669 → 46.66; the helper, last, takes 66.67 − 46.66 = 20.01.
    assert split(facts) == {"channel:链家": "33.33", "alice": "46.66", "bob": "20.01"}


def test_a13_a_channel_without_an_agreement_share_takes_nothing():
    facts = DealFacts(owner="alice", closer="alice", channel="链家", channel_percent=None)
    assert split(facts) == {"alice": "100.00"}


def test_a_split_of_zero_percent_is_no_share():
    facts = DealFacts(owner="alice", closer="alice", assisted_by="bob")
    assert split(facts, {**SPLITS, "helper_percent": 0}) == {"alice": "100.00"}


def test_shares_carry_their_role():
    facts = DealFacts(
        owner="alice", closer="bob", owner_absent=True, channel="链家", channel_percent=Decimal(10)
    )
    roles = {s.role for s in deal_shares(facts, SPLITS)}
    assert roles == {"channel", "taker", "owner"}


# -- properties ---------------------------------------------------------------------------------

people = st.sampled_from(["alice", "bob", "carol"])
percents = st.decimals(min_value=0, max_value=100, places=2)
facts_strategy = st.builds(
    DealFacts,
    owner=st.one_of(st.none(), people),
    closer=people,
    owner_absent=st.booleans(),
    deposit_only=st.booleans(),
    assisted_by=st.one_of(st.none(), people),
    collision=st.booleans(),
    channel=st.one_of(st.none(), st.just("链家")),
    channel_percent=st.one_of(st.none(), st.decimals(min_value=-5, max_value=120, places=3)),
)
splits_strategy = st.fixed_dictionaries(
    {name: st.integers(min_value=0, max_value=100) for name in DEFAULT_SPLITS}
)


@given(facts_strategy, splits_strategy)
def test_shares_always_sum_to_exactly_100(facts, splits):
    assert sum(s.percent for s in deal_shares(facts, splits)) == Decimal("100.00")


@given(facts_strategy, splits_strategy)
def test_shares_are_never_negative_and_have_two_places(facts, splits):
    for share in deal_shares(facts, splits):
        assert Decimal(0) < share.percent <= Decimal(100)
        assert share.percent == share.percent.quantize(Decimal("0.01"))


@given(facts_strategy, splits_strategy)
def test_each_party_has_at_most_one_share(facts, splits):
    shares = deal_shares(facts, splits)
    parties = [(s.consultant, s.channel) for s in shares]
    assert len(parties) == len(set(parties))
    assert all(isinstance(s, Share) and (s.consultant or s.channel) for s in shares)


@given(facts_strategy, splits_strategy)
def test_the_channel_takes_exactly_its_agreement_percent(facts, splits):
    shares = deal_shares(facts, splits)
    channel = sum((s.percent for s in shares if s.channel), Decimal(0))
    if facts.channel and facts.channel_percent is not None:
        agreed = facts.channel_percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        expected = min(max(agreed, Decimal(0)), Decimal(100))
        assert channel == expected
    else:
        assert channel == 0


@given(facts_strategy, splits_strategy)
def test_only_the_owner_closer_and_helper_share(facts, splits):
    allowed = {facts.owner or facts.closer, facts.closer, facts.assisted_by}
    for share in deal_shares(facts, splits):
        assert share.channel or share.consultant in allowed


@given(facts_strategy.filter(lambda f: f.collision or f.deposit_only), splits_strategy)
def test_a_collision_or_a_deposit_only_deal_leaves_every_consultant_percent_to_the_owner(
    facts, splits
):
    consultants = {s.consultant for s in deal_shares(facts, splits) if s.consultant}
    assert consultants <= {facts.owner or facts.closer}
