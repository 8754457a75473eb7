"""Printed documents (the payoff certificate, the handover confirmation) as PDF, with WeasyPrint.

A document is rendered from our own template and nothing else: the URL fetcher refuses every
URL except the print stylesheets among our own static files, so that no text a customer typed
(a name with ``<img src=http://…>``) and no template mistake can make the server fetch from the
network or read a file (ENV-NOTES.md: the office network may have no internet; SSRF besides).
Chinese needs the Noto CJK font installed (fonts-noto-cjk) and libharfbuzz-subset0 for speed.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import re
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Relative URLs of a print template resolve against this origin, which never resolves on any
# network (RFC 2606 reserves .invalid); the fetcher maps it to the static files below.
PRINT_ORIGIN = "https://print.invalid/"
# The only static files a document may load: the print stylesheets (static/print/).
PRINT_ASSETS = "print/"
ASSET_NAME = re.compile(r"[A-Za-z0-9_-]+\.css")

# WeasyPrint's font configuration is costly to build and not safe to share between threads
# rendering at once; one per process, used under a lock (rendering is CPU-bound anyway).
_render_lock = threading.Lock()
_font_config = None


class AssetRefused(ValueError):
    """A document asked for something other than our print assets; WeasyPrint logs it and
    renders without it."""


def _weasyprint():
    # Imported on first use: the library loads Pango and fontconfig, which pages never need.
    import weasyprint

    return weasyprint


def static_asset(url: str) -> Path | None:
    """The file behind ``url`` when it is one of our print stylesheets, else None. A plain file
    name only: no sub-folder, no ``..``, no query, nothing to be normalised into elsewhere."""
    prefix = PRINT_ORIGIN.rstrip("/") + settings.STATIC_URL + PRINT_ASSETS
    name = url[len(prefix) :] if url.startswith(prefix) else ""
    if not ASSET_NAME.fullmatch(name):
        return None
    found = finders.find(PRINT_ASSETS + name)
    return Path(found) if found else None


def make_fetcher():
    """A WeasyPrint URL fetcher that serves our print assets and refuses everything else."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    class LocalAssetsOnly(weasyprint.URLFetcher):
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols=())
            self.refused = []

        def fetch(self, url, headers=None):
            path = static_asset(url)
            if path is None:
                self.refused.append(url)
                raise AssetRefused(f"not fetched: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return LocalAssetsOnly()


def _fonts():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html: str, fetcher=None) -> bytes:
    """The PDF of an HTML document made by our templates; ``fetcher`` for tests that watch."""
    weasyprint = _weasyprint()
    fetcher = fetcher or make_fetcher()
    with _render_lock:
        document = weasyprint.HTML(string=html, base_url=PRINT_ORIGIN, url_fetcher=fetcher)
        return document.write_pdf(font_config=_fonts())


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))


def qr_svg(text: str, scale: int = 3) -> SafeString:
    """A QR code of ``text`` as an inline SVG element (no image to fetch)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, nl=False, scale=scale, border=2
    )
    # segno writes the SVG from the modules of the code and the text is our own URL: no markup
    # from anyone else can be in it.
    return mark_safe(out.getvalue().decode())


def public_url(path: str) -> str:
    """An absolute URL that someone outside the office can open (the QR code's target)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path
