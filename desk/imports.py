"""The clerk's daily sheet (来人来电表录入): reading the file, and importing it set-based.

Parsing is pure (bytes in, :class:`SheetRow` out). The import reads and writes in a constant
number of queries per chunk of rows, whatever the sheet's length: the validity rules are those
of the front desk (``customers.validity``), applied row by row in memory.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from attribution.facts import Ledger, RegistrationFact
from attribution.models import HouseholdState
from attribution.policy import Policy
from attribution.selectors import LIVE, names_for, policy_in_force, verdicts_for
from attribution.services import household_states_refresh
from customers.models import Customer, Household, ImportBatch, Kind, Registration
from customers.validity import attribution_time, phone_or_defect, reason_text, registration_defects
from disputes.models import DisputeKind, ViolationKind
from disputes.opening import dispute_open
from disputes.violations import ViolationDraft, violations_record
from projects.access import has_role, is_member
from projects.models import Membership, Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotPermitted
from salesoffice.history import history_of_created

CHUNK_SIZE = 2000
MAX_ROWS = 20_000
# A workbook of MAX_ROWS rows unpacks to about 10 MB; anything far beyond is no daily sheet.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# pg_advisory_xact_lock(namespace, project id): one import per project at a time.
IMPORT_LOCK_NAMESPACE = 0x5348  # "SH"

COLUMNS = ("kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note")
REQUIRED_COLUMNS = ("kind", "occurred_at", "consultant", "name", "phone")
CHINESE_HEADERS = {
    "kind": "类型",
    "occurred_at": "时间",
    "consultant": "置业顾问",
    "name": "客户姓名",
    "gender": "性别",
    "phone": "手机号码",
    "source": "信息来源",
    "note": "备注",
}
HEADER_ALIASES = {
    **{column: column for column in COLUMNS},
    **{chinese: column for column, chinese in CHINESE_HEADERS.items()},
    "姓名": "name",
    "手机": "phone",
    "电话": "phone",
    "顾问": "consultant",
    "来源": "source",
}
KIND_WORDS = {"来访": Kind.VISIT, "访": Kind.VISIT, "visit": Kind.VISIT, "来电": Kind.CALL}
KIND_WORDS |= {"电": Kind.CALL, "call": Kind.CALL}
GENDER_WORDS = {"男": "M", "m": "M", "male": "M", "先生": "M", "女": "F", "f": "F"}
GENDER_WORDS |= {"female": "F", "女士": "F", "小姐": "F"}
SHEET_KIND_WORDS = {Kind.VISIT: "来访", Kind.CALL: "来电"}
SHEET_GENDER_WORDS = {"M": "男", "F": "女"}
LOCAL_TIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[T ]*(\d{1,2})[:时](\d{1,2})"
    r"(?:[:分](\d{1,2}))?[分秒]?$"
)
# Excel's day numbers for 2000-01-01 .. 2100-01-01, for a time typed into a "General" cell.
EXCEL_SERIAL_RANGE = (36526, 73051)
FIELD_OF_DEFECT = {
    "name_missing": "name",
    "name_incomplete": "name",
    "phone_missing": "phone",
    "phone_invalid": "phone",
    "occurred_in_future": "occurred_at",
}


# ------------------------------------------------------------------------------
# Reading the file
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetRow:
    """One data row as written on the sheet; ``occurred_at`` is naive when the sheet had no
    offset (read later in the project's zone) and ``None`` when it could not be read."""

    row: int
    kind: str = ""
    occurred_at: datetime | None = None
    occurred_at_text: str = ""
    consultant: str = ""
    name: str = ""
    gender: str = ""
    phone: str = ""
    source: str = ""
    note: str = ""


def unreadable(message: str) -> DomainError:
    return DomainError(message, code="unreadable_sheet", fields={"file": [message]})


def parse_sheet(file: IO[bytes] | bytes, filename: str) -> list[SheetRow]:
    """The data rows of a CSV (UTF-8, with or without BOM) or XLSX daily sheet."""
    content = file if isinstance(file, bytes) else file.read()
    if not content:
        raise unreadable(_("The file is empty."))
    cells = _xlsx_cells(content) if _looks_like_xlsx(content, filename) else _csv_cells(content)
    return rows_from_cells(cells)


def _looks_like_xlsx(content: bytes, filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK"


def _csv_cells(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in a Chinese Windows saves "CSV" in GB18030 unless told otherwise.
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise unreadable(_("The file is neither a UTF-8 CSV nor an XLSX workbook.")) from exc
    dialect = csv.excel_tab if "\t" in text.split("\n", 1)[0] else csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as exc:
        raise unreadable(_("The file is not a readable CSV.")) from exc


def _xlsx_cells(content: bytes) -> Iterator[Sequence[Any]]:
    """The first sheet's rows, read by calamine (Rust: a 10,000-row sheet in a tenth of a
    second, where openpyxl takes two). It reads the whole sheet at once, so the workbook's
    unpacked size is bounded first: a small zip cannot unpack into gigabytes."""
    from python_calamine import CalamineWorkbook

    _refuse_oversized(content)
    # A damaged workbook fails in the zip, the XML or calamine itself: all mean the same.
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = workbook.get_sheet_by_index(0).to_python()
    except Exception as exc:
        raise unreadable(_("The file is not a readable XLSX workbook.")) from exc
    yield from rows


def _refuse_oversized(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise unreadable(_("The file is not a readable XLSX workbook.")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise _too_large()


def _too_large() -> DomainError:
    return DomainError(
        _("A sheet may have at most %(max)d rows; split it.") % {"max": MAX_ROWS},
        code="sheet_too_large",
        fields={"file": [_("Too many rows.")]},
    )


def rows_from_cells(cells: Iterable[Sequence[Any]]) -> list[SheetRow]:
    """Header row first (the first non-blank one), then the data rows; blank rows skipped."""
    cells = iter(cells)
    header = next((r for r in cells if not _blank(r)), None)
    if header is None:
        raise unreadable(_("The sheet has no header row."))
    columns = _columns(header)
    rows: list[SheetRow] = []
    for values in cells:
        if _blank(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_large()
        raw = {name: values[i] if i < len(values) else None for i, name in columns.items()}
        rows.append(sheet_row(len(rows) + 1, raw))
    return rows


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def _columns(header: Sequence[Any]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        key = re.sub(r"[\s*＊:：]", "", str(title or "")).lower()
        if key in HEADER_ALIASES and HEADER_ALIASES[key] not in columns.values():
            columns[index] = HEADER_ALIASES[key]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns.values()]
    if missing:
        names = ", ".join(f"{CHINESE_HEADERS[c]} ({c})" for c in missing)
        raise unreadable(_("Columns missing from the header row: %(names)s.") % {"names": names})
    return columns


def sheet_row(number: int, raw: dict[str, Any]) -> SheetRow:
    occurred_at, occurred_text = read_time(raw.get("occurred_at"))
    return SheetRow(
        row=number,
        kind=read_kind(raw.get("kind")),
        occurred_at=occurred_at,
        occurred_at_text=occurred_text,
        consultant=_text(raw.get("consultant")),
        name=_text(raw.get("name")),
        gender=read_gender(raw.get("gender")),
        phone=_phone_text(raw.get("phone")),
        source=_text(raw.get("source")),
        note=_text(raw.get("note")),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone_text(value: Any) -> str:
    # A phone typed into a number cell comes back as 13800138000.0 or 1.38e10.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def read_kind(value: Any) -> str:
    text = _text(value)
    return KIND_WORDS.get(text.lower(), text)


def read_gender(value: Any) -> str:
    return GENDER_WORDS.get(_text(value).lower(), "")


def read_time(value: Any) -> tuple[datetime | None, str]:
    """A datetime (naive unless the sheet gave an offset) and the text as written."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0), ""
    if isinstance(value, date | time):
        return None, str(value)
    if isinstance(value, int | float) and EXCEL_SERIAL_RANGE[0] <= value < EXCEL_SERIAL_RANGE[1]:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).replace(microsecond=0), ""
    text = _text(value)
    match = LOCAL_TIME.match(re.sub(r"\s+", " ", text.replace("：", ":")))
    try:
        if match:
            y, mo, d, h, mi, s = (int(part or 0) for part in match.groups())
            return datetime(y, mo, d, h, mi, s), ""  # noqa: DTZ001 - the project's zone, later
        # A date alone is not a time of visit: midnight would be a guess.
        parsed = parse_datetime(text) if re.search(r"\d[:：]\d", text) else None
    except ValueError:
        parsed = None
    return (parsed, "") if parsed else (None, text)


# ------------------------------------------------------------------------------
# Importing
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffIndex:
    """The project's staff, found by username or, when unique, by name (the paper uses names)."""

    by_username: dict[str, int]
    by_name: dict[str, list[int]]

    @classmethod
    def of(cls, project: Project) -> StaffIndex:
        rows = (
            get_user_model()
            .objects.filter(memberships__project=project)
            .values_list("pk", "username", "first_name")
        )
        by_username: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for pk, username, name in rows:
            by_username[username] = pk
            if name:
                by_name.setdefault(name.strip(), []).append(pk)
        return cls(by_username, by_name)

    def find(self, text: str) -> tuple[int | None, str | None]:
        if text in self.by_username:
            return self.by_username[text], None
        matches = self.by_name.get(text, [])
        if len(matches) == 1:
            return matches[0], None
        return None, "ambiguous_consultant" if matches else "unknown_consultant"


@dataclass(frozen=True)
class ImportContext:
    project: Project
    tz: ZoneInfo
    now: datetime
    max_delay_hours: int
    policy: Policy
    staff: StaffIndex
    acting_user: Any
    batch: ImportBatch | None = None


@dataclass
class RowFacts:
    """Everything the import decides about one row, before and after the database is asked."""

    row: int
    input: dict[str, str]
    errors: list[dict[str, str]] = field(default_factory=list)
    storable: bool = False
    kind: str = ""
    occurred_at: datetime | None = None
    attributed_at: datetime | None = None
    consultant_id: int | None = None
    name: str = ""
    gender: str = ""
    phone_input: str = ""
    phone: str = ""
    source: str = ""
    note: str = ""
    defects: list[str] = field(default_factory=list)
    status: str = ""
    customer_id: int | None = None
    household_id: int | None = None
    registration_id: int | None = None
    owner: dict[str, str] | None = None
    quota_reached: bool = False
    household_created: bool = False  # this sheet created the customer and their household

    @property
    def dedup_key(self) -> tuple:
        return dedup_key(
            self.phone, self.phone_input, self.name, self.consultant_id, self.kind, self.occurred_at
        )


def dedup_key(phone, phone_input, name, consultant_id, kind, occurred_at) -> tuple:
    # Without a usable phone, what was written (and the name) tells rows apart.
    identity = phone or ("?", phone_input, name)
    return (identity, consultant_id, kind, occurred_at)


def error(code: str, field_name: str, message: str) -> dict[str, str]:
    return {"code": code, "field": field_name, "message": str(message)}


REFUSALS = {
    "consultant_missing": lambda: _("The consultant is missing."),
    "unknown_consultant": lambda: _("No staff member of this project has this name or username."),
    "ambiguous_consultant": lambda: _("Several staff members have this name: use the username."),
    "kind_unreadable": lambda: _("The kind must be 来访 (visit) or 来电 (call)."),
    "occurred_at_missing": lambda: _("The time of the visit or call is missing."),
    "occurred_at_unreadable": lambda: _(
        "The time is not a date and time such as 2026-03-02 10:00."
    ),
}


def row_facts(row: SheetRow, ctx: ImportContext) -> RowFacts:
    """One row's facts: what refuses it outright, else its defects and attribution time.

    Later rules (quota facts, referrers) extend this one function.
    """
    facts = RowFacts(row=row.row, input=row_input(row, ctx.tz))
    consultant_id, consultant_problem = (
        ctx.staff.find(row.consultant) if row.consultant else (None, "consultant_missing")
    )
    refusals = [("consultant", consultant_problem)]
    refusals.append(("kind", None if row.kind in Kind.values else "kind_unreadable"))
    if row.occurred_at is None:
        problem = "occurred_at_unreadable" if row.occurred_at_text else "occurred_at_missing"
        refusals.append(("occurred_at", problem))
    facts.errors = [error(code, name, REFUSALS[code]()) for name, code in refusals if code]
    if facts.errors:
        return facts
    occurred_at = row.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, ctx.tz)
    phone, phone_defect = phone_or_defect(row.phone)
    facts.defects = registration_defects(
        name=row.name,
        gender=row.gender,
        phone_defect=phone_defect,
        occurred_at=occurred_at,
        now=ctx.now,
    )
    facts.errors = [error(d, FIELD_OF_DEFECT.get(d, ""), reason_text(d)) for d in facts.defects]
    return replace(
        facts,
        storable=True,
        kind=row.kind,
        occurred_at=occurred_at,
        attributed_at=attribution_time(occurred_at, ctx.now, ctx.max_delay_hours),
        consultant_id=consultant_id,
        name=row.name[:100],
        gender=row.gender,
        phone_input=row.phone[:64],
        phone=phone,
        source=row.source[:100],
        note=row.note,
    )


def row_input(row: SheetRow, tz: ZoneInfo) -> dict[str, str]:
    """The row in the sheet's own words, for the report (the clerk sees every customer)."""
    when = row.occurred_at_text
    if row.occurred_at is not None:
        local = row.occurred_at
        if timezone.is_aware(local):
            local = local.astimezone(tz)
        when = f"{local:%Y-%m-%d %H:%M}"
    return {
        "kind": SHEET_KIND_WORDS.get(row.kind, row.kind),
        "occurred_at": when,
        "consultant": row.consultant,
        "name": row.name,
        "gender": SHEET_GENDER_WORDS.get(row.gender, ""),
        "phone": row.phone,
        "source": row.source,
        "note": row.note,
    }


@dataclass
class ImportReport:
    rows: list[RowFacts]
    dry_run: bool
    atomic: bool
    stored: bool
    batch: ImportBatch | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def created(self) -> int:
        return self.count("created") if self.stored or self.dry_run else 0

    def row_payload(self, facts: RowFacts) -> dict[str, Any]:
        body = {
            "row": facts.row,
            "status": facts.status,
            "registration": facts.registration_id,
            "customer": facts.customer_id,
            "errors": facts.errors,
            "input": facts.input,
        }
        if self.dry_run:
            body["owner"] = facts.owner
        return body

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [self.row_payload(r) for r in self.rows],
            "created": self.created,
            "invalid": self.count("invalid"),
            "duplicate": self.count("duplicate"),
            "stored": self.stored,
            "dry_run": self.dry_run,
            "atomic": self.atomic,
            "batch": self.batch.pk if self.batch else None,
        }


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


def chunks(items: Sequence, size: int | None = None) -> Iterator[Sequence]:
    size = size or CHUNK_SIZE
    for start in range(0, len(items), size):
        yield items[start : start + size]


def classify(rows: Sequence[SheetRow], ctx: ImportContext) -> list[RowFacts]:
    """Each row's status as it would be stored: two queries per chunk, none per row."""
    seen: set[tuple] = set()
    result: list[RowFacts] = []
    for chunk in chunks(rows):
        facts = [row_facts(row, ctx) for row in chunk]
        storable = [f for f in facts if f.storable]
        existing = existing_keys(ctx.project, storable)
        customers = customers_by_phone(ctx.project, {f.phone for f in storable if f.phone})
        for f in facts:
            classify_row(f, seen, existing, customers)
        result.extend(facts)
    return result


def classify_row(f: RowFacts, seen: set, existing: set, customers: dict) -> None:
    if not f.storable:
        f.status = "invalid"
        return
    key = f.dedup_key
    if key in existing or key in seen:
        f.status = "duplicate"
        f.errors = [error("duplicate", "", _duplicate_message(key in existing))]
        return
    seen.add(key)
    f.status = "invalid" if f.defects else "created"
    f.customer_id, f.household_id = customers.get(f.phone, (None, None))


def _duplicate_message(already_stored: bool) -> str:
    if already_stored:
        return _("Already registered: same phone, consultant, kind and time.")
    return _("Repeats an earlier row of this sheet.")


def existing_keys(project: Project, facts: Sequence[RowFacts]) -> set[tuple]:
    """The dedup keys already in the ledger for these rows' phones (times matched in memory:
    a phone has few registrations, and the (project, phone) index finds them at once)."""
    phones = {f.phone for f in facts if f.phone}
    phoneless_times = {f.occurred_at for f in facts if not f.phone}
    if not (phones or phoneless_times):
        return set()
    match = Q(phone__in=phones)
    if phoneless_times:
        match |= Q(phone="", occurred_at__in=phoneless_times)
    rows = Registration.objects.filter(match, project=project).values_list(
        "phone", "phone_input", "name", "consultant_id", "kind", "occurred_at"
    )
    return {dedup_key(*row) for row in rows}


def customers_by_phone(project: Project, phones: set[str]) -> dict[str, tuple[int, int]]:
    if not phones:
        return {}
    rows = Customer.objects.filter(project=project, phone__in=phones).values_list(
        "phone", "pk", "household_id"
    )
    return {phone: (pk, household) for phone, pk, household in rows}


def add_owners(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """Who owns each existing customer now, so the check can say 撞单(已归属 张伟)."""
    known = [f for f in facts if f.household_id]
    for chunk in chunks(known):
        verdicts = verdicts_for(ctx.project, {f.household_id for f in chunk}, ctx.now)
        names = names_for(v.owner for v in verdicts.values())
        for f in chunk:
            owner = verdicts[f.household_id].owner
            f.owner = {"username": owner, "name": names.get(owner, owner)} if owner else None


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


def store(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    to_store = [f for f in facts if f.status in ("created", "invalid") and f.storable]
    for chunk in chunks(new_customer_rows(to_store)):
        create_customers(chunk, ctx)
    new_ids = {f.phone: (f.customer_id, f.household_id) for f in to_store if f.customer_id}
    for f in to_store:
        if f.phone and not f.customer_id and f.phone in new_ids:
            f.customer_id, f.household_id = new_ids[f.phone]
    quotas = QuotaBook.of(ctx, to_store)
    for f in to_store:
        f.quota_reached = quotas.reached(f)
    for chunk in chunks(to_store):
        registrations = Registration.objects.bulk_create([registration_of(f, ctx) for f in chunk])
        for f, registration in zip(chunk, registrations, strict=True):
            f.registration_id = registration.pk
    record_late_entries(to_store, ctx)
    refresh_households(to_store, ctx)


def record_late_entries(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """录入不及时: rows entered beyond ``max_entry_delay_hours`` count from their entry, and
    are a violation of whoever entered them (one insert for the sheet), as at the desk."""
    violations_record(
        [
            ViolationDraft(
                ctx.project,
                ctx.acting_user.pk,
                ViolationKind.LATE_ENTRY,
                ctx.now,
                f"registration:{f.registration_id}",
            )
            for f in facts
            if f.attributed_at != f.occurred_at
        ],
        now=ctx.now,
        acting_user=ctx.acting_user,
    )


@dataclass
class QuotaBook:
    """A9 across a sheet: each consultant's live claims against their quota, counted as the
    rows give them new claims (a row of a household nobody holds, which starts a claim)."""

    quotas: dict[int, int | None]
    counts: dict[int, int]
    live: set[int]
    calls_count: bool

    @classmethod
    def of(cls, ctx: ImportContext, facts: Sequence[RowFacts]) -> QuotaBook:
        consultants = {f.consultant_id for f in facts}
        # The same lock registration_create takes: no desk registration slips past a quota.
        memberships = list(
            Membership.objects.select_for_update()
            .filter(project=ctx.project, user_id__in=consultants)
            .order_by("pk")
            .values_list("user_id", "claim_quota")
        )
        live_states = HouseholdState.objects.filter(
            project=ctx.project, status__in=LIVE, expires_at__gte=ctx.now
        )
        counts = dict(
            live_states.filter(owner_id__in=consultants)
            .values("owner_id")
            .annotate(n=Count("pk"))
            .values_list("owner_id", "n")
        )
        households = {f.household_id for f in facts if f.household_id}
        live = set(
            live_states.filter(household_id__in=households).values_list("household_id", flat=True)
        )
        quotas = {
            user: own if own is not None else ctx.policy.claim_quota for user, own in memberships
        }
        return cls(quotas, counts, live, ctx.policy.calls_establish_claim)

    def reached(self, f: RowFacts) -> bool:
        if f.defects or not f.household_id or f.household_id in self.live:
            return False
        if f.kind == "call" and not self.calls_count:
            return False
        quota = self.quotas.get(f.consultant_id)
        if quota is not None and self.counts.get(f.consultant_id, 0) >= quota:
            return True
        self.counts[f.consultant_id] = self.counts.get(f.consultant_id, 0) + 1
        self.live.add(f.household_id)
        return False


def refresh_households(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """The engine's answer for every household the sheet touched, a chunk at a time; a
    same-day collision under the manager's policy opens its dispute, as at the desk."""
    households = sorted({f.household_id for f in facts if f.household_id})
    imported = {f.registration_id: f for f in facts}
    known = created_household_ledgers(facts, ctx)
    for chunk in chunks(households):
        verdicts = household_states_refresh(
            project=ctx.project,
            household_ids=chunk,
            now=ctx.now,
            known={h: known[h] for h in chunk if h in known},
        )
        for verdict in verdicts.values():
            collided = collision_registration(verdict, imported)
            if collided is not None:
                open_collision_dispute(collided, ctx)


def created_household_ledgers(facts: Sequence[RowFacts], ctx: ImportContext) -> dict[int, Ledger]:
    """The whole ledger of each household this sheet created: its rows, nothing else (no
    desk registration can reach a customer our transaction has not yet committed). Reading
    them back would cost most of the attribution refresh."""
    created = {f.household_id: f.customer_id for f in facts if f.household_created}
    usernames = {pk: username for username, pk in ctx.staff.by_username.items()}
    rows: dict[int, list[RegistrationFact]] = defaultdict(list)
    for f in sorted(facts, key=lambda f: f.registration_id or 0):
        if f.household_id in created:
            rows[f.household_id].append(registration_fact(f, ctx, usernames))
    return {h: Ledger(anchor=created[h], registrations=tuple(rows[h])) for h in created}


def registration_fact(f: RowFacts, ctx: ImportContext, usernames: dict) -> RegistrationFact:
    """The row as the engine reads a stored registration (attribution.selectors)."""
    return RegistrationFact(
        id=f.registration_id,
        customer=f.customer_id,
        consultant=usernames.get(f.consultant_id),
        kind=f.kind,
        occurred_at=f.occurred_at,
        attributed_at=f.attributed_at,
        entered_at=ctx.now,
        valid=not f.defects,
        quota_reached=f.quota_reached,
    )


def collision_registration(verdict, imported: dict) -> int | None:
    for item in verdict.basis:
        if item.rule == "A1" and item.params.get("collision") and item.event.id in imported:
            return item.event.id
    return None


def open_collision_dispute(registration_id: int, ctx: ImportContext) -> None:
    registration = Registration.objects.select_related("customer__household", "consultant").get(
        pk=registration_id
    )
    dispute_open(
        household=registration.customer.household,
        claimant=registration.consultant,
        reason=_("Registered the same day by two consultants."),
        acting_user=ctx.acting_user,
        kind=DisputeKind.SAME_DAY,
        registration=registration,
    )


def new_customer_rows(facts: Sequence[RowFacts]) -> list[RowFacts]:
    """The first named row of each phone not yet a customer: a new customer needs a name."""
    first: dict[str, RowFacts] = {}
    for f in facts:
        if f.phone and not f.customer_id and f.name.strip() and f.phone not in first:
            first[f.phone] = f
    return list(first.values())


def create_customers(rows: Sequence[RowFacts], ctx: ImportContext, attempts: int = 3) -> None:
    """Each new customer with a household of their own, in one savepoint.

    A front-desk registration may create one of these phones at this very moment: the unique
    constraint refuses our chunk, the savepoint takes our households with it, and the chunk is
    tried again with the winner's customer read back.
    """
    for attempt in range(attempts):
        pending = [f for f in rows if not f.customer_id]
        if not pending:
            return
        try:
            with transaction.atomic():
                insert_customers(pending, ctx)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            found = customers_by_phone(ctx.project, {f.phone for f in pending})
            for f in pending:
                f.customer_id, f.household_id = found.get(f.phone, (None, None))


def insert_customers(rows: Sequence[RowFacts], ctx: ImportContext) -> None:
    households = Household.objects.bulk_create([Household(project=ctx.project) for _row in rows])
    customers = Customer.objects.bulk_create(
        [
            Customer(
                project=ctx.project,
                phone=f.phone,
                name=f.name.strip(),
                gender=f.gender,
                household=household,
                origin_household=household,
            )
            for f, household in zip(rows, households, strict=True)
        ]
    )
    for model, created in ((Household, households), (Customer, customers)):
        history_of_created(model, [c.pk for c in created], user=ctx.acting_user, at=ctx.now)
    for f, customer in zip(rows, customers, strict=True):
        f.customer_id, f.household_id = customer.pk, customer.household_id
        f.household_created = True


def registration_of(f: RowFacts, ctx: ImportContext) -> Registration:
    return Registration(
        quota_reached=f.quota_reached,
        project=ctx.project,
        kind=f.kind,
        occurred_at=f.occurred_at,
        attributed_at=f.attributed_at,
        entered_at=ctx.now,
        entered_by=ctx.acting_user,
        consultant_id=f.consultant_id,
        customer_id=f.customer_id,
        name=f.name.strip(),
        gender=f.gender,
        phone_input=f.phone_input,
        phone=f.phone,
        valid=not f.defects,
        invalid_reasons=f.defects,
        source=f.source,
        note=f.note,
        batch=ctx.batch,
    )


# ------------------------------------------------------------------------------
# Writing XLSX: the blank template and a batch's report
# ------------------------------------------------------------------------------
EXAMPLE_ROW = ("来访", "2026-03-02 10:00", "王芳", "赵敏", "女", "13800138000", "自然来访", "")


def template_xlsx() -> bytes:
    """The daily sheet template: the paper sheet's Chinese headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "来人来电表"
    sheet.append([CHINESE_HEADERS[c] for c in COLUMNS])
    sheet.append(list(EXAMPLE_ROW))
    for column, width in zip("ABCDEFGH", (8, 18, 12, 12, 6, 16, 14, 24), strict=True):
        sheet.column_dimensions[column].width = width
    # Phones as text, so Excel keeps every digit and no scientific notation.
    for cell in sheet["F"]:
        cell.number_format = "@"
    return _workbook_bytes(workbook)


STATUS_WORDS = {
    "created": lambda: _("Created"),
    "invalid": lambda: _("Invalid"),
    "duplicate": lambda: _("Duplicate"),
}


def report_xlsx(batch: ImportBatch) -> bytes:
    """A batch's row report, one line per sheet row, in the sheet's own columns."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    headers = [_("Row"), *(CHINESE_HEADERS[c] for c in COLUMNS)]
    sheet.append([*headers, _("Status"), _("Registration"), _("Customer"), _("Reasons")])
    for row in batch.report:
        values = row.get("input") or {}
        status = STATUS_WORDS.get(row["status"], lambda s=row["status"]: s)()
        reasons = "; ".join(e["message"] for e in row.get("errors", []))
        cells = [as_text_cell(values.get(c, "")) for c in COLUMNS]
        sheet.append(
            [row["row"], *cells, status, row["registration"], row.get("customer"), reasons]
        )
    return _workbook_bytes(workbook)


def as_text_cell(value: Any) -> Any:
    # What a clerk typed must never become a formula in the downloaded report.
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        return "'" + value
    return value


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
