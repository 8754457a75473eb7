"""The order of a unit's handover (seeds 000 and 002), as data and pure functions: no ORM.

qualification (入住资格确认, needs a valid payoff certificate) → inspection (验房, defects
recorded) → confirmation (交房确认单 signed) → keys (钥匙, the unit is handed over).
"""

from __future__ import annotations

from dataclasses import dataclass

QUALIFICATION = "qualification"
INSPECTION = "inspection"
CONFIRMATION = "confirmation"
KEYS = "keys"
STEPS = (QUALIFICATION, INSPECTION, CONFIRMATION, KEYS)
# Each step needs the one before it; the first needs the certificate (checked by the service).
PREREQUISITE = {INSPECTION: QUALIFICATION, CONFIRMATION: INSPECTION, KEYS: CONFIRMATION}


@dataclass(frozen=True)
class Progress:
    qualified: bool = False
    inspected: bool = False
    confirmed: bool = False
    keys: bool = False

    def done(self, step: str) -> bool:
        return {
            QUALIFICATION: self.qualified,
            INSPECTION: self.inspected,
            CONFIRMATION: self.confirmed,
            KEYS: self.keys,
        }[step]


@dataclass(frozen=True)
class Step:
    name: str
    done: bool
    current: bool  # the next step to take


def steps(progress: Progress) -> list[Step]:
    upcoming = next_step(progress)
    return [Step(name, progress.done(name), name == upcoming) for name in STEPS]


def next_step(progress: Progress) -> str | None:
    return next((name for name in STEPS if not progress.done(name)), None)


def missing_before(step: str, progress: Progress) -> str | None:
    """The step that must come first and has not, or None when ``step`` may be taken."""
    before = PREREQUISITE.get(step)
    return before if before and not progress.done(before) else None


def may_add_defects(progress: Progress) -> bool:
    """Defects belong to an inspection, until the owner signs the confirmation listing them."""
    return progress.inspected and not progress.confirmed
