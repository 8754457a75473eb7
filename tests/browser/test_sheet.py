"""The clerk's evening: clara enters the day's sheet by file and by paste, checks, then saves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Registration
from tests.desk.test_imports import xlsx_bytes
from tests.factories import CustomerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def this_morning(hour: int) -> str:
    local = timezone.localtime(timezone.now() - timedelta(days=1))
    return local.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def owned_by_bob(project, bob):
    customer = CustomerFactory(project=project, phone="13911112222", name="孙丽")
    RegistrationFactory(
        customer=customer, consultant=bob, occurred_at=timezone.now() - timedelta(days=2)
    )
    return customer


def day_sheet() -> bytes:
    return xlsx_bytes(
        [
            ["来访", this_morning(9), "王芳", "赵敏", "女", "13800138000", "自然来访", ""],
            ["来电", this_morning(10), "alice", "", "男", "13800138001", "", "没留姓名"],
            ["来访", this_morning(11), "alice", "孙丽", "女", "139 1111 2222", "", ""],
            ["来访", this_morning(12), "张三", "钱多", "男", "13800138003", "", ""],
        ]
    )


def statuses(page) -> list[str]:
    return page.eval_on_selector_all(
        "#sheet-rows [data-status]", "rows => rows.map(r => r.dataset.status)"
    )


def test_the_clerk_uploads_checks_and_saves_the_days_sheet(
    page, login, clara, alice, owned_by_bob, screenshot
):
    login(clara)
    assert "/p/HX01/sheet/" in page.url
    page.set_input_files(
        "#sheet-file", files=[{"name": "来人来电表.xlsx", "mimeType": XLSX, "buffer": day_sheet()}]
    )
    page.wait_for_selector("#sheet-summary[data-state=checked]")
    assert statuses(page) == ["created", "invalid", "created", "invalid"]
    rows = page.locator("[data-testid=sheet-row]")
    assert rows.nth(0).locator("input[name=name]").input_value() == "赵敏"
    assert rows.nth(2).get_attribute("data-outcome") == "collision"
    assert rows.nth(3).locator("input[name=consultant]").get_attribute("class") == (
        "sheet-cell-error"
    )
    assert Registration.objects.count() == 1
    screenshot("sheet-checked")

    page.click("#sheet-save")
    page.wait_for_selector("#sheet-summary[data-state=saved]")
    assert statuses(page) == ["created", "invalid", "created", "invalid"]
    assert Registration.objects.count() == 1 + 3
    link = rows.nth(0).locator("[data-testid=row-customer-link]")
    first = Registration.objects.get(name="赵敏")
    assert link.get_attribute("href") == f"/customers/{first.customer_id}/"
    assert rows.nth(3).locator("[data-testid=row-customer-link]").count() == 0
    screenshot("sheet-saved")

    with page.expect_download() as download:
        page.click("#sheet-report")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_clerk_types_and_pastes_rows_from_excel(page, login, clara, alice, bob, screenshot):
    login(clara)
    first = page.locator("[data-testid=sheet-row]").nth(0)
    first.locator("input[name=kind]").click()
    for value in ["来访", this_morning(9), "alice", "周杰", "男", "13700001111"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    focused = page.evaluate(
        """() => {
            const cell = document.activeElement;
            return cell.closest('[data-testid=sheet-row]').dataset.row + ':' + cell.name;
        }"""
    )
    assert focused == "2:source"

    pasted = "\n".join(
        [
            f"来电\t{this_morning(10)}\t李强\t吴芳\t女\t13700002222",
            f"来访\t{this_morning(11)}\tbob\t郑凯\t男\t13700003333",
        ]
    )
    page.locator("[data-testid=sheet-row]").nth(1).locator("input[name=kind]").click()
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData('text/plain', text);
            const paste = new ClipboardEvent(
                'paste', {clipboardData: data, bubbles: true, cancelable: true});
            document.activeElement.dispatchEvent(paste);
        }""",
        pasted,
    )
    third = page.locator("[data-testid=sheet-row]").nth(2)
    assert third.locator("input[name=name]").input_value() == "郑凯"

    page.click("#sheet-check")
    page.wait_for_selector("#sheet-summary[data-state=checked]")
    assert statuses(page) == ["created", "created", "created"]
    page.click("#sheet-save")
    page.wait_for_selector("#sheet-summary[data-state=saved]")
    assert Registration.objects.filter(batch__isnull=False).count() == 3
    screenshot("sheet-pasted-saved")


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(page, login, clara, alice, bob):
    login(clara)
    page.check("#sheet-atomic")
    page.set_input_files(
        "#sheet-file", files=[{"name": "sheet.xlsx", "mimeType": XLSX, "buffer": day_sheet()}]
    )
    page.wait_for_selector("#sheet-summary[data-state=checked]")
    page.click("#sheet-save")
    page.wait_for_selector("#sheet-summary[data-state=refused]")
    assert Registration.objects.count() == 0


def test_an_unreadable_file_is_explained_in_words(page, login, clara):
    login(clara)
    page.set_input_files(
        "#sheet-file",
        files=[{"name": "notes.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"}],
    )
    error = page.locator("#sheet-error")
    error.wait_for(state="visible")
    assert "Traceback" not in error.inner_text() and error.inner_text().strip()


def test_a_consultant_may_not_open_the_sheet(page, login, alice):
    login(alice)
    response = page.goto("/p/HX01/sheet/")
    assert response.status == 403
