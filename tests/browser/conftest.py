"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser) against
pytest-django's live server. Screenshots of each main path land in ``test-artifacts/``."""

import contextlib
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# Every document reports what the Content Security Policy refused (an inline script, a style
# attribute, a file from elsewhere) to the test, which then fails: the policy is the one
# production sends (salesoffice/settings/base.py), so a page it breaks cannot pass here.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const element = event.target instanceof Element ? event.target.outerHTML.slice(0, 160) : "";
  const where = event.sourceFile + ":" + event.lineNumber;
  window.__cspViolation(
    [event.violatedDirective, event.blockedURI || "inline", where, event.sample, element].join(" ")
  );
}, true);
"""


@pytest.fixture
def csp_violations():
    """What the policy refused on the test's pages; the ``page`` fixture fails on any."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    """A fresh page (1024×768, Chinese) whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1024, "height": 768}, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    context.expose_function("__cspViolation", lambda report: csp_violations.append(report))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    yield page
    # A round trip to each page lets its last reports reach the test; a page closed or
    # navigating meanwhile has nothing left to say.
    for open_page in context.pages:
        with contextlib.suppress(Exception):
            open_page.evaluate("0")
    context.close()
    assert csp_violations == [], "the Content Security Policy refused: " + "; ".join(csp_violations)


@pytest.fixture
def login(page):
    """``login(user)``: signs in through the real login form (password ``pass12345``)."""

    def sign_in(user, password="pass12345"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return sign_in


@pytest.fixture
def screenshot(page):
    """``screenshot("desk-verdict")`` saves ``test-artifacts/desk-verdict.png``."""

    def take(name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
