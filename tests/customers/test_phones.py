import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.phones import PhoneError, mask_name, mask_phone, normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "138 0013 8000",
        "+86-138-0013-8000",
        "8613800138000",
        "13800138000",
        "0086 138 0013 8000",
        " 138-0013-8000 ",
    ],
)
def test_every_written_form_of_one_mobile_normalises_to_its_11_digits(raw):
    assert normalise_phone(raw) == "13800138000"


@pytest.mark.parametrize(
    "raw",
    ["12345", "1380013800", "23800138000", "+1 415 555 1234", "010-12345678", "12800138000", "abc"],
)
def test_numbers_that_are_not_chinese_mobiles_are_invalid(raw):
    with pytest.raises(PhoneError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_invalid"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_a_blank_phone_is_missing(raw):
    with pytest.raises(PhoneError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_missing"


def test_masks_keep_what_a_colleague_may_see():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("13800138000", 4, 5) == "1380**38000"
    assert mask_name("王芳") == "王*"
    assert mask_name("欧阳娜娜") == "欧***"


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_a_plain_11_digit_mobile_is_read_as_phonenumbers_reads_it(number):
    """The shortcut for numbers already written as 11 digits agrees with the full parse."""
    parsed = phonenumbers.parse(number, "CN")
    assert normalise_phone(number) == str(parsed.national_number) == number
    assert normalise_phone(f"+86 {number}") == number
