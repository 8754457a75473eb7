"""The import itself (API.md, ``registrations/import``): who may import, one import per project
at a time, the rows classified, then reported (dry run) or stored, and the batch recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.selectors import policy_in_force
from customers.models import ImportBatch
from desk.imports.classifying import add_owners, classify
from desk.imports.context import ImportContext, StaffIndex
from desk.imports.report import ImportReport
from desk.imports.sheet import SheetRow
from desk.imports.storing import store
from projects.access import has_role, is_member
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import NotPermitted

# pg_advisory_xact_lock(namespace, project id): one import per project at a time.
IMPORT_LOCK_NAMESPACE = 0x5348  # "SH"


def ensure_may_import(user, project: Project) -> None:
    """The daily sheets are for clerks and managers (DOMAIN.md §11)."""
    if user.is_superuser:
        return
    if not (is_member(user, project) and has_role(user, Role.CLERK, Role.MANAGER)):
        raise NotPermitted(_("Only clerks and managers import the daily sheets."))


def sheet_import(
    *,
    project: Project,
    rows: Sequence[SheetRow],
    atomic: bool,
    dry_run: bool,
    acting_user,
    filename: str = "",
    file: File | None = None,
) -> ImportReport:
    """Store a daily sheet's rows as registrations (see API.md, ``registrations/import``)."""
    ensure_may_import(acting_user, project)
    now = timezone.now()
    policy = policy_in_force(project, now)
    with transaction.atomic():
        if not dry_run:
            lock_project_imports(project)
        ctx = ImportContext(
            project=project,
            tz=project.tzinfo,
            now=now,
            max_delay_hours=policy.max_entry_delay_hours,
            policy=policy,
            staff=StaffIndex.of(project),
            acting_user=acting_user,
        )
        facts = classify(rows, ctx)
        refused = atomic and any(f.status != "created" for f in facts)
        report = ImportReport(facts, dry_run, atomic, stored=not (dry_run or refused))
        if dry_run:
            add_owners(facts, ctx)
            return report
        report.batch = batch_open(ctx, filename, file, atomic)
        if report.stored:
            store(facts, replace(ctx, batch=report.batch))
        batch_close(report)
    return report


def lock_project_imports(project: Project) -> None:
    # Two clerks importing one project at once must not both store the same duplicate row.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, project.pk % 2**31]
        )


def batch_open(ctx: ImportContext, filename: str, file: File | None, atomic: bool) -> ImportBatch:
    batch = ImportBatch(
        project=ctx.project,
        uploaded_by=ctx.acting_user,
        uploaded_at=ctx.now,
        filename=filename[:255],
        atomic=atomic,
    )
    if file is not None:
        batch.file.save(filename or "sheet", file, save=False)
    batch.save()
    return batch


def batch_close(report: ImportReport) -> None:
    batch = report.batch
    body = report.as_dict()
    batch.created, batch.invalid, batch.duplicate = (
        body["created"],
        body["invalid"],
        body["duplicate"],
    )
    batch.report = body["rows"]
    batch.save(update_fields=["created", "invalid", "duplicate", "report"])
