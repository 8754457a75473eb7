"""Ruling templates (DOMAIN.md §6, UX §5): the decisions managers make again and again, as data.

``ruling_from_template`` is pure (no ORM, no clock): a template and the dispute's two parties,
the claimant and the engine's owner at opening (原顾问), give the new owner, the commission
shares (summing to 100) and the violations the ruling records. Violation kinds are the values
of ``disputes.models.ViolationKind``; amounts never come from here but from the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)


class RulingTemplate(TextChoices):
    KEEP_OWNER = "keep_owner", _("Keep the owner: 100 %")
    HALF = "half", _("Unknowing deep contact, closed: 50 / 50")
    THIRTY_SEVENTY = "thirty_seventy", _("Unknowing significant help, the owner closed: 30 / 70")
    COMPLAINT = "complaint", _("Complaint: the claimant takes over")
    REJECT = "reject", _("Reject: the engine's owner keeps it")
    POACHING = "poaching", _("Knowing poaching: owner 100 %, a fine for the poacher")


# The words the offices use for them (seed 004); names of the rules, not sentences to translate.
TERMS = {
    RulingTemplate.KEEP_OWNER: "归原顾问",
    RulingTemplate.HALF: "五五分成",
    RulingTemplate.THIRTY_SEVENTY: "三七分成",
    RulingTemplate.COMPLAINT: "客诉转移",
    RulingTemplate.REJECT: "驳回",
    RulingTemplate.POACHING: "知情抢单",
}


class TemplateNotApplicable(ValueError):
    """The template needs parties this dispute does not have (e.g. a split with one person)."""

    code = "template_not_applicable"


@dataclass(frozen=True)
class Ruling:
    owner: str | None
    shares: tuple[tuple[str, Decimal], ...]
    violations: tuple[tuple[str, str], ...] = ()  # (staff, violation kind)
    template: str = ""


def _shares(*pairs: tuple[str, int | Decimal]) -> tuple[tuple[str, Decimal], ...]:
    """Positive shares only: a 0 % party is no party to the commission."""
    return tuple((who, Decimal(percent)) for who, percent in pairs if percent > 0)


def _two_parties(claimant: str, owner: str | None) -> str:
    if owner is None or owner == claimant:
        raise TemplateNotApplicable("the template splits between two different consultants")
    return owner


def ruling_from_template(
    template: str, *, claimant: str, owner: str | None, splits: Mapping[str, int]
) -> Ruling:
    """What a template decides between ``claimant`` and ``owner`` (the owner at opening)."""
    template = RulingTemplate(template)
    if template == RulingTemplate.REJECT:
        # The claim is dismissed: the engine's answer stands (nobody, if it was the pool's).
        return Ruling(owner, _shares((owner, HUNDRED)) if owner else (), template=template)
    if template == RulingTemplate.KEEP_OWNER:
        if owner is None:
            raise TemplateNotApplicable("nobody owned the household at opening")
        return Ruling(owner, _shares((owner, HUNDRED)), template=template)
    owner = _two_parties(claimant, owner)
    if template == RulingTemplate.HALF:
        return Ruling(owner, _shares((owner, 50), (claimant, 50)), template=template)
    if template == RulingTemplate.THIRTY_SEVENTY:
        # The claimant helped significantly; the owner closed (seed: 甲30%, 乙70%).
        return Ruling(owner, _shares((owner, 70), (claimant, 30)), template=template)
    if template == RulingTemplate.COMPLAINT:
        taker = Decimal(splits.get("complaint_reassignment_percent", 100))
        return Ruling(
            claimant,
            _shares((claimant, taker), (owner, HUNDRED - taker)),
            ((owner, "complaint"),),
            template,
        )
    # Knowing poaching: the claimant went after a customer they knew was the owner's.
    return Ruling(owner, _shares((owner, HUNDRED)), ((claimant, "poaching"),), template)


def applicable_templates(*, claimant: str, owner: str | None) -> dict[str, bool]:
    """Which templates this pair of parties allows (the admin screen disables the others)."""
    result = {}
    for template in RulingTemplate:
        try:
            ruling_from_template(template, claimant=claimant, owner=owner, splits={})
            result[template.value] = True
        except TemplateNotApplicable:
            result[template.value] = False
    return result
