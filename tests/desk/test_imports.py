"""The daily sheet: reading CSV/XLSX files, and the set-based import with the front desk's rules.

clara the clerk enters the evening's sheets; alice (王芳) and bob (李强) are the consultants.
"""

import io
import threading
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from customers.models import Customer, Household, ImportBatch, Registration
from desk.imports import classifying, context, reading, services, storing
from desk.imports.cells import read_time
from desk.imports.reading import parse_sheet
from desk.imports.report import template_xlsx
from desk.imports.services import sheet_import
from desk.imports.sheet import SheetRow
from desk.services import customer_get_or_create
from salesoffice.errors import DomainError, NotPermitted
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=SH)
API_HEADER = ["kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note"]
CHINESE_HEADER = ["类型", "时间", "置业顾问", "客户姓名", "性别", "手机号码", "信息来源", "备注"]


# ------------------------------------------------------------------------------
# Sheets made for the tests (also used by test_import_apis)
# ------------------------------------------------------------------------------
def sheet_line(n: int, *, consultant: str = "alice", name: str | None = None, phone=None):
    """The n-th visit of the evening: a distinct phone and minute per row."""
    when = datetime(2026, 3, 2, 9, 0) + timedelta(minutes=n % 480)
    return [
        "来访" if n % 3 else "来电",
        when.strftime("%Y-%m-%d %H:%M"),
        consultant,
        f"客户{n}" if name is None else name,
        "女" if n % 2 else "男",
        phone or f"137{n:08d}",
        "自然来访",
        "",
    ]


