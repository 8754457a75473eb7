"""The engine, rule by rule (DOMAIN.md §3–§4). No database: ledgers are written as facts."""

from datetime import datetime

import pytest

from attribution.facts import PolicyFact
from attribution.policy import build_policy
from tests.attribution.ledgers import EPOCH, SH, Book, policies, rules, t

A, B, C = "wangfang", "liqiang", "zhaolei"


# -- A1 first reception ------------------------------------------------------------------------


def test_a1_first_valid_registration_owns_the_household():
    book = Book()
    first = book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-03 11:00")
    verdict = book.at("2026-03-04 09:00")
    assert (verdict.owner, verdict.status, verdict.since) == (A, "active", t("2026-03-02 10:00"))
    assert verdict.basis[0].rule == "A1" and verdict.basis[0].event.id == first.id


def test_a1_invalid_registration_establishes_nothing():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", valid=False)
    book.reg(1, B, "2026-03-02 15:00")
    assert book.at("2026-03-03 09:00").owner == B


def test_a1_exact_tie_goes_to_the_one_entered_first():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", entered="2026-03-02 10:05")
    book.reg(1, A, "2026-03-02 10:00", entered="2026-03-02 10:01")
    assert book.at("2026-03-02 12:00").owner == A


def test_a1_any_member_of_the_household_counts():
    book = Book()
    book.reg(2, A, "2026-03-01 10:00")
    book.link(1, 2, "2026-03-02 09:00")
    book.reg(1, B, "2026-03-02 10:00")
    assert book.at("2026-03-02 12:00").owner == A


def test_a1_same_day_collision_goes_to_the_manager_when_the_policy_says_so():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-02 16:00")
    verdict = book.at("2026-03-02 18:00", policy=policies("confirmation-10d"))
    assert (verdict.owner, verdict.status) == (A, "disputed")
    assert verdict.basis[-1].params["collision"] is True


def test_a1_same_day_double_registration_under_first_keeps_the_first():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-02 16:00")
    assert (book.at("2026-03-02 18:00").owner, book.at("2026-03-02 18:00").status) == (A, "active")


def test_a1_a_registration_on_a_later_day_is_no_collision():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-02 16:00")
    verdict = book.at("2026-03-02 18:00", policy=policies("confirmation-10d"))
    assert (verdict.owner, verdict.status) == (A, "active")


def test_m_a_ruling_ends_the_same_day_collision():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-02 16:00")
    book.assign(1, "M", B, "2026-03-03 09:00")
    verdict = book.at("2026-03-03 10:00", policy=policies("confirmation-10d"))
    assert (verdict.owner, verdict.status, verdict.basis[0].rule) == (B, "active", "M")


# -- A2 claim life and the calendar-day windows --------------------------------------------------


def test_a2_claim_is_alive_through_the_last_second_of_day_d_plus_w():
    book = Book()
    book.reg(1, A, "2026-11-01 10:00")
    verdict = book.at("2026-11-08 23:59:59")
    assert (verdict.owner, verdict.status) == (A, "active")
    assert verdict.expires_at == t("2026-11-08 23:59:59")
    assert verdict.expires_at.isoformat() == "2026-11-08T23:59:59+08:00"


def test_a2_claim_lapses_at_end_of_day_d_plus_w():
    book = Book()
    book.reg(1, A, "2026-11-01 10:00")
    verdict = book.at("2026-11-09 00:00")
    assert (verdict.owner, verdict.status, verdict.expires_at) == (None, "pool", None)
    assert verdict.since == t("2026-11-09 00:00")
    assert verdict.last_owner == A
    assert rules(verdict) == ["A2"]


@pytest.mark.parametrize(
    ("preset", "days"),
    [("follow-up-4d", 4), ("first-registration-7d", 7), ("confirmation-10d", 10)],
)
def test_a2_window_edges_count_shanghai_midnight_not_utc(preset, days):
    """07:30 in Shanghai on 2 March is still 1 March in UTC: the local day is what counts."""
    book = Book()
    book.reg(1, A, "2026-03-02 07:30")
    last = datetime(2026, 3, 2 + days, 23, 59, 59, tzinfo=SH)
    first_free = datetime(2026, 3, 3 + days, 0, 0, tzinfo=SH)
    policy = policies(preset)
    assert book.at(last, policy=policy).owner == A
    assert book.at(last, policy=policy).expires_at == last
    assert book.at(first_free, policy=policy).status == "pool"


