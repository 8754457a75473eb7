"""The payoff button's state for a contract (finance desk, certificate desk).

Reads the annotations of ``handover.selectors.with_payoff_state`` when the list made them (no
query per row); a contract without them costs two small queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import template

from handover.access import ISSUERS
from handover.models import PayoffCertificate
from orders.balances import ZERO, outstanding
from orders.models import Contract, ContractCancellation
from projects.access import has_role

register = template.Library()


@dataclass(frozen=True)
class PayoffState:
    outstanding: Decimal
    cancelled: bool
    certificate: PayoffCertificate | None  # the valid one
    may_issue: bool  # the viewer is finance

    @property
    def issuable(self) -> bool:
        return self.outstanding == ZERO and not self.cancelled and self.certificate is None


def _valid_certificate(contract: Contract) -> PayoffCertificate | None:
    valid = getattr(contract, "valid_certificate", None)
    return valid.certificate if valid is not None else None


@register.simple_tag(takes_context=True)
def payoff_state(context, contract: Contract) -> PayoffState:
    owed = getattr(contract, "payoff_outstanding", None)
    cancelled = getattr(contract, "payoff_cancelled", None)
    if owed is None:
        owed = outstanding(contract)
    if cancelled is None:
        cancelled = ContractCancellation.objects.filter(contract=contract).exists()
    request = context.get("request")
    user = getattr(request, "user", None)
    return PayoffState(
        outstanding=owed,
        cancelled=cancelled,
        certificate=_valid_certificate(contract),
        may_issue=user is not None and has_role(user, *ISSUERS),
    )
