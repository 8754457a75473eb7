"""Issue 19, defect 2: a name such as ``=HYPERLINK("http://x","a")`` or a source such as
``=cmd|' /C calc'!A0`` became a live formula in the visits-calls, sources and commission exports
(14 formula cells were found, rows a clerk imported among them). Every text cell that begins
with ``= + - @``, a tab or a carriage return is now written as text."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.factories import CustomerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SH)
HOSTILE = ['=HYPERLINK("http://x","a")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def cells(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def hostile_day(project, alice, time_machine):
    time_machine.move_to(NOON, tick=False)
    for n, text in enumerate(HOSTILE):
        customer = CustomerFactory(project=project, name=text, phone=f"1380013{n:04d}")
        RegistrationFactory(customer=customer, consultant=alice, occurred_at=NOON, source=text)


@pytest.mark.parametrize(
    "path",
    [
        "/p/HX01/reports/visits-calls/export.xlsx?day=2026-03-02",
        "/p/HX01/reports/sources/export.xlsx?day=2026-03-02",
    ],
)
def test_live_formulas_in_xlsx_exports_are_written_as_text(client, mike, hostile_day, path):
    client.force_login(mike)
    response = client.get(path)
    assert response.status_code == 200
    found = cells(response)
    assert not [c.coordinate for c in found if c.data_type == "f"]
    texts = {c.value for c in found if isinstance(c.value, str)}
    assert "'" + HOSTILE[0] in texts or "'" + HOSTILE[1] in texts


def test_every_hostile_start_is_escaped_and_nothing_else():
    from salesoffice.spreadsheets import as_text_cell

    assert [as_text_cell(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert as_text_cell("\rx") == "'\rx"
    assert [as_text_cell(v) for v in ("王芳", "138****8000", 12, None, "2026-03-02")] == [
        "王芳",
        "138****8000",
        12,
        None,
        "2026-03-02",
    ]