def test_a2_the_owners_follow_up_extends_the_claim():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    follow = book.follow(1, A, "2026-03-08 20:00")
    verdict = book.at("2026-03-12 10:00")
    assert (verdict.owner, verdict.expires_at) == (A, t("2026-03-15 23:59:59"))
    assert verdict.basis[1].rule == "A2" and verdict.basis[1].event.id == follow.id


def test_a2_a_follow_up_by_someone_else_extends_nothing():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.follow(1, B, "2026-03-08 20:00")
    assert book.at("2026-03-10 00:00").status == "pool"


def test_a2_a_newcomer_does_not_get_a_live_claim():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-05 10:00")
    assert book.at("2026-03-06 10:00").owner == A
    assert book.at("2026-03-10 00:00").status == "pool"


def test_a2_after_a_lapse_the_next_valid_registration_starts_a_new_claim():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    second = book.reg(1, B, "2026-03-12 10:00")
    verdict = book.at("2026-03-12 11:00")
    assert (verdict.owner, verdict.since, verdict.basis[0].event.id) == (
        B,
        t("2026-03-12 10:00"),
        second.id,
    )


def test_a2_calls_start_no_claim_when_only_visits_count():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", kind="call")
    book.reg(1, B, "2026-03-03 10:00")
    assert book.at("2026-03-03 11:00", policy=policies("follow-up-4d")).owner == B
    assert book.at("2026-03-03 11:00").owner == A


def test_a2_the_owners_later_call_still_counts_as_a_contact_when_calls_start_nothing():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, A, "2026-03-05 10:00", kind="call")
    verdict = book.at("2026-03-07 10:00", policy=policies("follow-up-4d"))
    assert verdict.expires_at == t("2026-03-09 23:59:59")


def test_a2_each_contact_keeps_the_window_of_the_policy_in_force_at_its_time():
    versions = (
        PolicyFact(1, EPOCH, EPOCH, build_policy(preset="first-registration-7d")),
        PolicyFact(
            2, t("2026-03-05 00:00"), t("2026-03-04 12:00"), build_policy(preset="follow-up-4d")
        ),
    )
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")  # 7 days: through 9 March
    book.follow(1, A, "2026-03-05 10:00")  # 4 days: through 9 March too
    verdict = book.at("2026-03-06 10:00", policy=versions)
    assert verdict.expires_at == t("2026-03-09 23:59:59")
    assert verdict.policy_version == 2


def test_a2_a_policy_version_entered_after_t_does_not_count_at_t():
    versions = (
        PolicyFact(1, EPOCH, EPOCH, build_policy(preset="first-registration-7d")),
        PolicyFact(
            2, t("2026-03-01 00:00"), t("2026-03-20 12:00"), build_policy(preset="follow-up-4d")
        ),
    )
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    assert book.at("2026-03-07 10:00", policy=versions).owner == A
    assert book.at("2026-03-07 10:00", policy=versions).policy_version == 1
    assert book.at("2026-03-21 10:00", policy=versions).policy_version == 2


# -- the answer at T uses the ledger as it stood at T --------------------------------------------


def test_an_evening_entry_changes_the_morning_when_asked_at_night_but_not_the_afternoon():
    book = Book()
    book.reg(1, B, "2026-03-02 14:00", entered="2026-03-02 14:00")
    book.reg(1, A, "2026-03-02 10:00", entered="2026-03-02 20:00")
    assert book.at("2026-03-02 16:00").owner == B
    assert book.at("2026-03-02 21:00").owner == A


