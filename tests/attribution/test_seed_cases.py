"""The twelve worked examples of seed 004 (详细履行), DOMAIN.md §12, each as the engine sees it."""

from tests.attribution.ledgers import Book

A, B, R = "wangfang", "liqiang", "rotation"  # R: the consultant whose turn it is


def test_case_01_two_old_customers_bring_a_friend_who_buys_rotation():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(2, B, "2026-03-01 11:00")
    book.reg(3, R, "2026-03-05 10:00")  # the friend's own registration, by the rotation
    book.deal(3, R, "2026-03-06 10:00")
    assert book.at("2026-03-06 11:00", anchor=3).owner == R
    assert book.at("2026-03-06 11:00", anchor=1).owner == A
    assert book.at("2026-03-06 11:00", anchor=2).owner == B


def test_case_02_two_households_come_together_each_consultant_keeps_their_own():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(2, B, "2026-03-01 11:00")
    book.reg(1, A, "2026-03-04 10:00")
    book.reg(2, A, "2026-03-04 10:00")  # both talk to A this time
    assert book.at("2026-03-04 11:00", anchor=1).owner == A
    assert book.at("2026-03-04 11:00", anchor=2).owner == B


def test_case_03_one_households_members_registered_on_different_days_first_registration():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")  # the husband
    book.link(2, 1, "2026-03-03 10:00")
    book.reg(2, B, "2026-03-03 10:00")  # the wife, with another consultant
    book.deal(2, B, "2026-03-05 10:00")
    assert book.at("2026-03-05 11:00", anchor=2).owner == A


def test_case_04_registered_with_several_consultants_out_of_caution_first_registration():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-01 15:00")
    book.reg(1, R, "2026-03-02 10:00")
    assert book.at("2026-03-02 11:00").owner == A


def test_case_05_not_recognised_but_found_by_the_clerk_first_registrant():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, R, "2026-03-06 10:00")  # A's claim is alive: the clerk finds A
    assert book.at("2026-03-06 11:00").owner == A


def test_case_05_not_found_then_the_original_turns_up_after_the_deal_second_registrant():
    book = Book()
    book.reg(1, A, "2025-10-01 10:00")  # long ago: lapsed
    book.reg(1, R, "2026-03-06 10:00")
    book.deal(1, R, "2026-03-10 10:00")
    verdict = book.at("2026-03-12 10:00")
    assert (verdict.owner, verdict.status) == (R, "locked")


def test_case_06_phone_follow_up_invites_a_visit_registered_by_another_first_registration():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00", kind="call")
    book.follow(1, A, "2026-03-03 10:00")
    book.reg(1, B, "2026-03-05 10:00")
    assert book.at("2026-03-05 11:00").owner == A


def test_case_07_the_visitor_denies_having_been_before_first_registration():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-04 10:00", first_visit=True)
    book.deal(1, B, "2026-03-04 12:00")
    assert book.at("2026-03-04 13:00").owner == A


def test_case_08_a_friend_registered_the_newcomer_elsewhere_in_advance_rotation():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00", proxy=True)
    book.reg(1, R, "2026-03-04 10:00")
    assert book.at("2026-03-04 11:00").owner == R


def test_case_09_registered_by_a_friend_and_never_came_the_buyers_own_first_visit():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00", proxy=True)
    book.reg(1, B, "2026-03-10 10:00")
    book.deal(1, B, "2026-03-11 10:00")
    assert book.at("2026-03-11 11:00").owner == B


def test_case_10_the_consultant_is_off_and_their_customer_refers_someone_who_comes_alone():
    book = Book()
    book.reg(2, R, "2026-03-04 10:00", referrer_owner=A, referrer_present=False)
    assert book.at("2026-03-04 11:00", anchor=2).owner == R


def test_case_11_a_deposit_paid_while_the_owner_is_away_is_obligation_reception():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-04 10:00")  # the helper registers the visit
    book.deal(1, B, "2026-03-04 10:30", owner_absent=True)
    verdict = book.at("2026-03-04 11:00")
    assert (verdict.owner, verdict.status) == (A, "locked")
    assert verdict.basis[-1].params["collision"] is False


def test_case_12_the_receiver_did_not_ask_whether_it_was_a_first_visit_first_reception():
    book = Book()
    book.reg(1, A, "2026-03-01 10:00")
    book.reg(1, B, "2026-03-03 10:00", first_visit=None)
    assert book.at("2026-03-03 11:00").owner == A
