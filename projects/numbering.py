"""Numbers without gaps or duplicates, per project: receipts, contracts, certificates."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from projects.models import NumberSequence, Project


def next_number(project: Project, name: str) -> int:
    """The next number of the project's ``name`` sequence. Call inside the transaction that
    uses it: the row lock serialises takers, and a rollback returns the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside a transaction")
    sequence = NumberSequence.objects.select_for_update().filter(project=project, name=name).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(project=project, name=name)
        except IntegrityError:
            pass  # another transaction created it first
        sequence = NumberSequence.objects.select_for_update().get(project=project, name=name)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def formatted(project: Project, prefix: str, number: int, width: int = 6) -> str:
    """``HX01-SJ-000123``: the project, the document's prefix and the number."""
    return f"{project.code}-{prefix}-{number:0{width}d}"