def test_a_void_correction_counts_from_its_entry():
    book = Book()
    wrong = book.reg(1, A, "2026-03-02 10:00")
    book.reg(1, B, "2026-03-02 15:00")
    book.void(wrong, "2026-03-03 09:00")
    assert book.at("2026-03-02 20:00").owner == A
    assert book.at("2026-03-03 10:00").owner == B


# -- A3 family ---------------------------------------------------------------------------------


def test_a3_a_spouse_registered_elsewhere_belongs_to_the_households_owner():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.link(2, 1, "2026-03-03 10:00")
    book.reg(2, B, "2026-03-03 10:00")
    assert book.at("2026-03-03 12:00", anchor=2).owner == A


def test_a3_linking_two_households_keeps_the_earliest_live_claim_and_says_so():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(2, B, "2026-03-02 10:00")
    link = book.link(2, 1, "2026-03-04 10:00")
    for anchor in (1, 2):
        verdict = book.at("2026-03-04 12:00", anchor=anchor)
        assert verdict.owner == A
        a3 = [item for item in verdict.basis if item.rule == "A3"]
        assert a3 and a3[0].event.id == link.id and a3[0].params["previous"] == B


def test_a3_linking_two_households_with_no_live_claim_leaves_them_in_the_pool():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(2, B, "2026-03-01 11:00")
    book.link(2, 1, "2026-03-20 10:00")
    verdict = book.at("2026-03-20 12:00", anchor=2)
    assert (verdict.owner, verdict.status) == (None, "pool")


def test_a3_before_the_link_each_household_had_its_own_owner():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(2, B, "2026-03-02 10:00")
    book.link(2, 1, "2026-03-04 10:00")
    assert book.at("2026-03-03 10:00", anchor=2).owner == B
    assert book.at("2026-03-04 10:00", anchor=2).owner == A


# -- A4 pending confirmation -------------------------------------------------------------------


def test_a4_a_pending_household_has_no_owner_until_the_end_of_the_pending_period():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", returning_unknown=True)
    verdict = book.at("2026-03-03 10:00")
    assert (verdict.owner, verdict.status) == (None, "pending")
    assert verdict.expires_at == t("2026-03-05 23:59:59")


def test_a4_unclaimed_at_the_end_it_is_the_registrants_counted_from_the_registration():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", returning_unknown=True)
    verdict = book.at("2026-03-06 00:00")
    assert (verdict.owner, verdict.status, verdict.since) == (A, "active", t("2026-03-02 10:00"))
    assert verdict.expires_at == t("2026-03-09 23:59:59")
    assert verdict.basis[0].rule == "A4"


def test_a4_an_approved_claim_gives_the_household_to_the_claimant():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", returning_unknown=True)
    book.pending_claim(1, B, "2026-03-03 10:00", approved=True, decided="2026-03-03 15:00")
    assert book.at("2026-03-03 14:00").status == "pending"
    verdict = book.at("2026-03-03 16:00")
    assert (verdict.owner, verdict.status, verdict.basis[0].rule) == (B, "active", "A4")


def test_a4_a_denied_claim_changes_nothing():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", returning_unknown=True)
    book.pending_claim(1, B, "2026-03-03 10:00", approved=False, decided="2026-03-03 15:00")
    assert book.at("2026-03-06 10:00").owner == A


# -- A5 mention, A6 referral, A7 proxy -------------------------------------------------------


def test_a5_naming_a_consultant_gives_them_the_claim_when_none_is_live():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", mentioned=A)
    verdict = book.at("2026-03-02 11:00")
    assert (verdict.owner, verdict.basis[0].rule) == (A, "A5")


