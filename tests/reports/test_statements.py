"""Monthly commission statements: by the subscription's local month, each party's current
share of each deal, cancelled deals listed and not counted; managers see all, consultants their
own; an XLSX export for managers, logged."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from commission.rules import Share
from commission.services import commission_set
from orders.services import subscription_cancel
from projects.models import ExportLog
from reports.statements import commission_statement
from salesoffice.errors import DomainError
from salesoffice.periods import month_bounds, parse_month
from tests.orders.conftest import DAY1, SH, make_unit, register, subscribe

pytestmark = pytest.mark.django_db
MARCH = parse_month("2026-03")


@pytest.fixture
def deals(project, alice, bob, clock):
    """March: alice's own deal (2,000,000 at 100 %), and bob taking alice's customer while she
    was away (1,000,000 at 50/50); April: one more of alice's."""
    first = register(project, alice, phone="13800000001", name="赵敏")
    second = register(project, alice, phone="13800000002", name="钱多多")
    third = register(project, alice, phone="13800000003", name="孙悟空")
    own = subscribe(
        make_unit(project, room="301", list_price=Decimal("2000000.00")), first, alice
    ).subscription
    clock.move_to(DAY1 + timedelta(days=1), tick=False)
    shared = subscribe(
        make_unit(project, room="302", list_price=Decimal("1000000.00")),
        second,
        bob,
        owner_absent=True,
    ).subscription
    clock.move_to(datetime(2026, 4, 1, 0, 30, tzinfo=SH), tick=False)
    april = subscribe(make_unit(project, room="401"), third, alice).subscription
    return own, shared, april


def by_party(statement):
    return {p.username or p.channel: p for p in statement.parties}