def thousand_lines_with_fifty_bad() -> list[list]:
    """950 good rows; every 20th row is bad: no name, a broken phone, or nobody's consultant."""
    lines = []
    for n in range(1, 1001):
        line = sheet_line(n)
        if n % 20 == 0:
            bad = (n // 20) % 3
            if bad == 0:
                line[3] = ""
            elif bad == 1:
                line[5] = "12345"
            else:
                line[2] = "nobody"
        lines.append(line)
    return lines


def csv_bytes(lines, header=CHINESE_HEADER, bom=True) -> bytes:
    text = "\n".join(",".join(str(c) for c in row) for row in [header, *lines]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def xlsx_bytes(lines, header=CHINESE_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def staff(alice, bob, clara, mike):
    return {"alice": alice, "bob": bob, "clara": clara, "mike": mike}


def run(project, lines, user, *, atomic=False, dry_run=False, header=CHINESE_HEADER):
    content = csv_bytes(lines, header)
    return sheet_import(
        project=project,
        rows=parse_sheet(content, "sheet.csv"),
        atomic=atomic,
        dry_run=dry_run,
        acting_user=user,
        filename="sheet.csv",
    )


# ------------------------------------------------------------------------------
# Reading the file
# ------------------------------------------------------------------------------
class TestParseSheet:
    def test_a_csv_with_bom_and_chinese_headers_gives_the_rows(self):
        rows = parse_sheet(csv_bytes([sheet_line(1)], bom=True), "今天.csv")
        assert rows == [
            SheetRow(
                row=1,
                kind="call" if 1 % 3 == 0 else "visit",
                occurred_at=datetime(2026, 3, 2, 9, 1),
                consultant="alice",
                name="客户1",
                gender="F",
                phone="13700000001",
                source="自然来访",
            )
        ]

    def test_api_headers_in_any_order_and_without_bom(self):
        content = (
            b"phone,name,consultant,occurred_at,kind\n13800138000,Zhao,bob,2026-03-02 10:00,call\n"
        )
        [row] = parse_sheet(content, "x.csv")
        assert (row.kind, row.consultant, row.phone, row.name) == (
            "call",
            "bob",
            "13800138000",
            "Zhao",
        )

    def test_blank_rows_are_skipped_and_rows_count_data_rows_from_one(self):
        content = csv_bytes([sheet_line(1), [""] * 8, sheet_line(2)])
        assert [r.row for r in parse_sheet(content, "x.csv")] == [1, 2]

    @pytest.mark.parametrize(
        "text",
        ["2026-03-02 10:00", "2026/3/2 10:00", "2026-03-02T10:00:00", "2026年3月2日 10:00"],
    )
    def test_text_times_are_read_as_naive_local_times(self, text):
        assert read_time(text) == (datetime(2026, 3, 2, 10, 0), "")

    def test_a_time_with_offset_keeps_it(self):
        when, _ = read_time("2026-03-02T02:00:00+00:00")
        assert when.astimezone(SH) == datetime(2026, 3, 2, 10, 0, tzinfo=SH)

    @pytest.mark.parametrize("text", ["yesterday", "2026-03-02", "2026-13-40 10:00"])
    def test_an_unreadable_time_is_kept_as_text(self, text):
        assert read_time(text) == (None, text)

    def test_an_xlsx_with_datetime_cells_and_number_phones(self):
        line = ["来电", datetime(2026, 3, 2, 10, 30), "李强", "王", "男", 13800138000, None, None]
        [row] = parse_sheet(xlsx_bytes([line]), "sheet.xlsx")
        assert row.occurred_at == datetime(2026, 3, 2, 10, 30)
        assert (row.kind, row.phone, row.gender, row.source) == ("call", "13800138000", "M", "")

    @pytest.mark.parametrize(
        "content",
        [b"", b"PK\x03\x04 not really a zip", b"\xff\xfe\x00garbage\x81\x82", b"a,b\n1,2\n"],
    )
    def test_an_unreadable_file_or_missing_headers_is_a_domain_error(self, content):
        with pytest.raises(DomainError) as caught:
            parse_sheet(content, "sheet.xlsx" if content.startswith(b"PK") else "sheet.csv")
        assert caught.value.code == "unreadable_sheet"
        assert caught.value.status_code == 400

    def test_a_zip_that_is_no_workbook_is_unreadable(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        with pytest.raises(DomainError) as caught:
            parse_sheet(buffer.getvalue(), "sheet.xlsx")
        assert caught.value.code == "unreadable_sheet"

    def test_a_sheet_over_the_limit_is_refused(self, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 3)
        with pytest.raises(DomainError) as caught:
            parse_sheet(xlsx_bytes([sheet_line(n) for n in range(5)]), "sheet.xlsx")
        assert caught.value.code == "sheet_too_large"

    def test_a_workbook_that_unpacks_beyond_the_bound_is_refused_before_reading(self, monkeypatch):
        content = xlsx_bytes([sheet_line(n) for n in range(3)])
        monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
        with pytest.raises(DomainError) as caught:
            parse_sheet(content, "sheet.xlsx")
        assert caught.value.code == "sheet_too_large"

    def test_blank_rows_and_columns_before_the_header_do_not_shift_the_columns(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([])
        sheet.append([None, *CHINESE_HEADER])
        sheet.append([None, "来访", "2026-03-02 10:00", "王芳", "赵敏", "女", "13800138000"])
        buffer = io.BytesIO()
        workbook.save(buffer)

        [row] = parse_sheet(buffer.getvalue(), "sheet.xlsx")

        assert (row.kind, row.consultant, row.name, row.phone) == (
            "visit",
            "王芳",
            "赵敏",
            "13800138000",
        )

    def test_the_template_reads_back(self):
        [row] = parse_sheet(template_xlsx(), "template.xlsx")
        assert (row.kind, row.consultant, row.phone) == ("visit", "王芳", "13800138000")


# ------------------------------------------------------------------------------
# Importing
# ------------------------------------------------------------------------------
@pytest.mark.django_db
class TestSheetImport:
    def test_a_thousand_rows_with_fifty_bad_create_950_and_report_50_with_reasons(
        self, project, staff
    ):
        rows = parse_sheet(xlsx_bytes(thousand_lines_with_fifty_bad()), "sheet.xlsx")
        report = sheet_import(
            project=project, rows=rows, atomic=False, dry_run=False, acting_user=staff["clara"]
        )
        body = report.as_dict()
        assert (body["created"], body["invalid"], body["duplicate"]) == (950, 50, 0)
        bad = [r for r in body["rows"] if r["status"] == "invalid"]
        assert [r["row"] for r in bad] == list(range(20, 1001, 20))
        assert all(r["errors"] and r["errors"][0]["message"] for r in bad)
        codes = {r["errors"][0]["code"] for r in bad}
        assert codes == {"name_missing", "phone_invalid", "unknown_consultant"}
        assert Registration.objects.filter(valid=True).count() == 950
        # No name or a broken phone is stored invalid; nobody's consultant cannot be stored.
        assert Registration.objects.filter(valid=False).count() == 33
        assert all(
            r["registration"] is None for r in bad if r["errors"][0]["field"] == "consultant"
        )

    def test_every_new_customer_gets_a_household_of_their_own(self, project, staff):
        run(project, [sheet_line(1), sheet_line(2)], staff["clara"])
        customers = list(Customer.objects.all())
        assert len(customers) == 2 == Household.objects.count()
        assert all(c.household_id == c.origin_household_id for c in customers)
        assert len({c.household_id for c in customers}) == 2
        for row in [*customers, *Household.objects.all()]:
            (created,) = row.history.all()
            assert (created.history_type, created.history_user, created.history_date) == (
                "+",
                staff["clara"],
                NOW,
            )
            fields = [f.attname for f in type(row)._meta.concrete_fields]
            assert [getattr(created, f) for f in fields] == [getattr(row, f) for f in fields]

    def test_a_registration_records_the_clerk_the_clock_and_the_batch(self, project, staff):
        report = run(project, [sheet_line(1)], staff["clara"])
        registration = Registration.objects.get()
        assert registration.entered_by == staff["clara"]
        assert registration.entered_at == NOW
        assert registration.occurred_at == datetime(2026, 3, 2, 9, 1, tzinfo=SH)
        assert registration.attributed_at == registration.occurred_at
        assert registration.batch == report.batch
        batch = ImportBatch.objects.get()
        assert (batch.created, batch.uploaded_by, batch.filename) == (
            1,
            staff["clara"],
            "sheet.csv",
        )
        assert batch.report[0]["registration"] == registration.pk

    def test_a_row_entered_weeks_late_is_attributed_at_its_entry(self, project, staff):
        line = sheet_line(1)
        line[1] = "2026-02-01 10:00"
        run(project, [line], staff["clara"])
        assert Registration.objects.get().attributed_at == NOW

    def test_the_consultants_name_is_as_good_as_the_username(self, project, staff):
        report = run(project, [sheet_line(1, consultant="李强")], staff["clara"])
        assert report.rows[0].status == "created"
        assert Registration.objects.get().consultant == staff["bob"]

    def test_an_unknown_consultant_is_reported_invalid_and_nothing_is_stored(self, project, staff):
        report = run(project, [sheet_line(1, consultant="张三")], staff["clara"]).as_dict()
        [row] = report["rows"]
        assert (row["status"], row["registration"]) == ("invalid", None)
        assert row["errors"][0]["code"] == "unknown_consultant"
        assert row["errors"][0]["field"] == "consultant"
        assert Registration.objects.count() == 0

    def test_an_unreadable_kind_or_time_cannot_be_stored(self, project, staff):
        no_kind, no_time = sheet_line(1), sheet_line(2)
        no_kind[0], no_time[1] = "上门", "昨天上午"
        report = run(project, [no_kind, no_time], staff["clara"])
        assert [r.errors[0]["code"] for r in report.rows] == [
            "kind_unreadable",
            "occurred_at_unreadable",
        ]
        assert Registration.objects.count() == 0

    def test_an_incomplete_row_is_stored_invalid_with_its_reasons(self, project, staff):
        line = sheet_line(1, name="王", phone="12345")
        line[4] = ""
        [row] = run(project, [line], staff["clara"]).as_dict()["rows"]
        registration = Registration.objects.get()
        assert (row["status"], row["registration"]) == ("invalid", registration.pk)
        assert [e["code"] for e in row["errors"]] == ["name_incomplete", "phone_invalid"]
        assert registration.valid is False
        assert registration.invalid_reasons == ["name_incomplete", "phone_invalid"]
        assert registration.customer is None

    def test_a_future_time_is_stored_invalid(self, project, staff):
        line = sheet_line(1)
        line[1] = "2026-03-03 10:00"
        run(project, [line], staff["clara"])
        assert Registration.objects.get().invalid_reasons == ["occurred_in_future"]

    def test_a_known_phone_joins_its_customer(self, project, staff):
        customer = CustomerFactory(project=project, phone="13700000001")
        run(project, [sheet_line(1)], staff["clara"])
        assert Registration.objects.get().customer == customer
        assert Customer.objects.count() == 1

    def test_two_rows_of_one_new_phone_make_one_customer(self, project, staff):
        lines = [sheet_line(1, consultant="alice"), sheet_line(1, consultant="bob")]
        report = run(project, lines, staff["clara"])
        assert [r.status for r in report.rows] == ["created", "created"]
        assert Customer.objects.count() == 1
        assert {r.customer_id for r in Registration.objects.all()} == {Customer.objects.get().pk}

    def test_importing_the_same_sheet_again_creates_nothing(self, project, staff):
        lines = thousand_lines_with_fifty_bad()[:100]
        first = run(project, lines, staff["clara"]).as_dict()
        stored = Registration.objects.count()
        again = run(project, lines, staff["clara"]).as_dict()
        assert (again["created"], again["duplicate"]) == (0, first["created"] + 3)
        assert Registration.objects.count() == stored
        assert {r["status"] for r in again["rows"]} == {"duplicate", "invalid"}

    def test_a_row_repeated_within_the_sheet_is_a_duplicate(self, project, staff):
        report = run(project, [sheet_line(1), sheet_line(1)], staff["clara"]).as_dict()
        assert [r["status"] for r in report["rows"]] == ["created", "duplicate"]
        assert report["rows"][1]["errors"][0]["code"] == "duplicate"
        assert Registration.objects.count() == 1

    def test_a_front_desk_registration_counts_as_already_there(self, project, staff):
        customer = CustomerFactory(project=project, phone="13700000001")
        RegistrationFactory(
            customer=customer,
            consultant=staff["alice"],
            occurred_at=datetime(2026, 3, 2, 9, 1, tzinfo=SH),
        )
        report = run(project, [sheet_line(1)], staff["clara"])
        assert report.rows[0].status == "duplicate"

    def test_atomic_with_one_bad_row_stores_nothing_and_reports_every_row(self, project, staff):
        lines = [sheet_line(n) for n in range(1, 6)]
        lines[2][3] = ""
        report = run(project, lines, staff["clara"], atomic=True).as_dict()
        assert [r["status"] for r in report["rows"]] == ["created"] * 2 + ["invalid"] + [
            "created"
        ] * 2
        assert all(r["registration"] is None for r in report["rows"])
        assert (report["created"], report["invalid"], report["stored"]) == (0, 1, False)
        assert Registration.objects.count() == 0 == Customer.objects.count()
        assert Household.objects.count() == 0

    def test_atomic_with_every_row_good_stores_them_all(self, project, staff):
        report = run(project, [sheet_line(1), sheet_line(2)], staff["clara"], atomic=True)
        assert report.as_dict()["created"] == 2 == Registration.objects.count()

    def test_a_dry_run_stores_nothing_and_names_the_owner_of_known_customers(self, project, staff):
        owned = CustomerFactory(project=project, phone="13700000002")
        RegistrationFactory(
            customer=owned, consultant=staff["bob"], occurred_at=NOW - timedelta(days=1)
        )
        report = run(project, [sheet_line(1), sheet_line(2)], staff["clara"], dry_run=True)
        body = report.as_dict()
        assert [r["status"] for r in body["rows"]] == ["created", "created"]
        assert body["rows"][0]["owner"] is None
        assert body["rows"][1]["owner"] == {"username": "bob", "name": "李强"}
        assert body["rows"][1]["customer"] == owned.pk
        assert (body["created"], body["batch"]) == (2, None)
        assert Registration.objects.count() == 1
        assert ImportBatch.objects.count() == 0

    def test_a_consultant_may_not_import(self, project, staff):
        with pytest.raises(NotPermitted):
            run(project, [sheet_line(1)], staff["alice"])

    def test_a_manager_may_import(self, project, staff):
        assert run(project, [sheet_line(1)], staff["mike"]).created == 1

    def test_a_clerk_of_another_project_may_not_import(self, project, staff):
        other = ProjectFactory(code="HX02")
        outsider = UserFactory(username="olga", role="clerk", project=other)
        with pytest.raises(NotPermitted):
            run(project, [sheet_line(1)], outsider)


def queries_for(project, clerk, count: int) -> int:
    clerk = type(clerk).objects.get(pk=clerk.pk)  # no role cached from an earlier call
    cache.clear()  # nor roles or policies in the shared cache: each count starts cold
    rows = parse_sheet(csv_bytes([sheet_line(n) for n in range(count)]), "sheet.csv")
    with CaptureQueriesContext(connection) as context:
        sheet_import(project=project, rows=rows, atomic=False, dry_run=False, acting_user=clerk)
    return len(context.captured_queries)


@pytest.mark.django_db
class TestSetBased:
    def test_the_number_of_queries_does_not_grow_with_the_rows(self, project, staff):
        small = queries_for(project, staff["clara"], 100)
        project_two = ProjectFactory(code="HX02")
        for user in staff.values():
            user.memberships.create(project=project_two)
        large = queries_for(project_two, staff["clara"], 1000)
        assert large == small
        # reads and inserts (~8), the quota book (3), the status refresh of the chunk (~10)
        assert small <= 30

    def test_a_dry_run_with_owners_runs_constant_queries_too(self, project, staff):
        def dry(lines):
            rows = parse_sheet(csv_bytes(lines), "s.csv")
            with CaptureQueriesContext(connection) as context:
                sheet_import(
                    project=project,
                    rows=rows,
                    atomic=False,
                    dry_run=True,
                    acting_user=staff["clara"],
                )
            return len(context.captured_queries)

        run(project, [sheet_line(n) for n in range(1000)], staff["clara"])
        assert dry([sheet_line(n) for n in range(1000, 1100)] + [sheet_line(1)]) == dry(
            [sheet_line(n) for n in range(1000, 2000)] + [sheet_line(n) for n in range(500)]
        )

    def test_queries_grow_by_chunk_not_by_row(self, project, staff, monkeypatch):
        monkeypatch.setattr(context, "CHUNK_SIZE", 100)
        one_chunk = queries_for(project, staff["clara"], 100)
        project_two = ProjectFactory(code="HX02")
        for user in staff.values():
            user.memberships.create(project=project_two)
        ten_chunks = queries_for(project_two, staff["clara"], 1000)
        assert ten_chunks - one_chunk <= 9 * 18

    def test_a_customer_created_meanwhile_by_the_front_desk_is_joined_not_duplicated(
        self, project, staff, monkeypatch
    ):
        """The chunk's insert collides with the winner; its households roll back with it."""
        classify, insert = classifying.classify, storing.insert_customers
        calls = []

        def front_desk_wins_after_the_read(rows, ctx):
            facts = classify(rows, ctx)
            customer_get_or_create(project=project, phone=facts[1].phone, name="抢先", gender="")
            return facts

        def counted_insert(rows, ctx):
            calls.append(len(rows))
            return insert(rows, ctx)

        monkeypatch.setattr(services, "classify", front_desk_wins_after_the_read)
        monkeypatch.setattr(storing, "insert_customers", counted_insert)
        report = run(project, [sheet_line(n) for n in range(1, 4)], staff["clara"])
        assert calls == [3, 2]
        assert [r.status for r in report.rows] == ["created"] * 3
        assert Customer.objects.count() == 3 == Household.objects.count()
        winner = Customer.objects.get(name="抢先")
        assert Registration.objects.get(phone=winner.phone).customer == winner


@pytest.mark.django_db(transaction=True)
def test_two_clerks_importing_one_sheet_at_once_store_it_once():
    project = ProjectFactory(code="RACE")
    UserFactory(username="alice", first_name="王芳", role="consultant", project=project)
    clerks = [UserFactory(username=f"clerk{i}", role="clerk", project=project) for i in range(2)]
    content = csv_bytes([sheet_line(n) for n in range(1, 201)])
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def enter(clerk):
        try:
            barrier.wait()
            rows = parse_sheet(content, "sheet.csv")
            reports.append(
                sheet_import(
                    project=project, rows=rows, atomic=False, dry_run=False, acting_user=clerk
                ).as_dict()
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(c,)) for c in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((r["created"], r["duplicate"]) for r in reports) == [(0, 200), (200, 0)]
    assert Registration.objects.filter(project=project).count() == 200
    assert Customer.objects.filter(project=project).count() == 200


@pytest.mark.django_db
class TestAttributionOfImportedRows:
    def test_a9_rows_beyond_a_consultants_quota_leave_their_households_in_the_pool(
        self, project, staff
    ):
        from attribution.models import HouseholdState
        from attribution.services import policy_version_create

        policy_version_create(project=project, overrides={"claim_quota": 2})
        run(project, [sheet_line(n) for n in range(4)], staff["clara"])
        quota_flags = list(
            Registration.objects.order_by("pk").values_list("consultant__username", "quota_reached")
        )
        by_consultant: dict = {}
        for consultant, reached in quota_flags:
            by_consultant.setdefault(consultant, []).append(reached)
        assert all(flags[:2] == [False, False] for flags in by_consultant.values())
        owned = HouseholdState.objects.filter(project=project, status="active")
        assert owned.count() == sum(min(len(f), 2) for f in by_consultant.values())

    def test_imported_households_have_their_status_for_the_lists(self, project, staff):
        from attribution.models import HouseholdState

        run(project, [sheet_line(n) for n in range(5)], staff["clara"])
        households = set(Registration.objects.values_list("customer__household", flat=True))
        states = HouseholdState.objects.filter(household__in=households)
        assert states.count() == len(households)
        assert {s.status for s in states} == {"active"}

    def test_the_states_it_stores_are_the_engines_answer_read_from_the_database(
        self, project, staff
    ):
        """New customers' ledgers are built from the sheet itself, not read back: they must
        give what reading them gives. Known customers, repeated phones, invalid rows, calls,
        a collision and a quota are all in the sheet."""
        from attribution.models import HouseholdState
        from attribution.selectors import verdicts_for
        from attribution.services import policy_version_create

        policy_version_create(project=project, overrides={"claim_quota": 3})
        known = CustomerFactory(project=project, phone="13900000001")
        RegistrationFactory(customer=known, consultant=staff["bob"], occurred_at=NOW)
        lines = [sheet_line(n) for n in range(6)]
        lines += [sheet_line(n, consultant="bob") for n in range(6, 9)]
        lines += [sheet_line(20, phone="13900000001"), sheet_line(21, phone="13700000002")]
        lines += [sheet_line(30, name=""), sheet_line(31, phone="13700000031", consultant="bob")]
        lines += [sheet_line(32, phone="13700000031", consultant="alice")]
        run(project, lines, staff["clara"])

        stored = {
            s.household_id: (s.owner_id and s.owner.username, s.status, s.since, s.expires_at)
            for s in HouseholdState.objects.select_related("owner")
        }
        verdicts = verdicts_for(project, stored, NOW)
        read = {h: (v.owner, v.status, v.since, v.expires_at) for h, v in verdicts.items()}
        assert len(stored) >= 10
        assert stored == read
        assert {status for _, status, _, _ in stored.values()} >= {"active", "pool"}


@pytest.mark.django_db
def test_rows_entered_beyond_the_delay_are_late_entries_of_the_clerk(project, staff, time_machine):
    """The sheet's rows are two days old: entered now, they count from now, and the clerk's
    late entry is recorded once per row (录入不及时); a prompt sheet records none."""
    from disputes.models import Violation

    run(project, [sheet_line(2)], staff["clara"])
    assert not Violation.objects.exists()
    time_machine.move_to(NOW + timedelta(days=2), tick=False)
    report = run(project, [sheet_line(0), sheet_line(1)], staff["clara"])
    late = Registration.objects.exclude(attributed_at=models.F("occurred_at")).count()
    violations = Violation.objects.filter(staff=staff["clara"], kind="late_entry")
    assert violations.count() == late == report.created + report.count("invalid")