def test_a5_a_mention_never_overrides_a_live_claim():
    book = Book()
    book.reg(1, C, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-02 10:00", mentioned=A)
    assert book.at("2026-03-02 11:00").owner == C


def test_a5_a_mention_grants_nothing_when_the_policy_says_so():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", mentioned=A)
    assert book.at("2026-03-02 11:00", policy=policies(mention_grants_claim=False)).owner == B


def test_a6_a_referrer_present_brings_the_newcomer_to_their_owner():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", referrer_owner=A, referrer_present=True)
    verdict = book.at("2026-03-02 11:00")
    assert (verdict.owner, verdict.basis[0].rule) == (A, "A6")


def test_a6_a_newcomer_who_declines_the_referrers_consultant_goes_to_the_rotation():
    book = Book()
    book.reg(
        1,
        B,
        "2026-03-02 10:00",
        referrer_owner=A,
        referrer_present=True,
        declines_referrer_consultant=True,
    )
    assert book.at("2026-03-02 11:00").owner == B


def test_a6_an_absent_referrer_named_consultant_gets_the_newcomer():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", referrer_owner=A, mentioned=A)
    assert book.at("2026-03-02 11:00", policy=policies(mention_grants_claim=False)).owner == A


def test_a6_an_absent_referrer_not_named_leaves_the_newcomer_to_the_rotation():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", referrer_owner=A)
    assert book.at("2026-03-02 11:00").owner == B


def test_a6_a_live_claim_stands_over_a_referral():
    book = Book()
    book.reg(1, C, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-02 10:00", referrer_owner=A, referrer_present=True)
    assert book.at("2026-03-02 11:00").owner == C


def test_a6_a_referrer_without_a_live_owner_counts_as_no_referral():
    book = Book()
    book.reg(1, B, "2026-03-02 10:00", referrer_owner=None, referrer_present=True)
    assert book.at("2026-03-02 11:00").owner == B


def test_a7_a_proxy_registration_establishes_nothing():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00", proxy=True)
    book.reg(1, B, "2026-03-05 10:00")
    assert book.at("2026-03-05 11:00").owner == B


# -- A8 deals ----------------------------------------------------------------------------------


def test_a8_a_closer_holding_the_live_claim_keeps_it_and_the_household_is_locked():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, A, "2026-03-05 10:00")
    verdict = book.at("2026-04-30 10:00")
    assert (verdict.owner, verdict.status, verdict.expires_at) == (A, "locked", None)
    assert rules(verdict)[-1] == "A8"


def test_a8_a_subscription_by_someone_other_than_the_live_owner_is_a_collision():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, B, "2026-03-05 10:00")
    verdict = book.at("2026-03-05 11:00")
    assert (verdict.owner, verdict.status) == (A, "locked")
    assert verdict.basis[-1].params["collision"] is True
    assert verdict.deal_consultant == B


def test_a8_with_the_owner_absent_the_helpers_deposit_is_no_collision():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, B, "2026-03-05 10:00", owner_absent=True)
    verdict = book.at("2026-03-05 11:00")
    assert verdict.owner == A and verdict.basis[-1].params["collision"] is False


def test_a8_the_earlier_registrant_keeps_it_when_alive_at_the_closers_first_registration():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-05 10:00")  # A's claim alive: B gets nothing
    book.deal(1, B, "2026-03-20 10:00")  # A has lapsed by now, B never re-registered
    verdict = book.at("2026-03-20 11:00")
    assert (verdict.owner, verdict.status) == (A, "locked")


def test_a8_the_closer_keeps_it_when_the_earlier_claim_had_lapsed_at_their_registration():
    book = Book()
    book.reg(1, A, "2026-01-01 10:00")
    book.reg(1, B, "2026-03-05 10:00")
    book.deal(1, B, "2026-03-20 10:00")
    assert book.at("2026-03-20 11:00").owner == B


def test_a8_a_deal_from_the_pool_belongs_to_the_closer():
    book = Book()
    book.reg(1, A, "2026-01-01 10:00")
    book.deal(1, B, "2026-03-20 10:00")
    assert book.at("2026-03-20 11:00").owner == B


def test_a8_a_cancelled_subscription_unlocks_and_the_owner_starts_a_new_window():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, A, "2026-03-05 10:00", cancelled="2026-04-10 10:00")
    assert book.at("2026-04-01 10:00").status == "locked"
    verdict = book.at("2026-04-10 11:00")
    assert (verdict.owner, verdict.status, verdict.expires_at) == (
        A,
        "active",
        t("2026-04-17 23:59:59"),
    )


# -- A9 quota, A10 helper, A11 reassignment, A12 departure, A14 pool, M ruling -----------------


