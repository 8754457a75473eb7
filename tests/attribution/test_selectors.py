"""Reading households' ledgers: the presence check that skips kinds of facts a household has
none of is compiled once for a few households and rebound each time, so it must answer for the
households asked about, not the ones asked before."""

import pytest

from attribution.selectors import ledgers_for
from desk.services import household_link_create
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def households():
    """Three single customers with a visit each; then two families of two, linked (A3)."""
    project = ProjectFactory()
    clerk = UserFactory(role="clerk")
    singles = [RegistrationFactory(customer__project=project).customer for _ in range(3)]
    families = []
    for _ in range(2):
        customer, relative = CustomerFactory.create_batch(2, project=project)
        household_link_create(
            customer=customer, relative=relative, kind="spouse", acting_user=clerk
        )
        customer.refresh_from_db()
        families.append(customer.household_id)
    return families, [c.household_id for c in singles]


def test_each_call_reads_the_links_of_the_households_it_asks_about(households):
    families, singles = households

    for ids in ([singles[0]], [families[0]], [singles[1], singles[2]], [singles[1], families[1]]):
        ledgers = ledgers_for(ids)

        for household in ids:
            assert bool(ledgers[household].links) == (household in families), household


def test_few_households_and_many_read_the_same_ledgers(households):
    families, singles = households
    everyone = families + singles

    together = ledgers_for(everyone)

    assert len(everyone) > 4  # beyond the reused SQL: the ORM builds it afresh
    for household in everyone:
        assert ledgers_for([household])[household] == together[household]