class TestTheStatement:
    def test_each_party_gets_price_times_their_current_share(self, project, deals):
        parties = by_party(commission_statement(project=project, month=MARCH))
        alice, bob = parties["alice"], parties["bob"]
        assert [(line.percent, line.amount) for line in alice.lines] == [
            (Decimal("100.00"), Decimal("2000000.00")),
            (Decimal("50.00"), Decimal("500000.00")),
        ]
        assert (alice.deals, alice.total) == (2, Decimal("2500000.00"))
        assert (bob.deals, bob.total) == (1, Decimal("500000.00"))

    def test_deals_belong_to_the_local_month_of_the_subscription(self, project, deals):
        own, shared, april = deals
        march = commission_statement(project=project, month=MARCH)
        in_march = {line.subscription for p in march.parties for line in p.lines}
        assert in_march == {own, shared}
        # 1 April 00:30 in Shanghai is still 31 March in UTC: it is an April deal.
        april_statement = commission_statement(project=project, month=parse_month("2026-04"))
        assert [line.subscription for line in by_party(april_statement)["alice"].lines] == [april]

    def test_a_cancelled_deal_is_listed_as_cancelled_and_not_counted(
        self, project, deals, mike, clock
    ):
        own, _, _ = deals
        subscription_cancel(subscription=own, reason="客户资金问题", acting_user=mike)
        alice = by_party(commission_statement(project=project, month=MARCH))["alice"]
        assert [line.cancelled for line in alice.lines] == [True, False]
        assert (alice.deals, alice.total) == (1, Decimal("500000.00"))

    def test_a_ruling_changes_the_share_the_statement_uses(self, project, deals, alice, bob, mike):
        _, shared, _ = deals
        commission_set(
            subscription_id=shared.pk,
            shares=[Share(Decimal("30"), alice), Share(Decimal("70"), bob)],
            source="ruling",
            acting_user=mike,
        )
        parties = by_party(commission_statement(project=project, month=MARCH))
        assert parties["bob"].total == Decimal("700000.00")
        assert parties["alice"].total == Decimal("2300000.00")

    def test_a_consultant_reads_only_their_own_shares(self, project, deals, bob):
        statement = commission_statement(project=project, month=MARCH, consultant=bob)
        assert list(by_party(statement)) == ["bob"]
        assert statement.total == Decimal("500000.00")

    def test_a_deal_under_dispute_is_provisional(self, project, alice, bob, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        subscribe(make_unit(project), customer, bob)  # a collision: the manager decides
        (line,) = by_party(commission_statement(project=project, month=MARCH))["alice"].lines
        assert line.provisional

    def test_amounts_are_rounded_to_the_fen(self, project, alice, bob, clock):
        customer = register(project, alice)
        unit = make_unit(project, list_price=Decimal("1000000.01"))
        subscription = subscribe(unit, customer, alice, owner_absent=True).subscription
        commission_set(
            subscription_id=subscription.pk,
            shares=[Share(Decimal("33.33"), alice), Share(Decimal("66.67"), bob)],
            source="ruling",
            acting_user=alice,
        )
        parties = by_party(commission_statement(project=project, month=MARCH))
        assert parties["alice"].total == Decimal("333300.00")
        assert parties["bob"].total == Decimal("666700.01")


def test_a_month_is_read_as_yyyy_mm_in_the_projects_zone():
    assert month_bounds(parse_month("2026-12"), SH) == (
        datetime(2026, 12, 1, tzinfo=SH),
        datetime(2027, 1, 1, tzinfo=SH),
    )
    for bad in ("2026-13", "March", "2026", ""):
        with pytest.raises(DomainError) as refused:
            parse_month(bad)
        assert refused.value.code == "invalid_month"


# -- the page --------------------------------------------------------------------------------------


def page(client, user, query="?month=2026-03"):
    client.force_login(user)
    response = client.get(f"/p/HX01/commission/{query}")
    return response, response.content.decode()


class TestThePage:
    def test_a_manager_sees_every_consultant_with_totals(self, client, deals, mike):
        response, html = page(client, mike)
        assert response.status_code == 200
        assert 'data-party="alice"' in html and 'data-party="bob"' in html
        assert "¥2,500,000.00" in html and "¥500,000.00" in html
        assert 'data-testid="grand-total">¥3,000,000.00<' in html
        assert 'data-testid="export"' in html

    def test_a_consultant_sees_only_their_own(self, client, deals, bob):
        _, html = page(client, bob)
        assert 'data-party="bob"' in html and 'data-party="alice"' not in html
        assert "赵敏" not in html  # alice's own deal is not bob's business
        assert 'data-testid="export"' not in html

    def test_a_cancelled_deal_shows_as_cancelled(self, client, deals, mike):
        own, _, _ = deals
        subscription_cancel(subscription=own, reason="退订", acting_user=mike)
        _, html = page(client, mike)
        assert f'data-subscription="{own.pk}" class="cancelled" data-cancelled="1"' in html

    @pytest.mark.parametrize("persona", ["clara", "fiona", "chan"])
    def test_other_roles_have_no_statements(self, client, project, persona, request):
        assert page(client, request.getfixturevalue(persona))[0].status_code == 403

    def test_without_a_month_it_is_the_current_local_month(self, client, deals, mike, clock):
        clock.move_to(datetime(2026, 3, 31, 23, 30, tzinfo=SH), tick=False)  # 15:30 UTC
        _, html = page(client, mike, "")
        assert 'name="month" value="2026-03"' in html

    def test_an_unreadable_month_says_so_and_shows_the_current_one(
        self, client, deals, mike, clock
    ):
        clock.move_to(DAY1, tick=False)
        response, html = page(client, mike, "?month=soon")
        assert response.status_code == 200
        assert 'data-testid="messages"' in html
        assert 'name="month" value="2026-03"' in html

    def test_the_page_runs_a_constant_number_of_queries(self, client, project, alice, mike, clock):
        client.force_login(mike)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/commission/?month=2026-03").status_code == 200
            return len(ctx.captured_queries)

        add_deals(project, alice, 1)
        queries()  # the first request also caches the viewer's role
        few = queries()
        add_deals(project, alice, 8, start=1)
        assert queries() == few


def add_deals(project, consultant, count, start=0):
    for n in range(start, start + count):
        customer = register(project, consultant, phone=f"1370000{n:04d}", name=f"客户{n}")
        subscribe(make_unit(project, room=f"{n + 2}01"), customer, consultant)


# -- the export ------------------------------------------------------------------------------------


class TestExport:
    def test_a_manager_downloads_the_month_and_it_is_logged(self, client, deals, mike):
        client.force_login(mike)
        response = client.get("/p/HX01/commission/export/?month=2026-03")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "commission-HX01-2026-03.xlsx" in response["Content-Disposition"]
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        body = [r for r in rows[1:] if r[1]]
        assert len(body) == 3  # alice's two lines and bob's one
        assert {(r[0], r[6]) for r in body} >= {("王芳", 2000000), ("李强", 500000)}
        log = ExportLog.objects.get()
        assert (log.user, log.what, log.params, log.rows) == (
            mike,
            "commission",
            {"month": "2026-03"},
            len(rows) - 1,
        )

    @pytest.mark.parametrize("persona", ["alice", "clara"])
    def test_nobody_else_exports(self, client, project, persona, request):
        client.force_login(request.getfixturevalue(persona))
        assert client.get("/p/HX01/commission/export/?month=2026-03").status_code == 403
        assert not ExportLog.objects.exists()


# -- the API ---------------------------------------------------------------------------------------


class TestTheApi:
    def test_a_manager_reads_every_party(self, api, deals, mike):
        body = api(mike).get("/api/commission/?project=HX01&month=2026-03").json()
        assert body["month"] == "2026-03"
        assert body["total"] == "3000000.00"
        parties = {p["consultant"]: p for p in body["parties"]}
        assert set(parties) == {"alice", "bob"}
        line = parties["bob"]["lines"][0]
        assert (line["percent"], line["amount"], line["price"]) == (
            "50.00",
            "500000.00",
            "1000000.00",
        )
        assert line["cancelled"] is False

    def test_a_consultant_reads_their_own(self, api, deals, bob):
        body = api(bob).get("/api/commission/?project=HX01&month=2026-03").json()
        assert [p["consultant"] for p in body["parties"]] == ["bob"]

    @pytest.mark.parametrize("persona", ["clara", "fiona"])
    def test_other_roles_are_403(self, api, project, persona, request):
        response = api(request.getfixturevalue(persona)).get("/api/commission/?project=HX01")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_an_unreadable_month_is_400_invalid_month(self, api, project, mike):
        response = api(mike).get("/api/commission/?project=HX01&month=03-2026")
        assert (response.status_code, response.json()["code"]) == (400, "invalid_month")

    def test_the_api_runs_a_constant_number_of_queries(self, api, project, alice, mike, clock):
        client = api(mike)

        def queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/api/commission/?project=HX01&month=2026-03").status_code == 200
            return len(ctx.captured_queries)

        add_deals(project, alice, 1)
        queries()  # the first request also caches the viewer's role
        few = queries()
        add_deals(project, alice, 8, start=1)
        assert queries() == few


def test_the_navigation_offers_units_and_commission_by_role(client, project, alice, clara):
    client.force_login(alice)
    html = client.get("/p/HX01/units/").content.decode()
    assert 'data-nav="units"' in html and 'data-nav="commission"' in html
    client.force_login(clara)
    html = client.get("/p/HX01/units/").content.decode()
    assert 'data-nav="units"' in html and 'data-nav="commission"' not in html
