"""客户需求确认单: what the customer asked for, entered by their consultant (or the office),
printed in Chinese on A4 for signing, the signature recorded as a signed copy; kept with the
customer and on their timeline."""

import pytest

from orders.models import RequirementConfirmation
from tests.orders.conftest import make_unit, register

pytestmark = pytest.mark.django_db

BODY = {
    "budget": "1500000.00",
    "layout": "三室两厅",
    "area_min": "85.00",
    "area_max": "120.00",
    "payment_method": "mortgage",
    "notes": "希望南北通透,靠近学校",
}


def confirm(api, user, customer, **fields):
    return api(user).post(
        f"/api/customers/{customer.pk}/requirements/", {**BODY, **fields}, format="json"
    )


def test_the_consultant_confirms_for_their_customer(api, project, alice, clock):
    customer = register(project, alice)
    unit = make_unit(project, room="1201")
    response = confirm(api, alice, customer, intended_units=[unit.pk])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consultant"]["username"] == "alice"
    assert (body["budget"], body["payment_method"], body["signed_at"]) == (
        "1500000.00",
        "mortgage",
        None,
    )
    assert body["intended_units"] == [{"id": unit.pk, "label": str(unit)}]
    assert body["current"] is True


def test_another_consultant_does_not_see_the_customer(api, project, alice, bob, clock):
    customer = register(project, alice)
    assert confirm(api, bob, customer).status_code == 404


def test_a_clerk_names_the_consultant(api, project, alice, clara, clock):
    customer = register(project, alice)
    response = confirm(api, clara, customer, consultant="alice", signed_at="2026-03-02T09:00:00")
    assert response.status_code == 201, response.json()
    assert response.json()["consultant"]["username"] == "alice"
    assert response.json()["signed_at"] == "2026-03-02T09:00:00+08:00"


def test_finance_reads_but_does_not_confirm(api, project, alice, fiona, clock):
    customer = register(project, alice)
    confirm(api, alice, customer)
    assert api(fiona).get(f"/api/customers/{customer.pk}/requirements/").status_code == 200
    assert confirm(api, fiona, customer).status_code == 403


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"area_min": "130.00"}, "invalid_area_range"),
        ({"intended_units": [999999]}, "unknown_intended_units"),
        ({"payment_method": "barter"}, "invalid"),
        ({"budget": "-1"}, "invalid"),
    ],
)
def test_400_for_what_does_not_make_sense(api, project, alice, clock, fields, code):
    customer = register(project, alice)
    response = confirm(api, alice, customer, **fields)
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert RequirementConfirmation.objects.count() == 0


def test_the_signature_is_a_signed_copy_that_supersedes(api, project, alice, clock):
    customer = register(project, alice)
    first = confirm(api, alice, customer).json()
    signed = api(alice).post(f"/api/requirements/{first['id']}/sign/", {}, format="json")
    assert signed.status_code == 201
    assert signed.json()["signed_at"] == "2026-03-02T10:00:00+08:00"
    assert signed.json()["layout"] == "三室两厅"
    listed = api(alice).get(f"/api/customers/{customer.pk}/requirements/").json()
    assert [(c["id"], c["current"]) for c in listed] == [
        (signed.json()["id"], True),
        (first["id"], False),
    ]
    again = api(alice).post(f"/api/requirements/{first['id']}/sign/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "superseded")
    assert RequirementConfirmation.objects.count() == 2


class TestPages:
    def test_new_confirmation_then_the_printed_form(self, client, project, alice, clock):
        customer = register(project, alice, name="钱<多多>")
        unit = make_unit(project, room="1201")
        client.force_login(alice)
        response = client.post(
            f"/customers/{customer.pk}/requirements/new/",
            {"budget": "1500000", "layout": "三室两厅", "intended_units": [unit.pk]},
        )
        confirmation = RequirementConfirmation.objects.get()
        assert response["Location"] == f"/requirements/{confirmation.pk}/print/"
        page = client.get(response["Location"]).content.decode()
        assert "客户需求确认单" in page and "三室两厅" in page and str(unit) in page
        assert "钱&lt;多多&gt;" in page
        assert "print/deal.css" in page

    def test_a_refusal_keeps_what_was_typed(self, client, project, alice, clock):
        customer = register(project, alice)
        client.force_login(alice)
        response = client.post(
            f"/customers/{customer.pk}/requirements/new/",
            {"area_min": "130", "area_max": "90", "notes": "要学区房"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "要学区房" in page and 'value="130"' in page
        assert RequirementConfirmation.objects.count() == 0

    def test_the_customer_page_lists_it_with_its_signature(self, client, project, alice, clock):
        customer = register(project, alice)
        client.force_login(alice)
        client.post(f"/customers/{customer.pk}/requirements/new/", {"layout": "两室"})
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="timeline-requirement"' in page
        assert 'data-testid="requirement-unsigned"' in page
        confirmation = RequirementConfirmation.objects.get()
        client.post(f"/requirements/{confirmation.pk}/sign/")
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="requirement-signed"' in page
        assert 'data-testid="requirement-superseded"' in page
        assert 'data-testid="requirement-unsigned"' not in page
