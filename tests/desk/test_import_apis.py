"""``POST /api/registrations/import/`` and the daily sheet's page and files, by role."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from customers.models import ImportBatch, Registration
from tests.desk.test_imports import (
    API_HEADER,
    NOW,
    csv_bytes,
    sheet_line,
    thousand_lines_with_fifty_bad,
    xlsx_bytes,
)
from tests.factories import CustomerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
URL = "/api/registrations/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def consultants(alice, bob):
    return alice, bob


def upload(client, content: bytes, name="sheet.csv", query="", project="HX01"):
    file = SimpleUploadedFile(name, content)
    return client.post(f"{URL}{query}", {"project": project, "file": file}, format="multipart")


class TestImportApi:
    def test_a_thousand_row_xlsx_with_fifty_bad_rows_creates_950(self, api, clara):
        content = xlsx_bytes(thousand_lines_with_fifty_bad())
        response = upload(api(clara), content, "来人来电表.xlsx")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["created"], body["invalid"], body["duplicate"]) == (950, 50, 0)
        bad = [r for r in body["rows"] if r["status"] == "invalid"]
        assert len(bad) == 50
        assert all(r["errors"][0]["code"] and r["errors"][0]["message"] for r in bad)
        assert Registration.objects.filter(valid=True).count() == 950
        batch = ImportBatch.objects.get(pk=body["batch"])
        assert batch.file.read() == content

    def test_a_row_reports_its_number_status_registration_and_errors(self, api, clara):
        body = upload(api(clara), csv_bytes([sheet_line(1)])).json()
        [row] = body["rows"]
        assert row["row"] == 1 and row["status"] == "created" and row["errors"] == []
        assert row["registration"] == Registration.objects.get().pk

    def test_a_csv_with_bom_and_chinese_headers(self, api, clara):
        response = upload(api(clara), csv_bytes([sheet_line(1), sheet_line(2)], bom=True))
        assert response.json()["created"] == 2

    def test_a_csv_with_api_headers_without_bom(self, api, clara):
        content = csv_bytes([sheet_line(1)], header=API_HEADER, bom=False)
        assert upload(api(clara), content).json()["created"] == 1

    def test_the_consultants_name_instead_of_the_username(self, api, clara, bob):
        upload(api(clara), csv_bytes([sheet_line(1, consultant="李强")]))
        assert Registration.objects.get().consultant == bob

    def test_an_unknown_consultant_row_is_invalid_with_registration_null(self, api, clara):
        body = upload(api(clara), csv_bytes([sheet_line(1, consultant="张三")])).json()
        [row] = body["rows"]
        assert (row["status"], row["registration"]) == ("invalid", None)
        assert row["errors"][0]["code"] == "unknown_consultant"
        assert Registration.objects.count() == 0

    def test_atomic_with_one_bad_row_stores_none(self, api, clara):
        lines = [sheet_line(n) for n in range(1, 11)]
        lines[4][5] = "not a phone"
        body = upload(api(clara), csv_bytes(lines), query="?atomic=1").json()
        assert body["created"] == 0 and body["invalid"] == 1 and body["stored"] is False
        assert [r["status"] for r in body["rows"]].count("created") == 9
        assert all(r["registration"] is None for r in body["rows"])
        assert Registration.objects.count() == 0

    def test_importing_the_same_sheet_twice_creates_nothing_the_second_time(self, api, clara):
        content = xlsx_bytes([sheet_line(n) for n in range(1, 31)])
        assert upload(api(clara), content, "a.xlsx").json()["created"] == 30
        again = upload(api(clara), content, "a.xlsx").json()
        assert (again["created"], again["duplicate"]) == (0, 30)
        assert Registration.objects.count() == 30

    def test_a_dry_run_names_the_owner_of_a_known_phone_and_stores_nothing(self, api, clara, alice):
        known = CustomerFactory(project=alice.memberships.get().project, phone="13700000001")
        RegistrationFactory(customer=known, consultant=alice, occurred_at=NOW.replace(day=1))
        body = upload(api(clara), csv_bytes([sheet_line(1, consultant="bob")]), query="?dry_run=1")
        [row] = body.json()["rows"]
        assert row["owner"] == {"username": "alice", "name": "王芳"}
        assert row["status"] == "created" and row["registration"] is None
        assert Registration.objects.count() == 1

    def test_a_consultant_gets_403(self, api, alice):
        response = upload(api(alice), csv_bytes([sheet_line(1)]))
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
        assert Registration.objects.count() == 0

    def test_a_manager_may_import(self, api, mike):
        assert upload(api(mike), csv_bytes([sheet_line(1)])).status_code == 200

    @pytest.mark.parametrize(
        ("content", "name"),
        [(b"PK\x03\x04broken", "s.xlsx"), (b"hello,world\n1,2\n", "s.csv"), (b"", "s.csv")],
    )
    def test_an_unreadable_file_is_400_unreadable_sheet(self, api, clara, content, name):
        response = upload(api(clara), content, name)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "unreadable_sheet" and body["detail"] and "file" in body["fields"]

    def test_no_file_is_400(self, api, clara):
        response = api(clara).post(URL, {"project": "HX01"}, format="multipart")
        assert (response.status_code, response.json()["code"]) == (400, "file_missing")

    def test_an_unknown_project_is_400(self, api, clara):
        response = upload(api(clara), csv_bytes([sheet_line(1)]), project="NOPE")
        assert (response.status_code, response.json()["code"]) == (400, "unknown_project")

    def test_anonymous_is_refused(self, api):
        assert upload(api(), csv_bytes([sheet_line(1)])).status_code in (401, 403)


def workbook_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


class TestSheetPageAndFiles:
    def test_the_clerk_opens_the_sheet_page(self, client, clara):
        client.force_login(clara)
        response = client.get("/p/HX01/sheet/")
        assert response.status_code == 200
        assert b'id="sheet-grid"' in response.content

    def test_a_consultant_gets_403_on_the_page_and_the_files(self, client, alice):
        client.force_login(alice)
        assert client.get("/p/HX01/sheet/").status_code == 403
        assert client.get("/p/HX01/sheet/template.xlsx").status_code == 403

    def test_another_project_is_404(self, client, clara):
        client.force_login(clara)
        assert client.get("/p/NOPE/sheet/").status_code == 404

    def test_the_template_has_the_chinese_headers_and_an_example(self, client, clara):
        client.force_login(clara)
        response = client.get("/p/HX01/sheet/template.xlsx")
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        header, example = workbook_rows(response.content)
        assert header == (
            "类型",
            "时间",
            "置业顾问",
            "客户姓名",
            "性别",
            "手机号码",
            "信息来源",
            "备注",
        )
        assert example[0] == "来访"

    def test_a_batchs_report_downloads_as_xlsx(self, api, client, clara, alice):
        lines = [sheet_line(1), sheet_line(2, name="")]
        batch = upload(api(clara), csv_bytes(lines)).json()["batch"]
        client.force_login(clara)
        response = client.get(f"/p/HX01/sheet/{batch}/report.xlsx")
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        rows = workbook_rows(response.content)
        assert len(rows) == 3
        assert rows[1][0] == 1 and rows[2][0] == 2
        assert rows[2][-1]  # the reason, in words
        client.force_login(alice)
        assert client.get(f"/p/HX01/sheet/{batch}/report.xlsx").status_code == 403

    def test_what_the_clerk_typed_never_becomes_a_formula_in_the_report(self, api, client, clara):
        line = sheet_line(1)
        line[7] = "=HYPERLINK(1)"
        batch = upload(api(clara), csv_bytes([line])).json()["batch"]
        client.force_login(clara)
        rows = workbook_rows(client.get(f"/p/HX01/sheet/{batch}/report.xlsx").content)
        assert rows[1][8] == "'=HYPERLINK(1)"
