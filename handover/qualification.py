"""入住资格确认 (seed 002, B10): a manager or a clerk confirms the owner may move in, the owner's
ID and contract checked against a valid payoff certificate of the contract, and nothing owed
on it since. The first step of a unit's checklist."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from handover.access import QUALIFIERS, ensure_member, ensure_role
from handover.certificates import ensure_paid_off
from handover.inputs import invalid
from handover.models import MoveInQualification, UnitHandover, ValidCertificate
from handover.unit_steps import lock_open, step_row
from salesoffice.errors import Conflict


def qualification_record(
    *, handover: UnitHandover, id_checked: bool, contract_checked: bool, note: str, acting_user
) -> MoveInQualification:
    """入住资格确认: only with a valid (not revoked) payoff certificate for the contract, and
    the owner's ID and contract checked against it."""
    ensure_member(acting_user, handover.project)
    ensure_role(acting_user, QUALIFIERS, _("A manager or a clerk confirms move-in qualification."))
    if not (id_checked and contract_checked):
        raise invalid(
            "id_checked", "checks_required", _("Check the owner's ID and contract first.")
        )
    with transaction.atomic():
        handover, progress = lock_open(handover)
        if progress.qualified:
            raise Conflict(_("The owner is already qualified."), code="already_qualified")
        valid = ValidCertificate.objects.filter(contract_id=handover.contract_id).first()
        if valid is None:
            raise Conflict(
                _("Move-in needs a valid payoff certificate from finance."),
                code="payoff_required",
            )
        # A refund after the certificate makes it wrong: finance revokes it (not_paid_off).
        ensure_paid_off(handover.contract)
        return step_row(
            MoveInQualification,
            handover=handover,
            acting_user=acting_user,
            note=note,
            certificate_id=valid.certificate_id,
            id_checked=True,
            contract_checked=True,
        )
