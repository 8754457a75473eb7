"""Two consultants can register one phone in the same millisecond: PostgreSQL decides."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from customers.models import Customer, Registration
from desk.services import RegistrationInput, registration_create
from tests.factories import ProjectFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_registering_one_phone_make_one_customer_and_twenty_registrations():
    project = ProjectFactory(code="RACE")
    consultants = [UserFactory(role="consultant", project=project) for _ in range(4)]
    occurred = timezone.now() - timedelta(minutes=5)
    barrier = threading.Barrier(20)
    errors = []

    def register(index):
        consultant = consultants[index % len(consultants)]
        try:
            barrier.wait()
            registration_create(
                project=project,
                data=RegistrationInput(
                    kind="visit",
                    occurred_at=occurred,
                    consultant=consultant,
                    name="赵敏",
                    gender="F",
                    phone="+86 138 0013 8000",
                ),
                acting_user=consultant,
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Customer.objects.filter(project=project).count() == 1
    assert Registration.objects.filter(project=project, valid=True).count() == 20
    customer = Customer.objects.get(project=project)
    assert set(Registration.objects.values_list("customer", flat=True)) == {customer.pk}
