"""The public verify page ``/verify/{code}/``: no login; a genuine certificate shows its number,
status, unit, issue date and masked names only (never a full name, phone or ID number); a
revoked one says so with the date; an unknown code is a 404 that tells nothing; checks are
rate-limited per visitor, counting unknown codes and genuine ones alike."""

from datetime import timedelta

import pytest
from django.test import override_settings

from customers.models import Customer
from handover.certificates import certificate_revoke

pytestmark = pytest.mark.django_db
ID_NUMBER = "110101199003071234"


def verify(client, code, **headers):
    return client.get(f"/verify/{code}/", **headers)


@pytest.fixture
def with_id_number(paid_contract):
    customer = paid_contract.subscription.customer
    Customer.objects.filter(pk=customer.pk).update(id_number=ID_NUMBER)
    return paid_contract


class TestGenuine:
    def test_anyone_sees_number_status_unit_date_and_a_masked_name(
        self, client, certificate, chinese
    ):
        response = verify(client, certificate.verify_code)

        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-status="valid"' in page
        assert certificate.number in page
        assert "1栋1单元301" in page
        assert "2026年3月2日" in page
        assert "赵*" in page

    def test_never_a_full_name_phone_or_id_number(self, client, with_id_number, fiona, alice):
        from handover.certificates import certificate_issue

        certificate = certificate_issue(contract=with_id_number, acting_user=fiona)
        page = verify(client, certificate.verify_code).content.decode()

        customer = Customer.objects.get(pk=with_id_number.subscription.customer_id)
        assert customer.id_number == ID_NUMBER
        for secret in ("赵敏", "13800138000", "138****8000", ID_NUMBER, "1101**********1234"):
            assert secret not in page, secret
        assert alice.first_name not in page  # nor the staff behind it

    def test_the_page_is_not_cached_indexed_or_leaked_as_a_referrer(self, client, certificate):
        response = verify(client, certificate.verify_code)
        assert response["Cache-Control"] == "no-store"
        assert "noindex" in response["X-Robots-Tag"]
        assert response["Referrer-Policy"] == "no-referrer"


class TestRevoked:
    def test_says_revoked_with_the_date(self, client, certificate, mike, clock, chinese):
        clock.shift(timedelta(days=3))
        certificate_revoke(certificate=certificate, reason="更正", acting_user=mike)

        page = verify(client, certificate.verify_code).content.decode()

        assert 'data-status="revoked"' in page
        assert "2026年3月5日" in page
        assert "更正" not in page  # the reason is the office's business


class TestUnknown:
    def test_an_unknown_code_is_a_404_that_echoes_nothing(self, client, certificate):
        code = certificate.verify_code[:-1] + ("A" if certificate.verify_code[-1] != "A" else "B")

        response = verify(client, code)

        assert response.status_code == 404
        page = response.content.decode()
        assert code not in page
        assert 'data-testid="verify-unknown"' in page

    def test_a_silly_code_is_a_404_too(self, client, db):
        assert verify(client, "x" * 300).status_code == 404


class TestRateLimit:
    @override_settings(VERIFY_RATE="3/min")
    def test_a_visitor_is_stopped_after_the_rate_whether_codes_exist_or_not(
        self, client, certificate
    ):
        answers = [
            verify(client, code).status_code
            for code in ("nope-1", certificate.verify_code, "nope-2")
        ]
        assert answers == [404, 200, 404]

        blocked = verify(client, certificate.verify_code)

        assert blocked.status_code == 429
        assert int(blocked["Retry-After"]) > 0
        assert certificate.number not in blocked.content.decode()

    @override_settings(VERIFY_RATE="1/min")
    def test_each_visitor_has_their_own_allowance(self, client, certificate):
        assert verify(client, certificate.verify_code, REMOTE_ADDR="10.0.0.1").status_code == 200
        assert verify(client, certificate.verify_code, REMOTE_ADDR="10.0.0.2").status_code == 200
        assert verify(client, certificate.verify_code, REMOTE_ADDR="10.0.0.1").status_code == 429
