# The statements are of deals: they run on the deals' clock.
from tests.orders.conftest import clock  # noqa: F401
