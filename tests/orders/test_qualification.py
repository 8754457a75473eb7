"""购房资格审核: a manager's checklist (passed iff all three), with its reviewer and time; the ID
number given is stored on the customer encrypted and shown masked everywhere."""

import pytest
from django.db import connection

from orders.models import QualificationReview
from tests.factories import ProjectFactory, UserFactory
from tests.orders.conftest import register

pytestmark = pytest.mark.django_db

ALL_CHECKED = {"id_checked": True, "eligible": True, "funds_proof": True, "note": "资料齐全"}


def review(api, user, customer, **fields):
    return api(user).post(
        f"/api/customers/{customer.pk}/qualification/", {**ALL_CHECKED, **fields}, format="json"
    )


def test_201_passed_with_reviewer_and_time(api, project, alice, mike, clock):
    customer = register(project, alice)
    response = review(api, mike, customer)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "passed"
    assert body["reviewer"] == {"username": "mike", "name": "张经理"}
    assert body["reviewed_at"] == "2026-03-02T10:00:00+08:00"
    saved = QualificationReview.objects.get()
    assert (saved.passed, saved.entered_by, saved.note) == (True, mike, "资料齐全")


@pytest.mark.parametrize("missing", ["id_checked", "eligible", "funds_proof"])
def test_any_unchecked_item_fails(api, project, alice, mike, clock, missing):
    customer = register(project, alice)
    assert review(api, mike, customer, **{missing: False}).json()["status"] == "failed"


@pytest.mark.parametrize("who", ["alice", "clara", "fiona"])
def test_only_a_manager_reviews(api, project, alice, clara, fiona, mike, clock, who):
    customer = register(project, alice)
    user = {"alice": alice, "clara": clara, "fiona": fiona}[who]
    response = review(api, user, customer)
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
    assert QualificationReview.objects.count() == 0


def test_the_id_number_is_stored_encrypted_and_shown_masked(api, project, alice, mike, clock):
    customer = register(project, alice)
    body = review(api, mike, customer, id_number=" 11010119900307123x ").json()
    assert body["id_number"] == "1101**********123X"
    customer.refresh_from_db()
    assert customer.id_number == "11010119900307123X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM customers_customer WHERE id = %s", [customer.pk])
        stored = cursor.fetchone()[0]
    assert "11010119900307123X" not in stored
    listed = api(mike).get(f"/api/customers/{customer.pk}/qualification/").json()
    assert listed[0]["id_number"] == "1101**********123X"


def test_400_an_id_number_of_the_wrong_shape(api, project, alice, mike, clock):
    customer = register(project, alice)
    response = review(api, mike, customer, id_number="1101011990")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_id_number")
    assert QualificationReview.objects.count() == 0


def test_a_review_without_an_id_number_keeps_the_one_on_file(api, project, alice, mike, clock):
    customer = register(project, alice)
    review(api, mike, customer, id_number="110101199003071234")
    review(api, mike, customer, id_number="")
    customer.refresh_from_db()
    assert customer.id_number == "110101199003071234"


def test_404_for_a_customer_of_another_project(api, project, alice, mike, clock):
    other = ProjectFactory(code="HX02")
    ann = UserFactory(username="ann", role="consultant", project=other)
    stranger = register(other, ann, phone="13900000001")
    assert review(api, mike, stranger).status_code == 404


class TestReviewPage:
    def test_a_manager_reviews_from_the_customer_page(self, client, project, alice, mike, clock):
        customer = register(project, alice)
        client.force_login(mike)
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert f"/customers/{customer.pk}/qualification/" in page
        response = client.post(
            f"/customers/{customer.pk}/qualification/",
            {"id_checked": "on", "eligible": "on", "funds_proof": "on", "id_number": ""},
        )
        assert response.status_code == 302
        assert QualificationReview.objects.get().passed
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert 'data-testid="qualification-status" data-status="passed"' in page
        assert 'data-testid="review-passed"' in page

    def test_a_wrong_id_number_comes_back_with_what_was_typed(
        self, client, project, alice, mike, clock
    ):
        customer = register(project, alice)
        client.force_login(mike)
        response = client.post(
            f"/customers/{customer.pk}/qualification/",
            {"id_checked": "on", "id_number": "12345", "note": "复核"},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'value="12345"' in page and "复核" in page and "checked" in page
        assert QualificationReview.objects.count() == 0

    def test_a_consultant_may_not_open_the_review(self, client, project, alice, clock):
        customer = register(project, alice)
        client.force_login(alice)
        assert client.get(f"/customers/{customer.pk}/qualification/").status_code == 403
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        assert f"/customers/{customer.pk}/qualification/" not in page
