"""What every step of a unit's handover does alike (seeds 000 and 002): the caller may work on
the handover; the step is taken on a live contract, before the keys, after the step it needs;
and it appends its row, stamped with who entered it and when.

Every step takes the locks of the unit, the contract and then the handover, in that order
everywhere (the orders app's payments lock the unit, then the contract; the certificate writes
lock only the contract), so concurrent steps on one unit are serialised and cannot deadlock;
one-to-ones make each once-only step once-only even for a writer that skipped the locks.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from handover import checklist
from handover.access import ensure_member, may_work_on_handover
from handover.certificates import ensure_not_cancelled
from handover.models import UnitHandover
from handover.selectors import progress_of
from orders.models import Contract, Unit
from salesoffice.errors import Conflict, NotPermitted


def ensure_may_work(user, handover: UnitHandover) -> None:
    ensure_member(user, handover.project)
    if not may_work_on_handover(user, handover.contract):
        raise NotPermitted(_("This handover is another consultant's customer."))


def lock_open(handover: UnitHandover) -> tuple[UnitHandover, checklist.Progress]:
    """How every step starts, inside its transaction: the handover locked and read again, and
    where it stands, refused once it is closed."""
    handover = _locked(handover)
    return handover, _ensure_open(handover)


def _locked(handover: UnitHandover) -> UnitHandover:
    """The unit's row, the contract's, then the handover's: the locks of every handover step,
    in the order the orders app's payments take them (unit, then contract), so that handing
    over the keys while a payment is recorded cannot deadlock."""
    Unit.objects.select_for_update().filter(pk=handover.unit_id).first()
    Contract.objects.select_for_update(of=("self",)).filter(pk=handover.contract_id).first()
    return (
        UnitHandover.objects.select_for_update(of=("self",))
        .select_related("project", "batch", "unit", "customer", "contract__subscription")
        .get(pk=handover.pk)
    )


def _ensure_open(handover: UnitHandover) -> checklist.Progress:
    """Steps are taken on a live contract, before the keys."""
    ensure_not_cancelled(handover.contract)
    progress = progress_of(handover)
    if progress.keys:
        raise Conflict(_("The keys were already handed over."), code="already_handed_over")
    return progress


def ensure_step_allowed(step: str, progress: checklist.Progress) -> None:
    missing = checklist.missing_before(step, progress)
    if missing is None:
        return
    messages = {
        checklist.QUALIFICATION: _("Confirm the owner's move-in qualification first."),
        checklist.INSPECTION: _("Inspect the unit with the owner first."),
        checklist.CONFIRMATION: _("The owner signs the handover confirmation first."),
    }
    raise Conflict(messages[missing], code=f"{missing}_required")


def ensure_not_confirmed(progress: checklist.Progress) -> None:
    """Once the owner signed, the inspection is over: no new one, no second signature."""
    if progress.confirmed:
        raise Conflict(_("The owner already signed the confirmation."), code="already_confirmed")


def step_row(
    model: type[Model],
    *,
    handover: UnitHandover,
    acting_user,
    note: str,
    at: datetime | None = None,
    **recorded,
):
    """The step's append-only row: what it records, its note, who entered it and when (``at``
    for a step that read the clock already, else now)."""
    return model.objects.create(
        handover=handover,
        **recorded,
        note=(note or "").strip(),
        entered_at=at or timezone.now(),
        entered_by=acting_user,
    )
