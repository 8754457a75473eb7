"""A benchmark's goals as checks of one figure against its limit and its ceilings.

Each check carries the product's figure, the limit's figure measured beside it in the same run
(or none), and the goal: absolute bounds, bounds on the ratio product / limit, or "the same as
at another size" (a constant number of queries). Pure: unit-tested in tests/bench/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    at_most: float | None = None
    at_least: float | None = None
    ratio_at_most: float | None = None
    ratio_at_least: float | None = None
    # The figure must equal this one, measured at another size (named in ``same_as_label``).
    same_as: float | None = None
    same_as_label: str = ""


@dataclass(frozen=True)
class Check:
    figure: str  # what is measured: "p50, c=1"
    unit: str  # "ms", "req/s", "s", "queries"
    product: float
    limit: float | None
    goal: Goal | None  # None: a figure shown for context, judged by nothing

    @property
    def ratio(self) -> float | None:
        return ratio(self.product, self.limit)

    @property
    def goal_met(self) -> bool | None:
        return None if self.goal is None else goal_met(self.goal, self.product, self.limit)

    def as_dict(self) -> dict:
        return {
            "figure": self.figure,
            "unit": self.unit,
            "product": self.product,
            "limit": self.limit,
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "goal": describe(self.goal, self.unit) if self.goal else None,
            "goal_met": self.goal_met,
        }


def ratio(product: float, limit: float | None) -> float | None:
    """Product over limit: 3.0 means the product takes three times the limit's time (or, for a
    throughput, does three times its requests per second)."""
    if limit is None or limit == 0:
        return None
    return product / limit


def goal_met(goal: Goal, product: float, limit: float | None) -> bool:
    checks = []
    if goal.at_most is not None:
        checks.append(product <= goal.at_most)
    if goal.at_least is not None:
        checks.append(product >= goal.at_least)
    if goal.ratio_at_most is not None or goal.ratio_at_least is not None:
        r = ratio(product, limit)
        # A ratio goal without its limit measured cannot be called met.
        checks.append(r is not None and r <= (goal.ratio_at_most or float("inf")))
        checks.append(r is not None and r >= (goal.ratio_at_least or 0.0))
    if goal.same_as is not None:
        checks.append(product == goal.same_as)
    return all(checks)


def describe(goal: Goal, unit: str) -> str:
    parts = []
    if goal.at_most is not None:
        parts.append(f"≤ {_number(goal.at_most)} {unit}")
    if goal.at_least is not None:
        parts.append(f"≥ {_number(goal.at_least)} {unit}")
    if goal.ratio_at_most is not None:
        parts.append(f"≤ {_number(goal.ratio_at_most)}× limit")
    if goal.ratio_at_least is not None:
        parts.append(f"≥ {goal.ratio_at_least:.0%} of limit")
    if goal.same_as is not None:
        parts.append(f"= {_number(goal.same_as)} (as at {goal.same_as_label})")
    return " and ".join(parts)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def entry(checks: list[Check], details: dict) -> dict:
    """A benchmark's entry in results.json: its checks, the headline ratio (its first figure
    measured against a limit), every goal in one line and whether all of them are met."""
    judged = [c for c in checks if c.goal is not None]
    headline = next((c for c in checks if c.ratio is not None), None)
    return {
        "ratio": None if headline is None else round(headline.ratio, 2),
        "goal": "; ".join(f"{c.figure} {describe(c.goal, c.unit)}" for c in judged),
        "goal_met": all(c.goal_met for c in judged),
        "checks": [c.as_dict() for c in checks],
        **details,
    }