def test_a9_a_registration_beyond_the_quota_is_recorded_but_leaves_the_household_in_the_pool():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00", quota_reached=True)
    verdict = book.at("2026-03-02 11:00")
    assert (verdict.owner, verdict.status, rules(verdict)) == (None, "pool", ["A9"])


def test_a10_a_helper_serving_the_owners_customer_leaves_it_with_the_owner():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-03 10:00")
    assert book.at("2026-03-03 11:00").owner == A


def test_a11_a_reassignment_moves_the_household_with_its_reason():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.assign(1, "A11", B, "2026-03-03 10:00")
    verdict = book.at("2026-03-03 11:00")
    assert (verdict.owner, verdict.basis[0].rule, verdict.basis[0].params["previous"]) == (
        B,
        "A11",
        A,
    )


def test_a12_a_departing_consultants_live_claims_go_to_the_pool():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.assign(1, "A12", A, "2026-03-03 10:00")
    verdict = book.at("2026-03-03 11:00")
    assert (verdict.owner, verdict.status, rules(verdict)) == (None, "pool", ["A12"])


def test_a12_households_with_deals_keep_their_owner_when_the_consultant_leaves():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, A, "2026-03-02 10:00")
    book.assign(1, "A12", A, "2026-03-03 10:00")
    assert book.at("2026-03-03 11:00").owner == A


def test_a14_taking_a_household_from_the_pool_starts_a_claim():
    book = Book()
    book.reg(1, A, "2026-01-01 10:00")
    book.assign(1, "A14", B, "2026-03-03 10:00")
    verdict = book.at("2026-03-03 11:00")
    assert (verdict.owner, verdict.basis[0].rule, verdict.expires_at) == (
        B,
        "A14",
        t("2026-03-10 23:59:59"),
    )


def test_a14_whoever_let_it_lapse_cannot_win_it_back_by_registering_within_the_cooldown():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")  # lapses at 9 March 00:00
    book.reg(1, A, "2026-03-10 10:00")
    policy = policies(pool_retake_cooldown_days=3)
    assert book.at("2026-03-10 11:00", policy=policy).status == "pool"
    book.reg(1, A, "2026-03-13 10:00")
    assert book.at("2026-03-13 11:00", policy=policy).owner == A


def test_m_a_ruling_overrides_the_engine_from_its_effective_time():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.assign(1, "M", B, "2026-03-04 10:00")
    assert book.at("2026-03-04 09:00").owner == A
    verdict = book.at("2026-03-04 11:00")
    assert (verdict.owner, verdict.basis[0].rule) == (B, "M")


def test_m_a_ruling_on_a_locked_household_changes_the_commission_owner():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.deal(1, B, "2026-03-02 10:00")
    book.assign(1, "M", B, "2026-03-04 10:00")
    verdict = book.at("2026-03-04 11:00")
    assert (verdict.owner, verdict.status, verdict.basis[-1].rule) == (B, "locked", "M")


def test_m_an_open_dispute_shows_disputed_with_the_engines_owner():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.dispute("2026-03-03 10:00", closed="2026-03-05 10:00")
    assert book.at("2026-03-04 10:00").status == "disputed"
    assert book.at("2026-03-04 10:00").owner == A
    assert book.at("2026-03-05 11:00").status == "active"


# -- A13 channel protection -----------------------------------------------------------------


def test_a13_a_confirmed_channel_visit_protects_the_channel_for_its_period():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.channel("链家", "chan", "2026-03-02 10:00")
    assert book.at("2026-03-20 10:00").channel["name"] == "链家"
    assert book.at("2026-04-01 23:59:59").channel is not None
    assert book.at("2026-04-02 00:00").channel is None


def test_a13_a_deal_signed_within_the_protection_keeps_the_channel():
    book = Book()
    book.reg(1, A, "2026-03-02 10:00")
    book.channel("链家", "chan", "2026-03-02 10:00")
    book.deal(1, A, "2026-03-10 10:00")
    assert book.at("2026-06-01 10:00").channel["name"] == "链家"
