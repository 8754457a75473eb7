"""Two finance clicks at the same instant on PostgreSQL: exactly one certificate. The second
request waits for the first's lock on the contract, then finds its certificate: one 201 and one
409 already_issued naming the same number, and one number taken from the sequence."""

import pytest

from handover.models import PayoffCertificate, ValidCertificate
from projects.models import NumberSequence
from tests.attribution.test_concurrency import run_together
from tests.factories import ProjectFactory, UserFactory
from tests.handover.conftest import make_contract, pay_off

pytestmark = pytest.mark.django_db(transaction=True)


def issuing(api, user, contract, answers: list):
    def job():
        response = api(user).post(f"/api/contracts/{contract.pk}/payoff-certificate/")
        body = response.json()
        answers.append((response.status_code, body.get("code"), body.get("number")))

    return job


def test_two_requests_at_once_give_one_certificate_one_201_and_one_409(api):
    project = ProjectFactory(code="RACE7")
    seller = UserFactory(username="ann7", role="consultant", project=project)
    cashier = UserFactory(username="fin7", role="finance", project=project)
    other_cashier = UserFactory(username="fin8", role="finance", project=project)
    contract = make_contract(project, seller, phone="13800000071")
    pay_off(contract, by=cashier)
    answers: list = []

    errors = run_together(
        [issuing(api, cashier, contract, answers), issuing(api, other_cashier, contract, answers)]
    )

    assert errors == []
    assert sorted(a[:2] for a in answers) == [(201, None), (409, "already_issued")]
    assert {a[2] for a in answers} == {"RACE7-FQ-000001"}  # the 409 names the one issued
    assert PayoffCertificate.objects.count() == 1
    assert ValidCertificate.objects.get(contract=contract).certificate.number == "RACE7-FQ-000001"
    assert NumberSequence.objects.get(project=project, name="certificate").last == 1
