"""Pages of attribution: the public pool; and notifications."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attribution.models import HouseholdState
from desk.services import RegistrationInput, registration_create
from projects.models import Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


def register(project, consultant, phone, name="赵敏", **fields):
    fields.setdefault("occurred_at", timezone.now())
    data = RegistrationInput(
        kind="visit", consultant=consultant, name=name, gender="F", phone=phone, **fields
    )
    return registration_create(project=project, data=data, acting_user=consultant).registration


class TestPool:
    @pytest.fixture
    def lapsed(self, project, bob, clock):
        customer = register(project, bob, "13800138000", name="赵敏").customer
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        return customer

    def test_a_consultant_sees_lapsed_customers_masked_and_takes_one(self, client, alice, lapsed):
        client.force_login(alice)
        html = client.get("/p/HX01/pool/").content.decode()
        assert "138****8000" in html and "13800138000" not in html
        assert "赵*" in html and "赵敏" not in html
        response = client.post(f"/p/HX01/pool/{lapsed.household_id}/take/")
        assert response.status_code == 302
        assert HouseholdState.objects.get(household=lapsed.household).owner == alice

    def test_a_manager_redistributes_ticked_customers(self, client, alice, mike, lapsed):
        client.force_login(mike)
        assert "赵敏" in client.get("/p/HX01/pool/").content.decode()
        client.post(
            "/p/HX01/pool/reassign/",
            {"households": [lapsed.household_id], "consultant": "alice", "reason": "二次分配"},
        )
        assert HouseholdState.objects.get(household=lapsed.household).owner == alice
        assert Notification.objects.filter(recipient=alice, kind="household_assigned").exists()

    def test_the_pool_runs_a_constant_number_of_queries(self, client, project, bob, mike, clock):
        client.force_login(mike)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/pool/").status_code == 200
            return len(ctx.captured_queries)

        register(project, bob, "13800000000")
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        queries()
        few = queries()
        clock.move_to(DAY1, tick=False)
        for i in range(1, 30):
            register(project, bob, f"138000000{i:02d}")
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        assert queries() == few


def test_notifications_are_listed_and_marked_read(client, project, alice, mike, clock):
    customer = register(project, alice, "13800138000").customer
    client.force_login(mike)
    client.post(
        "/p/HX01/pool/reassign/",
        {"households": [customer.household_id], "consultant": "alice", "reason": "测试"},
    )
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert 'data-kind="household_assigned"' in html
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_the_pager_keeps_the_lists_filters(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/p/HX01/channel-reports/", {"status": "valid", "page": "1"})
    page = Paginator(list(range(120)), 50).get_page(1)
    html = render_to_string("includes/pager.html", {"page": page}, request=request)
    assert "?status=valid&amp;page=2" in html
