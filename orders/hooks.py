"""What the apps above orders add to a deal, connected in their ``AppConfig.ready`` (orders
imports none of them): reactions to a cancelled contract, and the payoff certificate's button on
each contract (handover)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

# Called in the cancellation's transaction: ``react(contract=..., reason=..., acting_user=...)``.
CONTRACT_CANCELLED: list[Callable[..., None]] = []


@dataclass(frozen=True)
class ContractButton:
    """A button shown on each contract (its page and the finance desk's rows): the template to
    include, and what it reads, added to the contracts' own query so that no row costs one."""

    template: str
    annotate: Callable[[QuerySet], QuerySet]


# At most one today: the payoff certificate's (开具房款付清证明).
CONTRACT_BUTTONS: list[ContractButton] = []


def payoff_button() -> ContractButton | None:
    return CONTRACT_BUTTONS[0] if CONTRACT_BUTTONS else None
