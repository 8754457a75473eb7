"""My customers (我的客户, UX.md §4): claims soonest to lapse first, a follow-up in one click."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attribution.models import HouseholdState
from customers.models import FollowUp
from desk.services import RegistrationInput, registration_create

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


class TestMyCustomers:
    def test_sorted_by_expiry_with_those_lapsing_within_a_day_highlighted(
        self, client, project, alice, clock
    ):
        clock.move_to(DAY1 - timedelta(days=7), tick=False)  # protected through today
        register(project, alice, "13800000001", name="早客户")
        clock.move_to(DAY1, tick=False)
        register(project, alice, "13800000002", name="新客户")
        client.force_login(alice)
        html = client.get("/p/HX01/my-customers/").content.decode()
        assert html.index("早客户") < html.index("新客户")
        assert html.count('data-testid="lapsing"') == 1
        assert 'data-testid="live-count">2<' in html

    def test_a_lapsed_claim_leaves_the_list_before_the_job_runs(
        self, client, project, alice, clock
    ):
        register(project, alice, "13800000001", name="过期客户")
        clock.move_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=SH), tick=False)
        client.force_login(alice)
        assert "过期客户" not in client.get("/p/HX01/my-customers/").content.decode()
        assert HouseholdState.objects.get().status == "active"  # the job has not run

    def test_a_follow_up_from_the_list_extends_the_claim(self, client, project, alice, clock):
        customer = register(project, alice, "13800000001").customer
        clock.move_to(DAY1 + timedelta(days=5), tick=False)
        client.force_login(alice)
        response = client.post(
            f"/p/HX01/my-customers/{customer.pk}/follow-up/",
            {"channel": "wechat", "note": "约了周六"},
        )
        assert response.status_code == 302
        assert FollowUp.objects.get().consultant == alice
        state = HouseholdState.objects.get()
        assert state.expires_at == datetime(2026, 3, 14, 23, 59, 59, tzinfo=SH)

    def test_only_consultants_have_a_my_customers_page(self, client, clara):
        client.force_login(clara)
        assert client.get("/p/HX01/my-customers/").status_code == 403

    def test_the_list_runs_a_constant_number_of_queries(self, client, project, alice, clock):
        client.force_login(alice)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/my-customers/").status_code == 200
            return len(ctx.captured_queries)

        register(project, alice, "13800000000")
        queries()
        few = queries()
        for i in range(1, 30):
            register(project, alice, f"138000000{i:02d}")
        assert queries() == few
