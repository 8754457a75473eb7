"""Capital numerals for amounts: the usual cases, and a round trip over random amounts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesoffice.numerals import DIGITS, yuan_in_capitals


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("1", "壹元整"),
        ("1.05", "壹元零伍分"),
        ("1.50", "壹元伍角"),
        ("10", "壹拾元整"),
        ("100", "壹佰元整"),
        ("1005.50", "壹仟零伍元伍角"),
        ("10010", "壹万零壹拾元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("10000001", "壹仟万零壹元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("2580000.00", "贰佰伍拾捌万元整"),
        ("3000050.07", "叁佰万零伍拾元零柒分"),
    ],
)
def test_amounts_are_written_as_banks_write_them(amount, text):
    assert yuan_in_capitals(Decimal(amount)) == text


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        yuan_in_capitals(Decimal("-1"))


UNITS = {"拾": 10, "佰": 100, "仟": 1000}
GROUPS = {"万": 10**4, "亿": 10**8}


def read_back(text: str) -> Decimal:
    """An independent reader of the capital form, to check the writer by round trip."""
    yuan_text, _, rest = text.partition("元")
    if not _:
        yuan_text, rest = "", text
    total, section, digit = 0, 0, 0
    for char in yuan_text:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in UNITS:
            section += digit * UNITS[char]
            digit = 0
        elif char in GROUPS:
            total = (
                (total + section + digit) * GROUPS[char]
                if char == "亿"
                else (total + (section + digit) * GROUPS[char])
            )
            section, digit = 0, 0
    yuan = total + section + digit
    cents = 0
    for i, char in enumerate(rest):
        if char == "角":
            cents += DIGITS.index(rest[i - 1]) * 10
        elif char == "分":
            cents += DIGITS.index(rest[i - 1])
    return Decimal(yuan) + Decimal(cents) / 100


@given(st.integers(min_value=0, max_value=99_999_999_999).map(lambda c: Decimal(c) / 100))
def test_the_capital_form_reads_back_as_the_amount(amount):
    text = yuan_in_capitals(amount)
    assert read_back(text) == amount
    assert "零零" not in text and not text.startswith("零" + "零")
