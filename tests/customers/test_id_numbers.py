"""ID-card numbers are stored encrypted and shown masked (DOMAIN.md §11)."""

import pytest
from django.db import connection

from salesoffice.fields import mask_id_number
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_an_id_number_is_unreadable_in_the_database_and_read_back_by_the_app(project):
    customer = CustomerFactory(project=project, id_number="110101199003071234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM customers_customer WHERE id = %s", [customer.pk])
        stored = cursor.fetchone()[0]
    assert "110101199003071234" not in stored
    customer.refresh_from_db()
    assert customer.id_number == "110101199003071234"


def test_an_id_number_is_shown_masked():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("") == ""


def test_the_admin_shows_the_id_number_masked_and_cannot_change_it(client, admin_user, project):
    customer = CustomerFactory(project=project, id_number="110101199003071234")
    client.force_login(admin_user)
    page = client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()
    assert "1101**********1234" in page
    assert "110101199003071234" not in page


def test_the_admin_history_shows_a_changed_id_number_masked(client, admin_user, project):
    customer = CustomerFactory(project=project, id_number="110101199003071234")
    customer.id_number = "110101199003075678"
    customer.save()
    client.force_login(admin_user)

    page = client.get(f"/admin/customers/customer/{customer.pk}/history/").content.decode()

    assert "1101**********5678" in page
    assert "110101199003075678" not in page and "110101199003071234" not in page


def test_the_history_rows_keep_the_id_number_encrypted(project):
    customer = CustomerFactory(project=project, id_number="110101199003071234")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number FROM customers_historicalcustomer WHERE id = %s", [customer.pk]
        )
        (stored,) = cursor.fetchone()
    assert stored and "110101199003071234" not in stored
