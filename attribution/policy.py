"""The attribution policy: every parameter of DOMAIN.md §3, its presets, and validation.

Pure data: no ORM, no clock. A project keeps versions of it (``PolicyVersion``); the engine
is given the versions and picks the one in force at each event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

SAME_DAY_COLLISION_CHOICES = ("first", "manager")
FAMILY_RELATION_CHOICES = ("spouse", "parent", "child", "sibling")

DEFAULT_SPLITS = {
    # owner absent, another consultant takes the first valid deposit: taker / owner
    "owner_absent_taker_percent": 50,
    # owner closes with a helper: helper / owner
    "helper_percent": 30,
    # complaint reassignment: the new consultant's share (the rest stays with the old owner)
    "complaint_reassignment_percent": 100,
}

DEFAULT_PENALTIES = {
    "uncooperative": "10.00",  # 未配合内业工作
    "late_entry": "20.00",  # 录入不及时或漏项
    "complaint": "100.00",  # 客户投诉 (100–500)
    "unregistered_reception": "200.00",  # 未登记
    "record_tampering": "300.00",  # 擅自改正客户确认记录
    "rejected_appeal": "400.00",  # 投诉驳回
    "overturned_ruling": "500.00",  # 投诉改判
    "poaching": "1000.00",  # 知情深度接触 (抢单)
}


@dataclass(frozen=True)
class Policy:
    follow_up_window_days: int = 7
    calls_establish_claim: bool = True
    max_entry_delay_hours: int = 24
    same_day_collision: str = "first"
    pending_claim_days: int = 3
    post_deal_dispute_days: int = 3
    mention_grants_claim: bool = True
    family_relations: tuple[str, ...] = FAMILY_RELATION_CHOICES
    claim_quota: int | None = None
    channel_report_valid_days: int = 7
    channel_visit_protection_days: int = 30
    channel_phone_visible: str = "3+4"
    registration_deadline_minutes: int = 60
    pool_daily_take_limit: int | None = None
    pool_retake_cooldown_days: int = 0
    splits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SPLITS))
    penalties: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PENALTIES))

    @property
    def visible_digits(self) -> tuple[int, int]:
        first, last = self.channel_phone_visible.split("+")
        return int(first), int(last)

    def penalty(self, kind: str) -> Decimal:
        return Decimal(self.penalties.get(kind, "0"))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["family_relations"] = list(self.family_relations)
        return data


PRESETS: dict[str, dict[str, Any]] = {
    "first-registration-7d": {
        "follow_up_window_days": 7,
        "calls_establish_claim": True,
        "same_day_collision": "first",
        "claim_quota": None,
    },
    "follow-up-4d": {
        "follow_up_window_days": 4,
        "calls_establish_claim": False,
        "same_day_collision": "first",
        "claim_quota": None,
    },
    "confirmation-10d": {
        "follow_up_window_days": 10,
        "calls_establish_claim": True,
        "same_day_collision": "manager",
        "claim_quota": 50,
    },
}
DEFAULT_PRESET = "first-registration-7d"

PARAMETER_NAMES = tuple(f.name for f in fields(Policy))


class PolicyError(ValueError):
    """Invalid parameters; ``fields`` maps each parameter to what is wrong with it."""

    code = "invalid_policy"

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


def _days(value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"a whole number ≥ {minimum}")
    return value


def _optional_count(value: Any) -> int | None:
    return None if value is None else _days(value, 1)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _collision(value: Any) -> str:
    if value not in SAME_DAY_COLLISION_CHOICES:
        raise ValueError("one of " + ", ".join(SAME_DAY_COLLISION_CHOICES))
    return value


def _relations(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not set(value) <= set(FAMILY_RELATION_CHOICES):
        raise ValueError("a list among " + ", ".join(FAMILY_RELATION_CHOICES))
    return tuple(value)


def _visible(value: Any) -> str:
    first, _, last = str(value).partition("+")
    if not (first.isdigit() and last.isdigit()) or int(first) + int(last) > 9:
        raise ValueError('"first+last" visible digits, e.g. "3+4", at most 9 in all')
    return f"{int(first)}+{int(last)}"


def _percent_map(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or set(value) - set(DEFAULT_SPLITS):
        raise ValueError("keys among " + ", ".join(DEFAULT_SPLITS))
    merged = {**DEFAULT_SPLITS, **value}
    if any(
        isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 100 for v in merged.values()
    ):
        raise ValueError("percentages from 0 to 100")
    return merged


def _amount_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) - set(DEFAULT_PENALTIES):
        raise ValueError("keys among " + ", ".join(DEFAULT_PENALTIES))
    merged = {**DEFAULT_PENALTIES, **value}
    try:
        amounts = {k: Decimal(str(v)).quantize(Decimal("0.01")) for k, v in merged.items()}
    except InvalidOperation as exc:
        raise ValueError("amounts in yuan") from exc
    if any(a < 0 for a in amounts.values()):
        raise ValueError("amounts in yuan, not negative")
    return {k: str(a) for k, a in amounts.items()}


VALIDATORS = {
    "follow_up_window_days": lambda v: _days(v, 1),
    "calls_establish_claim": _flag,
    "max_entry_delay_hours": lambda v: _days(v, 0),
    "same_day_collision": _collision,
    "pending_claim_days": lambda v: _days(v, 0),
    "post_deal_dispute_days": lambda v: _days(v, 0),
    "mention_grants_claim": _flag,
    "family_relations": _relations,
    "claim_quota": _optional_count,
    "channel_report_valid_days": lambda v: _days(v, 0),
    "channel_visit_protection_days": lambda v: _days(v, 0),
    "channel_phone_visible": _visible,
    "registration_deadline_minutes": lambda v: _days(v, 1),
    "pool_daily_take_limit": _optional_count,
    "pool_retake_cooldown_days": lambda v: _days(v, 0),
    "splits": _percent_map,
    "penalties": _amount_map,
}


def build_policy(
    base: Policy | None = None,
    *,
    preset: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Policy:
    """A policy from a base (defaults if none), then a preset, then overrides (which win)."""
    overrides = dict(overrides or {})
    errors: dict[str, str] = {}
    if preset is not None and preset not in PRESETS:
        errors["preset"] = "one of " + ", ".join(PRESETS)
    unknown = set(overrides) - set(PARAMETER_NAMES)
    errors.update(dict.fromkeys(sorted(unknown), "unknown parameter"))
    values = (base or Policy()).as_dict()
    values.update(PRESETS.get(preset or "", {}))
    values.update({k: v for k, v in overrides.items() if k not in unknown})
    cleaned = {}
    for name, value in values.items():
        try:
            cleaned[name] = VALIDATORS[name](value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise PolicyError(errors)
    return Policy(**cleaned)


# What each parameter means, for the people who set them (shown next to each field).
PARAMETER_HELP: dict[str, str] = {
    "follow_up_window_days": "W: a contact on local day D keeps the claim alive to the end of "
    "day D + W (4, 7 or 10 in the seeds).",
    "calls_establish_claim": "Whether a first call (来电) starts a claim like a visit does; "
    "if not, calls are kept and only the owner's later calls count as contacts.",
    "max_entry_delay_hours": "A registration entered within this many hours keeps its real "
    "time; later ones count from when they were entered (nobody backdates).",
    "same_day_collision": "'first': the earlier registration of the day wins; 'manager': two "
    "consultants registering one household the same day is a dispute for the manager.",
    "pending_claim_days": "How long a returning visitor nobody can place stays pending for "
    "claims (A4) before the registrant gets them.",
    "post_deal_dispute_days": "Disputes opened later than this after the first subscription "
    "are refused: the closer keeps it (A8).",
    "mention_grants_claim": "Whether naming a consultant gives them a household nobody owns (A5).",
    "family_relations": "Relations that join customers into one household (A3).",
    "claim_quota": "Live claims a consultant may hold (A9); empty for no limit. A manager can "
    "set a consultant's own quota.",
    "channel_report_valid_days": "How long a channel's report (报备) waits for the visit (A13).",
    "channel_visit_protection_days": "How long a confirmed channel visit protects the channel.",
    "channel_phone_visible": "Phone digits a channel agent reports, 'first+last' (e.g. 3+4).",
    "registration_deadline_minutes": "A walk-in received by the rotation must be registered "
    "within this time, or it is flagged unregistered (未登记).",
    "pool_daily_take_limit": "Households a consultant may take from the pool per day; empty "
    "for no limit (A14).",
    "pool_retake_cooldown_days": "Days during which whoever let a claim lapse cannot win it "
    "back (A14); 0 for none.",
    "splits": "Commission shares in percent (section 6): owner_absent_taker_percent, "
    "helper_percent, complaint_reassignment_percent.",
    "penalties": "Fines in yuan per violation kind (section 7).",
}
