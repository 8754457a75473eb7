"""History rows (django-simple-history) for rows a batch has just inserted with bulk_create:
the database copies them from the new rows in one statement, where the library's own
``bulk_create_with_history`` builds one Python object per row (most of a sheet import's time)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

# The history columns filled here; every other column is copied from the row itself.
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def history_of_created(model, ids, *, user, at) -> None:
    """The "+" (created) history row of each of ``ids``, as simple-history would write it."""
    if not ids:
        return
    history = model.history.model
    fields = [f for f in history._meta.concrete_fields if f.column != "history_id"]
    copied = [f.column for f in fields if not f.column.startswith("history_")]
    extra = {f.column for f in fields if f.column.startswith("history_")} - set(HISTORY_COLUMNS)
    if extra:
        raise ImproperlyConfigured(f"{history.__name__} has history columns not filled: {extra}")
    quote = connection.ops.quote_name
    table, source = quote(history._meta.db_table), quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*copied, *HISTORY_COLUMNS))
    values = ", ".join(quote(c) for c in copied)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {values}, %s, NULL, '+', %s "
        f"FROM {source} WHERE {quote(model._meta.pk.column)} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, user.pk if user else None, *ids])
