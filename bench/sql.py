"""SQL helpers of the seeding and of the limits: set-based, spelled from the models' metadata."""

from __future__ import annotations


def table(model) -> str:
    return model._meta.db_table


def column_defaults(model, overrides: dict[str, str]) -> tuple[list[str], list[str], list]:
    """Columns, SQL expressions and parameters for an INSERT of every NOT NULL column (model
    defaults are not database defaults, so each one is spelled out); nullable columns that are
    not overridden are left out (NULL). ``overrides`` maps a column to its SQL expression."""
    from django.db import connection

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or (field.null and field.column not in overrides):
            continue
        columns.append(field.column)
        if field.column in overrides:
            expressions.append(overrides[field.column])
        else:
            expressions.append("%s")
            default = field.get_default() if field.has_default() or not field.null else None
            params.append(field.get_db_prep_save(default, connection))
    return columns, expressions, params
