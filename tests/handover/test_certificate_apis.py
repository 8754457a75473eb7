"""API.md's payoff certificate: ``POST /api/contracts/{id}/payoff-certificate/`` (finance) →
201 {number, verify_code, pdf} or 409 not_paid_off with the outstanding amount; revocation;
the PDF served as issued to finance, managers and the customer's consultant only."""

import pytest

from handover.models import PayoffCertificate
from tests.factories import ProjectFactory, UserFactory
from tests.handover.conftest import pay

pytestmark = pytest.mark.django_db


def url(contract) -> str:
    return f"/api/contracts/{contract.pk}/payoff-certificate/"


class TestIssue:
    def test_finance_gets_201_with_number_code_and_pdf_url(self, api, paid_contract, fiona):
        response = api(fiona).post(url(paid_contract))

        assert response.status_code == 201, response.json()
        body = response.json()
        certificate = PayoffCertificate.objects.get()
        assert body["number"] == certificate.number == "HX01-FQ-000001"
        assert body["verify_code"] == certificate.verify_code
        assert body["pdf"] == f"http://testserver/certificates/{certificate.number}/pdf/"
        assert body["verify_url"] == f"http://localhost:8000/verify/{certificate.verify_code}/"
        assert body["status"] == "valid"
        assert body["issued_by"] == {"username": "fiona", "name": "刘会计"}

    def test_not_paid_off_is_409_with_the_outstanding_amount_as_a_string(
        self, api, contract, fiona
    ):
        pay(contract, "1137655.00")

        response = api(fiona).post(url(contract))

        assert response.status_code == 409
        body = response.json()
        assert (body["code"], body["outstanding"]) == ("not_paid_off", "12345.00")
        assert body["detail"]

    def test_a_second_request_is_409_already_issued(self, api, paid_contract, fiona):
        first = api(fiona).post(url(paid_contract)).json()

        response = api(fiona).post(url(paid_contract))

        assert response.status_code == 409
        assert response.json()["code"] == "already_issued"
        assert response.json()["number"] == first["number"]

    @pytest.mark.parametrize("who", ["mike", "alice", "clara"])
    def test_anyone_but_finance_is_403_managers_included(self, api, request, paid_contract, who):
        response = api(request.getfixturevalue(who)).post(url(paid_contract))

        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"

    def test_another_projects_contract_is_404(self, api, paid_contract):
        stranger = UserFactory(username="fin9", role="finance", project=ProjectFactory(code="O9"))
        assert api(stranger).post(url(paid_contract)).status_code == 404
        assert api(stranger).post("/api/contracts/999999/payoff-certificate/").status_code == 404

    def test_anonymous_is_refused(self, api, paid_contract):
        assert api().post(url(paid_contract)).status_code in (401, 403)


class TestRevokeAndRead:
    def test_a_manager_revokes_and_the_certificate_reads_revoked(self, api, certificate, mike):
        response = api(mike).post(
            f"/api/certificates/{certificate.number}/revoke/", {"reason": "房号有误"}
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["revocation_reason"]) == ("revoked", "房号有误")
        assert body["revoked_by"]["username"] == "mike"
        read = api(mike).get(f"/api/certificates/{certificate.number}/").json()
        assert read["status"] == "revoked"

    def test_revoking_without_a_reason_is_400_and_twice_is_409(self, api, certificate, fiona):
        path = f"/api/certificates/{certificate.number}/revoke/"
        assert api(fiona).post(path, {"reason": ""}).json()["code"] == "reason_required"
        assert api(fiona).post(path, {"reason": "错误"}).status_code == 200
        again = api(fiona).post(path, {"reason": "错误"})
        assert (again.status_code, again.json()["code"]) == (409, "already_revoked")

    def test_a_consultant_cannot_revoke(self, api, certificate, alice):
        response = api(alice).post(
            f"/api/certificates/{certificate.number}/revoke/", {"reason": "x"}
        )
        assert response.status_code == 403

    def test_another_consultant_does_not_find_the_certificate(self, api, certificate, bob):
        assert api(bob).get(f"/api/certificates/{certificate.number}/").status_code == 404

    def test_re_issue_after_revocation_gives_a_new_number(self, api, certificate, fiona, mike):
        api(mike).post(f"/api/certificates/{certificate.number}/revoke/", {"reason": "更正"})

        response = api(fiona).post(url(certificate.contract))

        assert response.status_code == 201
        assert response.json()["number"] == "HX01-FQ-000002"


class TestThePdf:
    @pytest.mark.parametrize("who", ["fiona", "mike", "alice"])
    def test_finance_managers_and_the_owners_consultant_open_it_inline(
        self, client, request, certificate, who
    ):
        client.force_login(request.getfixturevalue(who))

        response = client.get(f"/certificates/{certificate.number}/pdf/")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        body = b"".join(response.streaming_content)
        with certificate.pdf.open("rb") as stored:
            assert body == stored.read()  # the same document every time

    @pytest.mark.parametrize("who", ["bob", "clara"])
    def test_other_staff_are_refused(self, client, request, certificate, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(f"/certificates/{certificate.number}/pdf/").status_code == 403

    def test_anonymous_goes_to_the_login(self, client, certificate):
        response = client.get(f"/certificates/{certificate.number}/pdf/")
        assert response.status_code == 302 and "/accounts/login/" in response.url
