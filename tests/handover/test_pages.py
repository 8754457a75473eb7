"""The pages: finance's certificate desk (paid off without a certificate, issued with PDF links
and revoke), the payoff button for the finance desk, the handover desk and a unit's handover
with its steps, and the printable confirmation. Lists run a constant number of queries; every
refusal is said on the page, never a 500."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from PIL import Image

from aftersales.models import Ticket
from handover.appointments import appointment_book
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.certificates import certificate_issue
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign
from handover.models import KeyHandover, PayoffCertificate
from handover.qualification import qualification_record
from handover.selectors import with_payoff_state
from orders.models import Contract, Unit
from tests.handover.conftest import make_contract, pay, pay_off

pytestmark = pytest.mark.django_db


def html(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def contracts(project, consultant, count, start=0):
    made = []
    for i in range(start, start + count):
        made.append(
            make_contract(project, consultant, room=f"{i + 1:d}01", phone=f"1370000{i:04d}")
        )
    return made


class TestCertificateDesk:
    def test_finance_sees_the_paid_off_to_issue_and_the_issued(
        self, client, project, alice, fiona, clock
    ):
        waiting, unpaid, issued = contracts(project, alice, 3)
        pay_off(waiting)
        pay_off(issued)
        certificate = certificate_issue(contract=issued, acting_user=fiona)

        page = html(client, fiona, "/p/HX01/certificates/")

        assert f'data-testid="awaiting-row" data-contract="{waiting.pk}"' in page
        assert f'data-contract="{unpaid.pk}"' not in page
        assert f'data-number="{certificate.number}" data-status="valid"' in page
        assert f'id="payoff-issue-{waiting.pk}"' in page
        assert 'data-testid="revoke-form"' in page
        assert 'data-nav="certificates"' in page

    def test_a_manager_revokes_there_but_issues_nothing(self, client, certificate, mike):
        page = html(client, mike, "/p/HX01/certificates/")
        assert 'data-testid="revoke-form"' in page
        assert 'data-testid="payoff-issue"' not in page

    @pytest.mark.parametrize("who", ["alice", "clara"])
    def test_others_are_refused(self, client, request, project, who):
        html(client, request.getfixturevalue(who), "/p/HX01/certificates/", status=403)

    def test_the_desk_runs_a_constant_number_of_queries(
        self, client, project, alice, fiona, mike, clock
    ):
        def grow(start):
            for contract in contracts(project, alice, 2, start=start):
                pay_off(contract)
                if start:
                    certificate_issue(contract=contract, acting_user=fiona)

        client.force_login(fiona)
        grow(0)
        few = queries(client, "/p/HX01/certificates/")
        grow(2)
        grow(4)
        assert queries(client, "/p/HX01/certificates/") == few

    def test_the_revoke_form_revokes_and_says_so(self, client, certificate, mike):
        client.force_login(mike)
        response = client.post(
            f"/certificates/{certificate.number}/revoke/", {"reason": "金额有误"}, follow=True
        )
        assert 'data-status="revoked"' in response.content.decode()
        assert "金额有误" in response.content.decode()

    def test_revoking_without_a_reason_is_said_not_crashed(self, client, certificate, mike):
        client.force_login(mike)
        response = client.post(f"/certificates/{certificate.number}/revoke/", {}, follow=True)
        assert response.status_code == 200
        assert 'class="flash-error"' in response.content.decode()


class TestIssueButton:
    def render(self, contract, user) -> str:
        """The partial alone, as the finance desk includes it (without the page's context
        processors, whose queries are the page's, not the button's)."""
        request = RequestFactory().get("/")
        request.user = user
        template = get_template("handover/partials/payoff_button.html").template
        return template.render(
            Context({"contract": contract, "request": request, "csrf_token": "t"})
        )

    def test_disabled_with_the_outstanding_amount_while_money_is_owed(self, contract, fiona):
        pay(contract, "1137655.00")
        button = self.render(contract, fiona)
        assert "disabled" in button and "¥12,345.00" in button

    def test_enabled_when_paid_off_and_opens_in_a_new_tab(self, paid_contract, fiona):
        button = self.render(paid_contract, fiona)
        assert 'data-testid="payoff-issue"' in button and "disabled" not in button
        assert 'target="_blank"' in button

    def test_a_link_to_the_pdf_once_issued(self, certificate, fiona):
        button = self.render(Contract.objects.get(pk=certificate.contract_id), fiona)
        assert f"/certificates/{certificate.number}/pdf/" in button
        assert 'data-testid="payoff-issue"' not in button

    def test_nobody_but_finance_gets_the_button(self, paid_contract, mike):
        assert 'data-testid="payoff-issue"' not in self.render(paid_contract, mike)

    def test_an_annotated_list_renders_without_a_query_per_contract(
        self, project, alice, fiona, clock
    ):
        for contract in contracts(project, alice, 3):
            pay_off(contract)
        rows = list(with_payoff_state(Contract.objects.filter(project=project)))
        self.render(rows[0], fiona)  # the role is cached on the user
        with CaptureQueriesContext(connection) as ctx:
            for row in rows:
                assert 'data-testid="payoff-issue"' in self.render(row, fiona)
        assert len(ctx.captured_queries) == 0


class TestIssuePage:
    def test_finance_issues_and_lands_on_the_pdf(self, client, paid_contract, fiona):
        client.force_login(fiona)
        response = client.post(f"/contracts/{paid_contract.pk}/payoff-certificate/issue/")
        certificate = PayoffCertificate.objects.get()
        assert response.status_code == 302
        assert response.url == f"/certificates/{certificate.number}/pdf/"

    def test_a_refusal_is_a_page_with_the_reason(self, client, contract, fiona):
        pay(contract, "1000.00")
        client.force_login(fiona)
        response = client.post(f"/contracts/{contract.pk}/payoff-certificate/issue/")
        assert response.status_code == 409
        page = response.content.decode()
        assert 'data-code="not_paid_off"' in page and "1,149,000.00" in page

    def test_a_manager_is_refused_on_the_page(self, client, paid_contract, mike):
        client.force_login(mike)
        response = client.post(f"/contracts/{paid_contract.pk}/payoff-certificate/issue/")
        assert response.status_code == 403
        assert not PayoffCertificate.objects.exists()


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return SimpleUploadedFile("wall.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def batch_handover(paid_contract, project, mike):
    data = BatchInput(name="1栋 第一批", location="售楼处交房大厅", building="1")
    return batch_create(project=project, data=data, acting_user=mike).handovers[0]


class TestHandoverDesk:
    def test_a_manager_plans_a_batch_and_a_window_from_the_desk(
        self, client, paid_contract, mike, clock
    ):
        client.force_login(mike)
        response = client.post(
            "/p/HX01/handover/batches/",
            {
                "name": "1栋 第一批",
                "location": "售楼处交房大厅",
                "building": "1",
                "documents": ["id_card", "contract", "payoff_certificate"],
            },
        )
        assert response.status_code == 302
        batch_id = response.url.split("batch=")[1]
        client.post(
            f"/handover/batches/{batch_id}/slots/",
            {"day": "2026-03-02", "starts": "14:00", "ends": "16:00", "capacity": "5"},
        )
        page = html(client, mike, response.url)
        assert 'data-testid="slot-row"' in page and "0 / 5" in page
        assert f'data-unit="{paid_contract.subscription.unit_id}"' in page
        assert "身份证" in page or "ID card" in page

    def test_a_consultant_sees_only_the_units_they_sold(
        self, client, project, alice, bob, mike, clock
    ):
        mine = make_contract(project, alice, room="101", phone="13700000101")
        theirs = make_contract(project, bob, room="102", phone="13700000102")
        batch_create(
            project=project,
            data=BatchInput(name="一批", location="大厅", building="1"),
            acting_user=mike,
        )
        page = html(client, alice, "/p/HX01/handover/")
        assert f'data-unit="{mine.subscription.unit_id}"' in page
        assert f'data-unit="{theirs.subscription.unit_id}"' not in page
        assert 'data-testid="batch-form"' not in page

    def test_todays_appointments_are_listed(self, client, batch_handover, mike, alice, clock):
        from datetime import datetime, timedelta

        from tests.handover.conftest import SH

        starts = datetime(2026, 3, 2, 14, tzinfo=SH)
        slot = slot_create(
            batch=batch_handover.batch,
            data=SlotInput(starts, starts + timedelta(hours=2), 3),
            acting_user=mike,
        )
        appointment_book(handover=batch_handover, slot=slot, acting_user=alice)
        page = html(client, mike, "/p/HX01/handover/")
        today = page.split('data-testid="today"')[1].split("</table>")[0]
        assert f'data-handover="{batch_handover.pk}"' in today

    def test_the_desk_runs_a_constant_number_of_queries(
        self, client, project, alice, mike, clara, fiona, clock
    ):
        contracts(project, alice, 1)
        data = BatchInput(name="一批", location="大厅", building="1")
        batch = batch_create(project=project, data=data, acting_user=mike).batch
        client.force_login(mike)
        few = queries(client, f"/p/HX01/handover/?batch={batch.pk}")
        for contract in contracts(project, alice, 3, start=1):
            pay_off(contract)
            certificate_issue(contract=contract, acting_user=fiona)
        handovers = batch_create(
            project=project,
            data=BatchInput(name="二批", location="大厅", units=tuple(Unit.objects.all())),
            acting_user=mike,
        ).handovers
        for handover in handovers:
            qualification_record(
                handover=handover,
                id_checked=True,
                contract_checked=True,
                note="",
                acting_user=clara,
            )
            inspection_record(handover=handover, note="", acting_user=clara)
        second = handovers[0].batch_id
        assert queries(client, f"/p/HX01/handover/?batch={second}") == few

    @pytest.mark.parametrize("who", ["fiona", "eric"])
    def test_finance_and_engineering_have_no_handover_desk(self, client, request, project, who):
        html(client, request.getfixturevalue(who), "/p/HX01/handover/", status=403)


class TestAUnitsHandover:
    def post(self, client, handover, step, data=None, **kwargs):
        response = client.post(
            f"/handovers/{handover.pk}/{step}/", data or {}, follow=True, **kwargs
        )
        assert response.status_code == 200
        return response.content.decode()

    def test_every_step_through_the_forms_to_the_keys(
        self, client, batch_handover, certificate, clara, eric, clock
    ):
        client.force_login(clara)
        page = html(client, clara, f"/handovers/{batch_handover.pk}/")
        assert 'data-next="qualification"' in page and 'data-testid="certificate-ok"' in page

        page = self.post(client, batch_handover, "notice", {"channel": "phone"})
        assert 'data-testid="history-notice"' in page
        page = self.post(
            client, batch_handover, "qualification", {"id_checked": "on", "contract_checked": "on"}
        )
        assert 'data-next="inspection"' in page
        page = self.post(client, batch_handover, "inspection", {"note": "业主到场"})
        inspection = batch_handover.inspections.get()
        page = self.post(
            client,
            batch_handover,
            "defect",
            {
                "inspection": inspection.pk,
                "location": "卫生间",
                "description": "地漏反味",
                "severity": "minor",
                "ticket_category": "engineering",
                "photo": jpeg(),
            },
        )
        ticket = Ticket.objects.get()
        assert f"/tickets/{ticket.pk}/" in page and 'data-testid="defect-row"' in page
        defect = batch_handover.defects.get()
        photo = client.get(f"/defects/{defect.pk}/photo/")
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
        page = self.post(client, batch_handover, "confirmation", {"signed_by": "赵敏"})
        assert 'data-testid="confirmation-pdf"' in page
        page = self.post(client, batch_handover, "keys", {"key_count": "2", "received_by": "赵敏"})
        assert 'data-testid="keys-done"' in page and 'data-next=""' in page
        assert KeyHandover.objects.get().entered_by == clara
        assert Unit.objects.get(pk=batch_handover.unit_id).status == "handed_over"

    def test_a_refused_step_is_said_on_the_page(self, client, batch_handover, clara):
        client.force_login(clara)
        page = self.post(
            client, batch_handover, "qualification", {"id_checked": "on", "contract_checked": "on"}
        )
        assert 'class="flash-error"' in page and 'data-next="qualification"' in page

    def test_an_unknown_step_is_404(self, client, batch_handover, clara):
        client.force_login(clara)
        assert client.post(f"/handovers/{batch_handover.pk}/demolish/").status_code == 404

    def test_another_consultant_is_refused(self, client, batch_handover, bob):
        html(client, bob, f"/handovers/{batch_handover.pk}/", status=403)

    def test_the_confirmation_prints_as_html_and_as_a_pdf(
        self, client, batch_handover, certificate, clara, tmp_path
    ):
        qualification_record(
            handover=batch_handover,
            id_checked=True,
            contract_checked=True,
            note="",
            acting_user=clara,
        )
        inspection = inspection_record(handover=batch_handover, note="", acting_user=clara)
        defect_record(
            inspection=inspection,
            data=DefectInput("客厅", "地板起鼓", "major"),
            acting_user=clara,
        )
        html(client, clara, f"/handovers/{batch_handover.pk}/confirmation/print/", status=404)
        confirmation_sign(handover=batch_handover, signed_by="赵敏", note="", acting_user=clara)

        printed = html(client, clara, f"/handovers/{batch_handover.pk}/confirmation/print/")
        assert "交房确认单" in printed and "地板起鼓" in printed and certificate.number in printed
        response = client.get(f"/handovers/{batch_handover.pk}/confirmation/pdf/")
        assert response["Content-Type"] == "application/pdf"
        path = tmp_path / "confirmation.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
        ).stdout
        for expected in ("交房确认单", "赵敏", "地板起鼓", "较重", certificate.number):
            assert expected in text, expected
