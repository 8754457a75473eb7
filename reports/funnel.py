"""The funnel: customers per stage now, the period's moves between stages (the StageChange
ledger) and the reasons customers were lost."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Trim

from customers.models import Customer, Stage, StageChange
from projects.models import Project
from reports.periods import Period


@dataclass(frozen=True)
class StageFigures:
    stage: str
    label: str
    customers: int  # in this stage now
    entered: int  # moves into it during the period
    left: int  # moves out of it during the period


@dataclass(frozen=True)
class Transition:
    from_stage: str
    to_stage: str
    moves: int

    @property
    def from_label(self) -> str:
        return str(Stage(self.from_stage).label)

    @property
    def to_label(self) -> str:
        return str(Stage(self.to_stage).label)


@dataclass
class FunnelReport:
    project: Project
    period: Period
    stages: list[StageFigures]
    transitions: list[Transition]
    lost_reasons: list[tuple[str, int]]

    @property
    def customers(self) -> int:
        return sum(s.customers for s in self.stages)

    def stage(self, stage: str) -> StageFigures:
        return next(s for s in self.stages if s.stage == stage)


def funnel_report(*, project: Project, period: Period) -> FunnelReport:
    """Customers per current stage, and the period's moves from the StageChange ledger (by
    when they were entered): three grouped queries."""
    start, end = period.bounds(project.tzinfo)
    current = Customer.objects.filter(project=project).values("stage").annotate(n=Count("pk"))
    now = {row["stage"]: row["n"] for row in current}
    moves = StageChange.objects.filter(project=project, entered_at__gte=start, entered_at__lt=end)
    transitions = [
        Transition(row["from_stage"], row["to_stage"], row["n"])
        for row in moves.values("from_stage", "to_stage")
        .annotate(n=Count("pk"))
        .order_by("from_stage", "to_stage")
    ]
    reasons = (
        moves.filter(to_stage=Stage.LOST)
        .annotate(text=Trim("reason"))
        .values("text")
        .annotate(n=Count("pk"))
        .order_by("-n", "text")[:10]
    )
    stages = [
        StageFigures(
            stage.value,
            str(stage.label),
            now.get(stage.value, 0),
            sum(t.moves for t in transitions if t.to_stage == stage.value),
            sum(t.moves for t in transitions if t.from_stage == stage.value),
        )
        for stage in Stage
    ]
    return FunnelReport(
        project, period, stages, transitions, [(r["text"], r["n"]) for r in reasons]
    )
