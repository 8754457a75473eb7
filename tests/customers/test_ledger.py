"""The ledger is append-only through the ORM, the admin, the API and raw SQL on PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from customers.ledger import LedgerImmutableError
from customers.models import Registration, TamperAttempt
from tests.factories import FollowUpFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_saving_an_existing_registration_is_refused_by_the_orm():
    registration = RegistrationFactory()
    registration.name = "改过的名字"
    with pytest.raises(LedgerImmutableError):
        registration.save()


def test_deleting_a_registration_is_refused_by_the_orm():
    registration = RegistrationFactory()
    with pytest.raises(LedgerImmutableError):
        registration.delete()
    with pytest.raises(LedgerImmutableError):
        Registration.objects.filter(pk=registration.pk).delete()
    with pytest.raises(LedgerImmutableError):
        Registration.objects.filter(pk=registration.pk).update(name="x")
    assert Registration.objects.filter(pk=registration.pk, name=registration.name).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE customers_registration SET name = 'x' WHERE id = %s",
        "DELETE FROM customers_registration WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_a_registration_on_postgresql(statement):
    registration = RegistrationFactory()
    with (
        pytest.raises((InternalError, ProgrammingError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [registration.pk])
    assert Registration.objects.get(pk=registration.pk).name == registration.name


def test_raw_sql_cannot_rewrite_a_follow_up_on_postgresql():
    follow_up = FollowUpFactory()
    with (
        pytest.raises((InternalError, ProgrammingError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE customers_followup SET note = 'x' WHERE id = %s", [follow_up.pk])


def test_the_admin_shows_a_registration_but_refuses_and_records_an_edit(client, admin_user):
    registration = RegistrationFactory()
    client.force_login(admin_user)
    url = f"/admin/customers/registration/{registration.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "改过的名字"})
    assert response.status_code == 403
    assert Registration.objects.get(pk=registration.pk).name == registration.name
    attempt = TamperAttempt.objects.get()
    assert (attempt.target_id, attempt.action, attempt.channel, attempt.entered_by) == (
        registration.pk,
        "update",
        "admin",
        admin_user,
    )


def test_the_admin_refuses_and_records_a_delete(client, admin_user):
    registration = RegistrationFactory()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/customers/registration/{registration.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert TamperAttempt.objects.get().action == "delete"


def test_the_api_refuses_and_records_an_edit_or_delete(api, project, alice, clara):
    registration = RegistrationFactory(customer__project=project, consultant=alice)
    for method in ("patch", "put", "delete"):
        response = getattr(api(clara), method)(
            f"/api/registrations/{registration.pk}/", {"name": "x"}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "ledger_immutable"
    assert TamperAttempt.objects.filter(channel="api", entered_by=clara).count() == 3


def test_every_ledger_table_has_the_refusal_trigger_on_postgresql():
    """A ledger model added without ``append_only_trigger`` in its migration fails here."""
    from django.apps import apps

    from customers.ledger import LedgerEvent

    ledger_tables = {
        m._meta.db_table
        for m in apps.get_models()
        if issubclass(m, LedgerEvent) and not m._meta.proxy
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_append_only'"
        )
        guarded = {name for (name,) in cursor.fetchall()}

    assert len(ledger_tables) > 20
    assert ledger_tables - guarded == set()
