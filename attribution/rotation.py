"""The rotation (轮序, DOMAIN.md §5): who receives the next walk-in, and the receptions that
must be followed by a registration."""

from __future__ import annotations

from django.utils.translation import gettext as _

from attribution.models import Reception
from projects.models import Project
from salesoffice.errors import Conflict, DomainError


def reception_for_registration(
    *, project: Project, reception_id: int | None, consultant, phone: str
) -> Reception | None:
    """The walk-in a registration completes: of this project and consultant, not yet registered.
    The visitor's phone is recorded on it (A13 refuses channel reports for received visitors)."""
    if reception_id is None:
        return None
    reception = (
        Reception.objects.select_for_update().filter(pk=reception_id, project=project).first()
    )
    if reception is None:
        raise DomainError(
            _("Unknown reception."),
            code="unknown_reception",
            fields={"reception": [_("Unknown reception.")]},
        )
    if reception.consultant_id != consultant.pk:
        raise DomainError(
            _("This walk-in was received by another consultant."),
            code="reception_mismatch",
            fields={"reception": [_("Mismatch.")]},
        )
    if hasattr(reception, "registration"):
        raise Conflict(_("This walk-in is already registered."), code="reception_registered")
    if phone and not reception.phone:
        reception.phone = phone
        reception.save(update_fields=["phone"])
    return reception
