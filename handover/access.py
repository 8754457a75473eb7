"""Who may do what with certificates and handovers (API.md: finance-only endpoints are refused
to managers too; an object outside the caller's projects is a 404, a wrong role a 403)."""

from __future__ import annotations

from attribution.selectors import household_verdict
from orders.models import Contract
from projects.access import has_role, is_member
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import NotFound, NotPermitted

ISSUERS = (Role.FINANCE,)
REVOKERS = (Role.MANAGER, Role.FINANCE)
# Who reads certificates (the desk, the PDFs); the customer's own consultant reads theirs.
CERTIFICATE_READERS = (Role.FINANCE, Role.MANAGER)
# Who runs handovers: the office's clerks and managers for every unit, a consultant for the
# deals they closed or the households they own (seed 000: the consultant leads the owner).
HANDOVER_OFFICE = (Role.CLERK, Role.MANAGER)
HANDOVER_ROLES = (*HANDOVER_OFFICE, Role.CONSULTANT)
# 入住资格确认 is the (deputy) manager's node in seed 002 (B10); clerks stand in for them.
QUALIFIERS = (Role.CLERK, Role.MANAGER)
BATCH_MAKERS = (Role.MANAGER,)


def ensure_member(user, project: Project) -> None:
    """Another project's records do not exist for the caller."""
    if not (user.is_superuser or is_member(user, project)):
        raise NotFound()


def ensure_role(user, roles: tuple[str, ...], message: str | None = None) -> None:
    if not has_role(user, *roles):
        raise NotPermitted(message)


def is_customers_consultant(user, contract: Contract) -> bool:
    """The consultant who closed the deal, or who owns the buyer's household now."""
    if not has_role(user, Role.CONSULTANT):
        return False
    subscription = contract.subscription
    if subscription.consultant_id == user.pk:
        return True
    verdict = household_verdict(subscription.customer.household)
    return user.username in (verdict.owner, verdict.deal_consultant)


def may_read_certificate(user, contract: Contract) -> bool:
    return has_role(user, *CERTIFICATE_READERS) or is_customers_consultant(user, contract)


def may_work_on_handover(user, contract: Contract) -> bool:
    return has_role(user, *HANDOVER_OFFICE) or is_customers_consultant(user, contract)
