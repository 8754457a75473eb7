"""Amounts in Chinese capital numerals (大写金额), as banks and certificates write them:
1234567.89 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分; 100 → 壹佰元整; 1005.50 → 壹仟零伍元伍角."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


def _four_digits(number: int) -> str:
    """0 < number < 10000, leading zeros dropped, inner zeros written once, trailing omitted."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += DIGITS[0]
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def _integer(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    text, zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += DIGITS[0]
        text += _four_digits(group) + GROUP_UNITS[index]
        zero = False
    return text


def yuan_in_capitals(amount: Decimal) -> str:
    """The amount (yuan, rounded to the fen) in capital numerals."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("a negative amount has no capital form here")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer(yuan) + "元" if yuan else ""
    if not (jiao or fen):
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += DIGITS[0]
    if fen:
        text += DIGITS[fen] + "分"
    return text
