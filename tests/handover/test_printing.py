"""The certificate's PDF: Chinese text that reads back (pdftotext), an embedded Noto Sans CJK
font (pdffonts), customer text escaped, and nothing fetched from the network or the disk beyond
our own print stylesheet, even when a name carries an <img src=http://…>."""

from __future__ import annotations

import re
import subprocess
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.template.loader import render_to_string

from handover.certificates import CertificateDocument, PaymentLine, certificate_pdf
from salesoffice.numerals import yuan_in_capitals
from salesoffice.printing import PRINT_ORIGIN, html_to_pdf, make_fetcher, qr_svg, static_asset

STYLESHEET = f"{PRINT_ORIGIN}static/print/handover.css"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def document(customer="赵敏", **fields) -> CertificateDocument:
    values = {
        "company": "秦皇岛和玺房地产开发有限公司",
        "project": "和玺一期",
        "customer": customer,
        "unit": "1栋1单元301",
        "contract_number": "HX01-HT-000001",
        "price": Decimal("1234567.89"),
        "price_in_capitals": yuan_in_capitals(Decimal("1234567.89")),
        "lines": (
            PaymentLine(date(2026, 2, 1), "", "定金转房款", Decimal("50000.00")),
            PaymentLine(date(2026, 3, 1), "SJ-000001", "房款", Decimal("1184567.89")),
        ),
        "issued_on": date(2026, 3, 2),
        "number": "HX01-FQ-000001",
        "verify_code": "a1B2c3D4e5F6g7H8i9J0kL",
        "verify_url": "https://crm.example.com/verify/a1B2c3D4e5F6g7H8i9J0kL/",
    }
    return CertificateDocument(**{**values, **fields})


class Watcher(BaseHTTPRequestHandler):
    """A local web server that counts the requests it gets."""

    hits: list[str] = []

    def do_GET(self):
        Watcher.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def watched_server():
    Watcher.hits = []
    server = HTTPServer(("127.0.0.1", 0), Watcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Watcher.hits
    server.shutdown()
    server.server_close()


class TestTheDocument:
    def test_reads_back_in_chinese_with_the_name_the_capitals_and_the_numbers(self, tmp_path):
        text = pdf_text(certificate_pdf(document()), tmp_path)

        for expected in (
            "房款付清证明",
            "秦皇岛和玺房地产开发有限公司",
            "赵敏",
            "1栋1单元301",
            "HX01-HT-000001",
            "¥1,234,567.89",
            "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分",
            "SJ-000001",
            "2026年3月2日",
            "HX01-FQ-000001",
            "a1B2c3D4e5F6g7H8i9J0kL",
            "https://crm.example.com/verify/a1B2c3D4e5F6g7H8i9J0kL/",
        ):
            assert expected in text, expected

    def test_embeds_a_subset_of_noto_sans_cjk(self, tmp_path):
        fonts = pdf_fonts(certificate_pdf(document()), tmp_path)

        rows = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line]
        assert rows, fonts
        assert all(" yes yes " in row for row in rows)  # embedded, subset

    def test_is_one_a4_page(self, tmp_path):
        path = tmp_path / "one.pdf"
        path.write_bytes(certificate_pdf(document()))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), info
        assert "595.276 x 841.89 pts (A4)" in info

    def test_the_qr_code_is_inline_svg_of_the_verify_url(self):
        html = render_to_string(
            "handover/print/certificate.html",
            {"doc": document(), "qr": qr_svg(document().verify_url)},
        )
        assert "<svg" in html and "<img" not in html


class TestEscaping:
    NAME = '赵敏<script>alert(1)</script><img src="{url}/x.png">'

    def test_markup_in_a_name_is_printed_as_text_and_fetches_nothing(
        self, watched_server, tmp_path
    ):
        url, hits = watched_server
        name = self.NAME.format(url=url)
        html = render_to_string(
            "handover/print/certificate.html",
            {"doc": document(customer=name), "qr": qr_svg("x")},
        )
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "&lt;img src=" in html

        text = pdf_text(certificate_pdf(document(customer=name)), tmp_path)

        assert "<script>alert(1)</script>" in text
        assert hits == []


class TestNoFetching:
    def test_the_fetcher_serves_our_print_stylesheet(self):
        response = make_fetcher().fetch(STYLESHEET)
        assert b"Noto Sans CJK SC" in response.read()
        assert response.content_type == "text/css"

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/x.png",
            "https://example.com/logo.png",
            "file:///etc/passwd",
            "data:image/png;base64,iVBORw0KGgo=",
            f"{PRINT_ORIGIN}static/css/app.css",  # ours, but not a print asset
            f"{PRINT_ORIGIN}static/print/../css/app.css",
            f"{PRINT_ORIGIN}static/print/handover.css?v=1",
            f"{PRINT_ORIGIN}media/certificates/x.pdf",
        ],
    )
    def test_the_fetcher_refuses_everything_else(self, url):
        fetcher = make_fetcher()
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert fetcher.refused == [url]

    def test_a_path_out_of_the_static_folders_is_no_asset(self):
        assert static_asset(f"{PRINT_ORIGIN}static/print/../../manage.py") is None

    def test_a_remote_image_and_a_local_file_in_the_html_are_not_fetched(
        self, watched_server, tmp_path
    ):
        url, hits = watched_server
        secret = tmp_path / "secret.css"
        secret.write_text("body { color: red }")
        fetcher = make_fetcher()
        html = (
            f'<link rel="stylesheet" href="file://{secret}">'
            f'<link rel="stylesheet" href="/static/print/handover.css">'
            f'<p>房款<img src="{url}/remote.png"><img src="file:///etc/hostname"></p>'
        )

        pdf = html_to_pdf(html, fetcher=fetcher)

        assert pdf.startswith(b"%PDF-")
        assert hits == []
        assert f"{url}/remote.png" in fetcher.refused
        assert f"file://{secret}" in fetcher.refused
        assert "file:///etc/hostname" in fetcher.refused
        assert STYLESHEET not in fetcher.refused  # our own stylesheet was served
