"""Issuing and revoking payoff certificates: finance only, only when nothing is outstanding (a
refund makes it outstanding again), one valid certificate per contract, numbers without gaps,
revocation with a reason that keeps the certificate, and a re-issue with a new number."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.utils import DatabaseError

from handover.certificates import certificate_issue, certificate_revoke, is_valid
from handover.models import CertificateRevocation, PayoffCertificate, ValidCertificate
from orders.models import ContractCancellation
from projects.models import NumberSequence
from salesoffice.errors import Conflict, DomainError, NotFound, NotPermitted
from tests.factories import ProjectFactory, UserFactory
from tests.handover.conftest import make_contract, pay, pay_off

pytestmark = pytest.mark.django_db


def issue(contract, user):
    return certificate_issue(contract=contract, acting_user=user)


class TestIssuing:
    def test_finance_issues_a_numbered_certificate_with_a_random_code_and_its_pdf(
        self, paid_contract, fiona
    ):
        certificate = issue(paid_contract, fiona)

        assert certificate.number == "HX01-FQ-000001"
        assert len(certificate.verify_code) >= 22  # token_urlsafe(16): 128 random bits
        assert certificate.amount == Decimal("1200000.00")
        assert (certificate.entered_by, certificate.contract) == (fiona, paid_contract)
        assert certificate.pdf.read(5) == b"%PDF-"
        assert ValidCertificate.objects.get(contract=paid_contract).certificate == certificate

    def test_codes_differ_between_certificates(self, project, alice, fiona, clock):
        contracts = [
            make_contract(project, alice, room=room, phone=f"1380013800{i}")
            for i, room in enumerate(("301", "302"))
        ]
        codes = set()
        for contract in contracts:
            pay_off(contract)
            codes.add(issue(contract, fiona).verify_code)
        assert len(codes) == 2

    def test_not_paid_off_is_refused_with_the_outstanding_amount(self, contract, fiona):
        pay(contract, "1137655.00")

        with pytest.raises(Conflict) as refused:
            issue(contract, fiona)

        assert refused.value.code == "not_paid_off"
        assert refused.value.extra == {"outstanding": "12345.00"}
        assert not PayoffCertificate.objects.exists()

    def test_a_refund_after_paying_off_makes_it_outstanding_again(self, paid_contract, fiona):
        pay(paid_contract, "-20000.00", kind="refund")

        with pytest.raises(Conflict) as refused:
            issue(paid_contract, fiona)

        assert refused.value.code == "not_paid_off"
        assert refused.value.extra["outstanding"] == "20000.00"

    def test_a_second_certificate_for_the_contract_is_refused_naming_the_first(
        self, certificate, paid_contract, fiona
    ):
        with pytest.raises(Conflict) as refused:
            issue(paid_contract, fiona)

        assert refused.value.code == "already_issued"
        assert refused.value.extra["number"] == certificate.number
        assert PayoffCertificate.objects.count() == 1

    def test_a_cancelled_contract_gets_none(self, paid_contract, fiona, mike, clock):
        from django.utils import timezone

        ContractCancellation.objects.create(
            contract=paid_contract,
            occurred_at=timezone.now(),
            reason="退房",
            approved_by=mike,
            entered_at=timezone.now(),
        )
        with pytest.raises(Conflict) as refused:
            issue(paid_contract, fiona)
        assert refused.value.code == "contract_cancelled"

    @pytest.mark.parametrize("who", ["mike", "alice", "clara"])
    def test_only_finance_issues_managers_included(self, request, paid_contract, who):
        with pytest.raises(NotPermitted):
            issue(paid_contract, request.getfixturevalue(who))
        assert not PayoffCertificate.objects.exists()

    def test_finance_of_another_project_does_not_find_the_contract(self, paid_contract):
        elsewhere = UserFactory(username="fin2", role="finance", project=ProjectFactory(code="O2"))

        with pytest.raises(NotFound):
            issue(paid_contract, elsewhere)


class TestNumbering:
    def test_numbers_have_no_gap_when_attempts_are_refused_in_between(
        self, project, alice, fiona, clock
    ):
        first, unpaid, second = (
            make_contract(project, alice, room=room, phone=f"1390000000{i}")
            for i, room in enumerate(("101", "102", "103"))
        )
        pay_off(first)
        pay_off(second)

        numbers = [issue(first, fiona).number]
        with pytest.raises(Conflict):
            issue(unpaid, fiona)
        with pytest.raises(Conflict):
            issue(first, fiona)
        numbers.append(issue(second, fiona).number)

        assert numbers == ["HX01-FQ-000001", "HX01-FQ-000002"]
        assert NumberSequence.objects.get(project=project, name="certificate").last == 2

    def test_each_project_counts_on_its_own(self, paid_contract, fiona, alice, clock):
        other = ProjectFactory(code="HX02")
        seller = UserFactory(username="ann", role="consultant", project=other)
        cashier = UserFactory(username="fin2", role="finance", project=other)
        elsewhere = make_contract(other, seller, phone="13700000001")
        pay_off(elsewhere)

        assert issue(paid_contract, fiona).number == "HX01-FQ-000001"
        assert issue(elsewhere, cashier).number == "HX02-FQ-000001"


class TestRevoking:
    @pytest.mark.parametrize("who", ["mike", "fiona"])
    def test_a_manager_or_finance_revokes_with_a_reason_and_the_certificate_stays(
        self, request, certificate, who
    ):
        user = request.getfixturevalue(who)

        revocation = certificate_revoke(
            certificate=certificate, reason="金额有误", acting_user=user
        )

        certificate = PayoffCertificate.objects.get(pk=certificate.pk)
        assert (revocation.reason, revocation.entered_by) == ("金额有误", user)
        assert not is_valid(certificate)
        assert not ValidCertificate.objects.exists()

    @pytest.mark.parametrize("who", ["alice", "clara"])
    def test_others_cannot_revoke(self, request, certificate, who):
        with pytest.raises(NotPermitted):
            certificate_revoke(
                certificate=certificate, reason="x", acting_user=request.getfixturevalue(who)
            )

    def test_a_reason_is_required(self, certificate, mike):
        with pytest.raises(DomainError) as refused:
            certificate_revoke(certificate=certificate, reason="  ", acting_user=mike)
        assert refused.value.code == "reason_required"

    def test_revoking_twice_is_refused(self, certificate, mike):
        certificate_revoke(certificate=certificate, reason="错误", acting_user=mike)
        with pytest.raises(Conflict) as refused:
            certificate_revoke(certificate=certificate, reason="再次", acting_user=mike)
        assert refused.value.code == "already_revoked"

    def test_after_revocation_a_new_certificate_gets_a_new_number(
        self, certificate, paid_contract, fiona, mike
    ):
        certificate_revoke(certificate=certificate, reason="客户姓名有误", acting_user=mike)

        again = issue(paid_contract, fiona)

        assert again.number == "HX01-FQ-000002"
        assert again.verify_code != certificate.verify_code
        assert ValidCertificate.objects.get(contract=paid_contract).certificate == again
        assert PayoffCertificate.objects.filter(contract=paid_contract).count() == 2

    def test_cancelling_the_contract_revokes_its_certificate(
        self, certificate, paid_contract, mike
    ):
        from orders.contracts import contract_cancel

        contract_cancel(contract=paid_contract, reason="客户退房", acting_user=mike)

        certificate = PayoffCertificate.objects.get(pk=certificate.pk)
        assert not is_valid(certificate)
        revocation = CertificateRevocation.objects.get(certificate=certificate)
        assert "客户退房" in revocation.reason and revocation.entered_by == mike


class TestLedger:
    def test_certificates_and_revocations_are_append_only_even_in_sql(self, certificate, mike):
        revocation = certificate_revoke(certificate=certificate, reason="错误", acting_user=mike)
        for table, pk in (
            ("handover_payoffcertificate", certificate.pk),
            ("handover_certificaterevocation", revocation.pk),
        ):
            with pytest.raises(DatabaseError), connection.cursor() as cursor:
                from django.db import transaction

                with transaction.atomic():
                    cursor.execute(f"UPDATE {table} SET entered_at = now() WHERE id = %s", [pk])
        assert CertificateRevocation.objects.count() == 1

    def test_the_pdf_as_issued_is_kept(self, certificate):
        stored = PayoffCertificate.objects.get(pk=certificate.pk)
        assert stored.pdf.name.endswith(".pdf")
        with stored.pdf.open("rb") as first:
            body = first.read()
        with PayoffCertificate.objects.get(pk=certificate.pk).pdf.open("rb") as second:
            assert second.read() == body
