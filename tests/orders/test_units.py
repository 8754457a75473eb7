"""The unit inventory: the grid of a building (销控表) for every office role, and its admin."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.grid import building_grid, floor_from_room, room_position
from orders.models import Unit, UnitStatus
from tests.factories import UserFactory
from tests.orders.conftest import make_unit, register, subscribe

# -- the grid, pure --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("room", "floor"), [("1502", 15), ("301", 3), ("2", None), ("A1", None), ("0101", 1)]
)
def test_the_floor_is_read_from_a_chinese_room_number(room, floor):
    assert floor_from_room(room) == floor


def test_a_room_column_is_its_number_on_the_floor():
    assert room_position("1502", 15) == "02"
    assert room_position("A", 3) == "A"
    assert room_position("301", None) == "301"


@dataclass
class Cell:
    unit: str
    floor: int | None
    room: str


def test_a_building_is_drawn_floors_from_the_top_rooms_in_order_gaps_left_empty():
    cells = [Cell("1", 3, "301"), Cell("1", 3, "302"), Cell("1", 2, "201"), Cell("1", 10, "1002")]
    (block,) = building_grid(cells)
    assert block.columns == ["01", "02"]
    assert [floor for floor, _ in block.floors] == [10, 3, 2]
    ten, three, two = (row for _, row in block.floors)
    assert [c and c.room for c in ten] == [None, "1002"]
    assert [c.room for c in three] == ["301", "302"]
    assert [c and c.room for c in two] == ["201", None]


def test_each_unit_of_a_building_is_its_own_block_in_natural_order():
    cells = [Cell("10", 1, "101"), Cell("2", 1, "101"), Cell("", None, "商铺A")]
    assert [b.name for b in building_grid(cells)] == ["", "2", "10"]


# -- the page --------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def grid(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/p/HX01/units/{query}")
    return response, response.content.decode()


@pytestmark_db
@pytest.mark.parametrize("persona", ["alice", "clara", "mike", "fiona"])
def test_every_office_role_sees_the_grid(client, project, persona, request):
    make_unit(project, room="301")
    response, html = grid(client, request.getfixturevalue(persona))
    assert response.status_code == 200
    assert 'data-testid="unit"' in html


@pytestmark_db
def test_a_channel_agent_has_no_grid(client, project, chan):
    assert grid(client, chan)[0].status_code == 403


@pytestmark_db
def test_someone_outside_the_project_gets_404(client, project):
    outsider = UserFactory(username="out", role="manager")
    assert grid(client, outsider)[0].status_code == 404


@pytestmark_db
def test_each_status_has_its_colour_and_the_legend_counts_them(client, project, mike):
    make_unit(project, room="301")
    make_unit(project, room="302", status=UnitStatus.RESERVED)
    make_unit(project, room="401")
    _, html = grid(client, mike)
    assert html.count("unit unit-available") == 2
    assert html.count("unit unit-reserved") == 1
    assert 'data-testid="count-available">2<' in html
    assert 'data-testid="count-reserved">1<' in html


@pytestmark_db
def test_the_building_is_chosen_by_the_query_and_defaults_to_the_first(client, project, mike):
    make_unit(project, building="2", room="301")
    make_unit(project, building="10", room="501")
    _, first = grid(client, mike)
    assert 'data-building="2" aria-current="page"' in first
    _, tenth = grid(client, mike, "?building=10")
    assert 'data-building="10" aria-current="page"' in tenth
    assert ">501<" in tenth and ">301<" not in tenth


@pytestmark_db
def test_an_empty_inventory_says_so(client, project, mike):
    response, html = grid(client, mike)
    assert response.status_code == 200
    assert 'data-testid="unit"' not in html


@pytestmark_db
class TestHeldUnits:
    def held(self, project, alice, clock):
        unit = make_unit(project, room="301")
        subscribe(unit, register(project, alice, name="赵敏"), alice)
        return unit

    @pytest.mark.parametrize("persona", ["clara", "mike", "fiona", "alice"])
    def test_office_staff_and_the_owner_see_the_customer_and_consultant(
        self, client, project, alice, persona, request, clock
    ):
        self.held(project, alice, clock)
        _, html = grid(client, request.getfixturevalue(persona))
        assert 'data-testid="deal"' in html
        assert "赵敏" in html and "王芳" in html
        assert "unit unit-subscribed" in html

    def test_another_consultant_sees_only_that_it_is_subscribed(
        self, client, project, alice, bob, clock
    ):
        self.held(project, alice, clock)
        _, html = grid(client, bob)
        assert "unit unit-subscribed" in html
        assert 'data-testid="deal"' not in html
        assert "赵敏" not in html

    def test_the_page_runs_a_constant_number_of_queries(self, client, project, alice, mike, clock):
        client.force_login(alice)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/units/").status_code == 200
            return len(ctx.captured_queries)

        self.held(project, alice, clock)
        queries()  # the first request also caches the viewer's role
        few = queries()
        for n in range(2, 12):
            unit = make_unit(project, room=f"{n}11")
            customer = register(project, alice, phone=f"1380000{n:04d}", name=f"客户{n}")
            subscribe(unit, customer, alice)
            make_unit(project, room=f"{n}12")
        assert queries() == few


# -- the admin ------------------------------------------------------------------------------------


@pytestmark_db
class TestAdmin:
    @pytest.fixture
    def root(self, client, project):
        admin = UserFactory(username="root", is_superuser=True, is_staff=True)
        client.force_login(admin)
        return client

    def test_the_list_filters_and_searches(self, root, project):
        make_unit(project, building="1", room="301", layout="三室两厅")
        make_unit(project, building="2", room="1502")
        assert root.get("/admin/orders/unit/").status_code == 200
        found = root.get("/admin/orders/unit/?q=1502").content.decode()
        assert "1502" in found and "301<" not in found
        assert root.get("/admin/orders/unit/?status__exact=available&held=no").status_code == 200

    def test_a_deal_status_is_not_set_by_hand(self, root, project):
        unit = make_unit(project)
        response = root.post(
            f"/admin/orders/unit/{unit.pk}/change/",
            {
                "project": project.pk,
                "building": "1",
                "unit": "1",
                "floor": "3",
                "room": "301",
                "layout": "",
                "area": "89.50",
                "list_price": "1200000.00",
                "status": UnitStatus.SUBSCRIBED,
            },
        )
        assert response.status_code == 200  # the form again, with the error
        unit.refresh_from_db()
        assert unit.status == UnitStatus.AVAILABLE

    def test_a_free_unit_can_be_reserved_by_hand(self, root, project):
        unit = make_unit(project)
        root.post(
            f"/admin/orders/unit/{unit.pk}/change/",
            {
                "project": project.pk,
                "building": "1",
                "unit": "1",
                "floor": "3",
                "room": "301",
                "layout": "",
                "area": "89.50",
                "list_price": "1250000.00",
                "status": UnitStatus.RESERVED,
            },
        )
        unit.refresh_from_db()
        assert (unit.status, unit.list_price) == (UnitStatus.RESERVED, Decimal("1250000.00"))
        assert unit.history.count() == 2

    def test_the_deal_ledger_is_read_only(self, root, project, alice, clock):
        subscription = subscribe(make_unit(project), register(project, alice), alice).subscription
        assert root.get(f"/admin/orders/subscription/{subscription.pk}/change/").status_code == 200
        assert root.get("/admin/commission/commissionsplit/").status_code == 200
        old = root.get("/admin/orders/commissionsplit/?source=rules")
        assert old.status_code == 301
        assert old["Location"] == "/admin/commission/commissionsplit/?source=rules"
        assert root.get("/admin/orders/unithold/").status_code == 200
        assert Unit.objects.count() == 1
