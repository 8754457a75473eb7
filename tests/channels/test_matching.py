"""The pure matching of reports: visible digits, names, overlap across policies."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.matching import (
    names_match,
    parse_visible_phone,
    phone_matches,
    visible_overlap,
)
from customers.phones import mask_phone


@pytest.mark.parametrize(
    ("typed", "digits", "head", "tail"),
    [
        ("138****8000", (3, 4), "138", "8000"),
        ("138 **** 8000", (3, 4), "138", "8000"),
        ("138-xxxx-8000", (3, 4), "138", "8000"),
        ("１３８＊＊＊＊８０００", (3, 4), "138", "8000"),  # a Chinese keyboard's full width
        ("1380**38000", (4, 5), "1380", "38000"),  # the seeds' 前4位及后5位
    ],
)
def test_the_policys_visible_digits_are_read_however_they_are_typed(typed, digits, head, tail):
    visible = parse_visible_phone(typed, *digits)
    assert (visible.head, visible.tail) == (head, tail)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("13800138000", (3, 4)),  # the full number: more than the policy lets an agent send
        ("138***38000", (3, 4)),  # a digit too many
        ("1380**38000", (3, 4)),  # the seeds' format under a 3+4 policy
        ("138****800", (3, 4)),  # too short
        ("12*****8000", (3, 4)),  # not a Chinese mobile
        ("", (3, 4)),
        ("张三", (3, 4)),
    ],
)
def test_anything_but_exactly_the_visible_digits_is_refused(typed, digits):
    assert parse_visible_phone(typed, *digits) is None


@given(
    phone=st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    digits=st.sampled_from([(3, 4), (4, 5), (3, 3), (2, 4)]),
)
def test_a_phone_matches_its_own_masked_form_under_any_policy(phone, digits):
    visible = parse_visible_phone(mask_phone(phone, *digits), *digits)
    assert phone_matches(phone, visible.head, visible.tail)


def test_a_phone_with_other_digits_does_not_match():
    assert not phone_matches("13800138001", "138", "8000")
    assert not phone_matches("13900138000", "138", "8000")


def test_names_match_as_people_type_them():
    assert names_match("王芳", " 王 芳 ")
    assert names_match("王芳", "王芳")  # full-width folding is harmless for CJK
    assert not names_match("王芳", "王方")
    assert not names_match("", "")


def test_reports_under_two_policies_overlap_where_both_show_digits():
    assert visible_overlap("138", "8000", "1380", "38000")
    assert not visible_overlap("138", "8000", "1380", "38001")
