"""Gapless per-project numbers (receipts, contracts, certificates) under concurrency."""

import threading

import pytest
from django.db import connection, transaction

from projects.numbering import formatted, next_number
from tests.factories import ProjectFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_get_distinct_numbers_without_gaps_and_a_rollback_gives_one_back():
    project = ProjectFactory(code="NUM")
    taken, errors = [], []
    barrier = threading.Barrier(10)

    def take(index):
        try:
            barrier.wait()
            with transaction.atomic():
                number = next_number(project, "receipt")
                if index == 0:
                    raise RuntimeError("abandoned")  # this one's number is returned
                taken.append(number)
        except RuntimeError:
            pass
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 10))


@pytest.mark.django_db
def test_each_project_and_sequence_counts_on_its_own(project):
    other = ProjectFactory(code="HX02")
    with transaction.atomic():
        assert [next_number(project, "receipt") for _ in range(2)] == [1, 2]
        assert next_number(project, "contract") == 1
        assert next_number(other, "receipt") == 1
    assert formatted(project, "SJ", 12) == "HX01-SJ-000012"


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_only_inside_a_transaction():
    project = ProjectFactory(code="NUM2")
    with pytest.raises(RuntimeError):
        next_number(project, "receipt")
