"""Append-only ledger events: never updated, never deleted; a mistake is fixed by a new event.

Three layers refuse a change: the model (``save`` of an existing row, ``delete``), the queryset
(``update``, ``delete``, ``bulk_update``) and, on PostgreSQL, a trigger on the table itself, so
that even raw SQL cannot rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerImmutableError(Exception):
    code = "ledger_immutable"

    def __init__(self, model_name: str) -> None:
        super().__init__(f"{model_name} rows are append-only: record a correction instead.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutableError(self.model.__name__)

    def delete(self):
        raise LedgerImmutableError(self.model.__name__)

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerImmutableError(self.model.__name__)

    def update_or_create(self, *args, **kwargs):
        raise LedgerImmutableError(self.model.__name__)


class LedgerEvent(models.Model):
    """Base of every ledger table: who entered the fact and when (the application's clock)."""

    entered_at = models.DateTimeField(_("entered at"), db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("entered by"),
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutableError(type(self).__name__)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError(type(self).__name__)


REFUSE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger table %% is append-only: %% refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger(table: str):
    """A migration operation installing the refusal trigger on PostgreSQL (no-op elsewhere)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # execute() passes parameters, so the literal %% of the SQL is doubled above.
        schema_editor.execute(REFUSE_FUNCTION_SQL)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return migrations.RunPython(forward, backward)
