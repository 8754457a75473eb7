"""Pure matching of channel reports (A13): no ORM, no clock.

An agent reports only the visible part of a phone (the policy's first N and last M digits,
e.g. ``138****8000``), so a report never names a phone: it names every phone that starts and
ends with those digits. Names are compared as people type them: full-width characters and
spaces do not make two names different.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PHONE_LENGTH = 11
# What agents type for a hidden digit: ASCII or full-width asterisks (NFKC folds the latter),
# and the x / × some phones' keyboards offer.
MASKS = str.maketrans({"x": "*", "X": "*", "×": "*"})
SEPARATORS = re.compile(r"[\s\-().]")
DIGITS = re.compile(r"^[0-9]*$")


@dataclass(frozen=True)
class VisiblePhone:
    head: str
    tail: str


def parse_visible_phone(raw: str, first: int, last: int) -> VisiblePhone | None:
    """The visible digits of ``raw`` if it shows exactly the first ``first`` and last ``last``
    digits of a Chinese mobile and hides the rest; ``None`` otherwise (a full number is
    refused too: an agent must not send what the policy hides)."""
    compact = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).translate(MASKS)
    if len(compact) != PHONE_LENGTH or first + last >= PHONE_LENGTH:
        return None
    head, tail = compact[:first], compact[PHONE_LENGTH - last :]
    middle = compact[first : PHONE_LENGTH - last]
    if not (DIGITS.match(head) and DIGITS.match(tail)) or set(middle) != {"*"}:
        return None
    if not _plausible_mobile_start(head):
        return None
    return VisiblePhone(head, tail)


def _plausible_mobile_start(head: str) -> bool:
    """CN mobiles are ``1[3-9]`` + 9 digits: a visible start must fit that."""
    return (not head or head[0] == "1") and (len(head) < 2 or head[1] in "3456789")


def phone_matches(phone: str, head: str, tail: str) -> bool:
    """Whether a full, normalised phone shows these visible digits."""
    return len(phone) == PHONE_LENGTH and phone.startswith(head) and phone.endswith(tail)


def visible_overlap(head_a: str, tail_a: str, head_b: str, tail_b: str) -> bool:
    """Two reports show the same digits where both show them (policies may differ in how
    many digits are visible, so one report's head may be longer than the other's)."""
    heads = head_a.startswith(head_b) or head_b.startswith(head_a)
    tails = tail_a.endswith(tail_b) or tail_b.endswith(tail_a)
    return heads and tails


def normalise_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def names_match(a: str, b: str) -> bool:
    key = normalise_name(a)
    return bool(key) and key == normalise_name(b)
