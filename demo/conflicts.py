"""Disputes (撞单): one a consultant opens on a customer two of them received, left for the
manager's ruling screen; and the deal collision of the sales stories, ruled with a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from attribution.selectors import household_verdict
from demo.history import History
from demo.office import Office, Step
from demo.staff import MANAGER
from disputes.decisions import dispute_rule, ruling_input_from_template
from disputes.models import Dispute
from disputes.opening import dispute_open


@dataclass(frozen=True)
class DisputeOpenStep(Step):
    phone: str
    consultants: tuple[str, str]  # the first to receive the customer, then the colliding one
    reason: str
    evidence: str

    def apply(self, office: Office) -> None:
        customer = office.customer(self.phone)
        owner = household_verdict(customer.household).owner
        # Whichever of the two the engine did not give the customer to is the one who objects.
        claimant = office.user(next(c for c in reversed(self.consultants) if c != owner))
        dispute_open(
            household=customer.household,
            claimant=claimant,
            reason=self.reason,
            evidence_note=self.evidence,
            acting_user=claimant,
        )


@dataclass(frozen=True)
class RulingStep(Step):
    """The manager rules the collision a deal opened (A8) with one of the templates (UX §5)."""

    unit: str
    template: str
    reason: str

    def apply(self, office: Office) -> None:
        dispute = Dispute.objects.get(subscription=office.subscription(self.unit))
        ruling = ruling_input_from_template(
            dispute=dispute, template=self.template, reason=self.reason
        )
        dispute_rule(dispute=dispute, ruling=ruling, acting_user=office.user(MANAGER))


def plan_open_dispute(history: History, now: datetime) -> list[Step]:
    """The latest collision of the month is disputed an hour and a half after it was entered."""
    latest = now - timedelta(minutes=15)
    collided = [
        t
        for t in history.tracks
        if t.collision and t.collision.entered_at + timedelta(minutes=90) <= latest
    ]
    if not collided:
        return []
    track = max(collided, key=lambda t: t.collision.entered_at)
    return [
        DisputeOpenStep(
            track.collision.entered_at + timedelta(minutes=90),
            track.person.phone,
            (track.consultant, track.collision.consultant),
            reason="客户两次到访分别由两位顾问接待，对归属有异议，请经理裁定",
            evidence="来访登记表两张：首次接待记录与本次接待记录，客户本人称未留意顾问姓名",
        )
    ]


def plan_ruling(unit: str, day_at: datetime) -> Step:
    return RulingStep(
        day_at,
        unit,
        template="half",
        reason="两位顾问均有实质接待，客户未主动说明曾来访，按五五分成",
    )
