"""The Content Security Policy in a real browser: what it refuses is caught (the ``page``
fixture fails any browser test on a violation), and the pages whose markup or libraries needed
changing for it still work: the print button, the API docs (Swagger UI), the admin."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.requirements import RequirementInput, requirement_create
from tests.orders.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


def settle(page, violations, count):
    """Violations reach the test asynchronously: wait for ``count`` of them, a few seconds."""
    for _ in range(50):
        if len(violations) >= count:
            return
        page.wait_for_timeout(100)


def test_an_injected_inline_script_and_style_are_refused_and_reported(
    page, login, alice, csp_violations
):
    login(alice)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'ran'";
            document.body.append(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
        }"""
    )
    settle(page, csp_violations, 2)

    assert page.evaluate("document.body.dataset.injected") is None  # the script did not run
    directives = sorted(v.split()[0] for v in csp_violations)
    assert directives == ["script-src-elem", "style-src-attr"], csp_violations
    csp_violations.clear()  # seen; the fixture fails the test on any left


def test_the_print_button_prints_without_an_inline_handler(page, login, project, alice):
    customer = register(project, alice)
    confirmation = requirement_create(
        customer=customer,
        data=RequirementInput(consultant=alice, budget=Decimal("1500000.00"), layout="三室两厅"),
        acting_user=alice,
    )
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    login(alice)

    page.goto(f"/requirements/{confirmation.pk}/print/")
    page.get_by_test_id("print").click()

    expect(page.get_by_test_id("requirement-document")).to_be_visible()
    assert page.evaluate("window.printed") == 1


def test_the_api_docs_draw_their_operations(page, login, alice):
    login(alice)

    page.goto("/api/docs/")

    # The schema is generated on request: seconds on a busy machine.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    expect(page.locator(".swagger-ui .information-container")).to_contain_text("Sales office API")


def test_the_admin_lists_customers(page, project, admin_user):
    register(project, admin_user)
    page.goto("/admin/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", "password")
    page.click("input[type=submit]")

    page.goto("/admin/customers/customer/")

    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#changelist-search input[name=q]").fill("赵敏")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
