"""The Content Security Policy (settings CONTENT_SECURITY_POLICY, salesoffice/middleware.py):
pages run only our own files from static/, never inline code, so an injected <script> or
onclick does nothing. The browser tests fail on any violation (tests/browser/conftest.py); these
check the header and keep the templates free of what the policy would refuse."""

import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

ROOT = Path(settings.BASE_DIR)
HEADER = "Content-Security-Policy"


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response[HEADER].split(";") if part.strip())
    return {name: values for name, *values in directives}


def test_a_page_may_run_only_scripts_and_styles_from_the_site_itself(client):
    csp = policy(client.get("/accounts/login/"))

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce either: this page has no inline script
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    everything = " ".join(value for values in csp.values() for value in values)
    assert "unsafe" not in everything  # no 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes'
    assert "*" not in everything and "http" not in everything  # no other origin, no CDN


def test_the_api_docs_style_block_carries_the_nonce_of_its_own_response(client):
    response = client.get("/api/docs/")
    page = response.content.decode()

    (nonce,) = re.findall(r'<style nonce="([^"]+)">', page)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    assert f"'nonce-{nonce}'" not in policy(client.get("/api/docs/"))["style-src"]  # per response
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all(" src=" in tag for tag in scripts)


def test_the_api_docs_set_up_script_is_a_file_of_its_own(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.parametrize(
    ("content_type", "has_policy"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        # Chrome's PDF viewer obeys the PDF's own policy, and a strict one leaves it blank.
        ("application/pdf", False),
    ],
)
def test_every_response_but_a_pdf_gets_the_policy(content_type, has_policy):
    (installed,) = (
        cls
        for cls in map(import_string, settings.MIDDLEWARE)
        if isinstance(cls, type) and issubclass(cls, CSPMiddleware)
    )
    middleware = installed(lambda request: None)
    request = RequestFactory().get("/contracts/1/pdf/")
    middleware.process_request(request)

    response = middleware.process_response(request, HttpResponse(b"", content_type=content_type))

    assert (HEADER in response) is has_policy


# What the policy refuses in markup: a <script> or <style> element without the response's
# nonce (a <script src> is fine), a style or on* attribute, a javascript: URL, htmx's hx-on.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)
INLINE_STYLE_BLOCK = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
DJANGO_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def our_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def refused_markup(source: str) -> list[str]:
    markup = DJANGO_COMMENT.sub("", source)
    patterns = (INLINE_SCRIPT, INLINE_STYLE_BLOCK, STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE)
    found = [m.group(0)[:80] for pattern in patterns for m in pattern.finditer(markup)]
    return found + [m.group(0) for m in JAVASCRIPT_URL.finditer(markup)]


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<style>p { color: red }</style>",
        '<td style="width: 8%">',
        '<button type="button" onclick="window.print()">',
        '<form\n  hx-on:htmx:after-request="this.reset()">',
        '<a href="javascript:void(0)">',
    ],
)
def test_the_template_scan_finds_what_the_policy_refuses(markup):
    assert refused_markup(markup)


def test_the_template_scan_allows_files_and_nonced_elements():
    allowed = (
        '<script src="/static/js/app.js" defer></script>'
        '<style nonce="{{ request.csp_nonce }}">body { margin: 0 }</style>'
        '{# an onclick="…" in a comment #}<p data-style="x" class="onsite">'
    )
    assert refused_markup(allowed) == []


def test_no_template_has_markup_the_policy_refuses():
    templates = our_templates()
    refused = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := refused_markup(path.read_text()))
    }

    assert len(templates) > 50
    assert refused == {}
