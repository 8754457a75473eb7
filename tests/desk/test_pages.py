"""The server-rendered screens: front desk, customer page, layout. alice and bob are consultants,
clara the clerk, mike the manager, fiona in finance, chan a channel agent who sees nothing."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import ScopedRateThrottle

from customers.models import FollowUp, HouseholdLink, LookupLog, Registration
from desk import services
from tests.factories import (
    CustomerFactory,
    FollowUpFactory,
    ProjectFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=SH)
PHONE = "13800138000"
MASKED = "138****8000"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def bobs_customer(project, bob):
    """赵敏, registered by bob yesterday: bob owns the household."""
    customer = CustomerFactory(project=project, phone=PHONE, name="赵敏", gender="F")
    RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(days=1))
    return customer


def lookup(client, phone, code="HX01"):
    return client.get(f"/p/{code}/desk/lookup/", {"phone": phone}, **HX)


def register(client, code="HX01", **fields):
    data = {"phone": PHONE, "name": "赵敏", "gender": "F", "kind": "visit", "new": "1"}
    data.update(fields)
    return client.post(f"/p/{code}/desk/register/", data, **HX)


def html(response) -> str:
    return response.content.decode()


def ids_in(response) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', html(response)))


class TestHomeAndLayout:
    @pytest.mark.parametrize(
        ("persona", "home"),
        [
            ("alice", "/p/HX01/desk/"),
            ("clara", "/p/HX01/sheet/"),
            ("mike", "/p/HX01/dashboard/"),
            ("fiona", "/p/HX01/finance/"),
        ],
    )
    def test_home_sends_each_role_to_its_own_page(self, request, as_user, persona, home):
        response = as_user(request.getfixturevalue(persona)).get("/")
        assert (response.status_code, response.url) == (302, home)

    def test_a_role_without_pages_gets_a_plain_notice_not_an_error(self, as_user, project):
        nobody = UserFactory(username="nobody", role=None, project=project)
        response = as_user(nobody).get("/")
        assert response.status_code == 200
        assert "no-page" in ids_in(response)

    def test_the_top_bar_has_project_navigation_user_language_and_logout(self, as_user, alice):
        response = as_user(alice).get("/p/HX01/desk/")
        page = html(response)
        assert "和玺一期" in page and "王芳" in page
        assert 'data-nav="desk"' in page and 'data-nav="sheet"' not in page
        assert 'action="/i18n/setlang/"' in page
        assert {"lang-zh-hans", "lang-en", "logout"} <= ids_in(response)

    def test_a_clerk_sees_the_daily_sheet_in_the_menu(self, as_user, clara):
        page = html(as_user(clara).get("/p/HX01/desk/"))
        assert 'data-nav="desk"' in page and 'data-nav="sheet"' in page

    def test_every_asset_is_served_by_the_app_and_htmx_sends_the_csrf_token(self, as_user, alice):
        page = html(as_user(alice).get("/p/HX01/desk/"))
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
        assert 'src="/static/vendor/htmx/htmx.min.js"' in page
        assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", page)

    def test_htmx_is_vendored_with_its_licence(self, client):
        response = client.get("/static/vendor/htmx/htmx.min.js")
        assert response.status_code == 200
        assert b"htmx" in b"".join(response.streaming_content)
        assert client.get("/static/vendor/htmx/LICENSE").status_code == 200

    def test_switching_to_english_keeps_the_user_on_the_page(self, as_user, alice):
        client = as_user(alice)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/p/HX01/desk/"})
        assert (response.status_code, response.url) == (302, "/p/HX01/desk/")
        assert '<html lang="en">' in html(client.get("/p/HX01/desk/"))

    def test_the_login_page_submits_with_its_own_button_first(self, client):
        page = html(client.get("/accounts/login/"))
        first_submit = re.search(r'<button type="submit"[^>]*>', page).group(0)
        assert 'id="login-submit"' in first_submit


class TestDeskAccess:
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, project):
        response = client.get("/p/HX01/desk/")
        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_the_desk_opens_with_the_phone_box_focused_and_a_spot_for_the_rotation(
        self, as_user, alice
    ):
        response = as_user(alice).get("/p/HX01/desk/")
        assert response.status_code == 200
        assert re.search(r'<input id="desk-phone"[^>]*autofocus', html(response))
        assert "rotation-slot" in ids_in(response)

    def test_a_role_without_a_desk_gets_403(self, as_user, fiona):
        assert as_user(fiona).get("/p/HX01/desk/").status_code == 403

    def test_another_projects_desk_is_404(self, as_user, alice):
        ProjectFactory(code="OTHER")
        assert as_user(alice).get("/p/OTHER/desk/").status_code == 404
        assert lookup(as_user(alice), PHONE, code="OTHER").status_code == 404


class TestDeskLookup:
    def test_a_new_phone_answers_new_with_the_form_and_is_logged(self, as_user, alice):
        response = lookup(as_user(alice), "138 0013 8000")
        assert response.status_code == 200
        assert {"desk-new", "desk-form"} <= ids_in(response)
        log = LookupLog.objects.get()
        assert (log.phone_masked, log.customer, log.entered_by) == (MASKED, None, alice)

    def test_the_form_does_not_echo_the_phone_it_takes_it_from_the_box(self, as_user, alice):
        response = lookup(as_user(alice), PHONE)
        assert PHONE not in html(response)
        assert 'hx-include="#desk-phone"' in html(response)

    def test_a_number_that_is_not_a_mobile_says_so_and_logs_nothing(self, as_user, alice):
        response = lookup(as_user(alice), "12345678901")
        assert "desk-message" in ids_in(response)
        assert "not a reachable Chinese mobile" in html(response)
        assert LookupLog.objects.count() == 0

    def test_anothers_customer_is_shown_taken_masked_and_without_name(
        self, as_user, alice, bobs_customer
    ):
        response = lookup(as_user(alice), PHONE)
        page = html(response)
        assert "desk-returning" in ids_in(response)
        assert MASKED in page and PHONE not in page and "赵敏" not in page
        assert "李强" in page
        assert "Please notify 李强" in page
        assert "open-customer" not in ids_in(response)
        assert LookupLog.objects.get().customer == bobs_customer

    def test_the_owner_sees_name_number_and_a_link_to_the_customer(
        self, as_user, bob, bobs_customer
    ):
        response = lookup(as_user(bob), PHONE)
        page = html(response)
        assert "赵敏" in page and PHONE in page
        assert f'href="/customers/{bobs_customer.pk}/"' in page
        assert "Your own customer" in page

    def test_a_clerk_sees_the_customer_in_full(self, as_user, clara, bobs_customer):
        page = html(lookup(as_user(clara), PHONE))
        assert "赵敏" in page and PHONE in page

    def test_the_api_and_the_page_log_lookups_the_same_way(self, api, as_user, alice):
        lookup(as_user(alice), PHONE)
        api(alice).get("/api/lookup/", {"project": "HX01", "phone": PHONE})
        rows = LookupLog.objects.values_list("phone_masked", "entered_by", "customer")
        assert list(rows) == [(MASKED, alice.pk, None)] * 2

    def test_the_page_spends_the_same_lookup_budget_as_the_api(
        self, monkeypatch, api, as_user, alice
    ):
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"lookup": "2/min"})
        api(alice).get("/api/lookup/", {"project": "HX01", "phone": PHONE})
        assert "desk-new" in ids_in(lookup(as_user(alice), PHONE))
        response = lookup(as_user(alice), PHONE)
        assert "desk-message" in ids_in(response) and "Too many lookups" in html(response)
        assert LookupLog.objects.count() == 2

    def test_registering_a_returning_customer_opens_an_empty_form(
        self, as_user, alice, bobs_customer
    ):
        response = as_user(alice).get("/p/HX01/desk/register/form/", **HX)
        assert "desk-form" in ids_in(response) and "desk-new" not in ids_in(response)
        assert "赵敏" not in html(response) and PHONE not in html(response)


class TestDeskRegistration:
    def test_a_consultant_registers_a_visit_as_themself_and_sees_the_verdict(
        self, as_user, alice, chinese
    ):
        response = register(as_user(alice))
        registration = Registration.objects.get()
        assert (registration.consultant, registration.entered_by) == (alice, alice)
        assert registration.valid and registration.occurred_at == NOW
        assert {"desk-saved", "registration-valid", "desk-back", "open-customer"} <= ids_in(
            response
        )
        page = html(response)
        assert 'data-status="active"' in page and "王芳" in page
        assert "2026年3月2日 18:00" in page

    def test_a_consultant_cannot_register_for_someone_else(self, as_user, alice, bob):
        register(as_user(alice), consultant="bob")
        assert Registration.objects.get().consultant == alice

    def test_a_clerk_must_choose_the_consultant(self, as_user, clara, bob):
        response = register(as_user(clara))
        assert "errors-consultant" in ids_in(response)
        assert Registration.objects.count() == 0
        register(as_user(clara), consultant="bob")
        registration = Registration.objects.get()
        assert (registration.consultant, registration.entered_by) == (bob, clara)

    def test_every_field_of_the_sheet_reaches_the_ledger(self, as_user, alice, bob):
        register(
            as_user(alice),
            kind="call",
            first_visit="no",
            mentioned_consultant="bob",
            source="朋友介绍",
            budget="150万",
            layout="三室两厅",
            note="下午再来",
        )
        r = Registration.objects.get()
        assert (r.kind, r.first_visit, r.mentioned_consultant, r.source, r.note) == (
            "call",
            False,
            bob,
            "朋友介绍",
            "下午再来",
        )
        assert r.intent == {"budget": "150万", "layout": "三室两厅"}

    def test_a_missing_name_is_asked_for_next_to_the_field_and_nothing_is_stored(
        self, as_user, alice
    ):
        response = register(as_user(alice), name="")
        assert response.status_code == 200
        assert "errors-name" in ids_in(response)
        assert "The customer&#x27;s name is missing." in html(response)
        assert response.headers["HX-Retarget"] == "#desk-form"
        assert Registration.objects.count() == 0

    def test_a_surname_alone_needs_the_gender(self, as_user, alice):
        response = register(as_user(alice), name="王", gender="")
        assert "errors-name" in ids_in(response)
        register(as_user(alice), name="王", gender="M")
        assert Registration.objects.get().valid

    @pytest.mark.parametrize("field", ["referrer_phone", "relation_phone"])
    def test_a_mistyped_phone_of_a_referrer_or_relative_is_flagged(self, as_user, alice, field):
        response = register(as_user(alice), **{field: "12345", "relation_kind": "spouse"})
        assert f"errors-{field}" in ids_in(response)
        assert Registration.objects.count() == 0

    def test_a_relative_joins_the_household(self, as_user, alice, bobs_customer):
        register(
            as_user(alice),
            phone="13900139000",
            name="钱伟",
            gender="M",
            relation_phone=PHONE,
            relation_kind="spouse",
        )
        link = HouseholdLink.objects.get()
        assert (link.relative, link.kind) == (bobs_customer, "spouse")

    def test_a_relation_needs_its_kind(self, as_user, alice, bobs_customer):
        response = register(as_user(alice), phone="13900139000", relation_phone=PHONE)
        assert "errors-relation_kind" in ids_in(response)

    def test_an_unknown_referrer_is_reported_in_plain_words(self, as_user, alice):
        response = register(as_user(alice), referrer_phone="13900139000")
        assert "registration-warnings" in ids_in(response)
        assert Registration.objects.get().referrer is None

    def test_registering_anothers_customer_shows_whom_to_notify(
        self, as_user, alice, bobs_customer
    ):
        response = register(as_user(alice), new="0")
        page = html(response)
        assert "registration-valid" in ids_in(response)
        assert 'data-status="active"' in page and "Please notify 李强" in page

    def test_a_role_without_a_desk_cannot_register(self, as_user, fiona):
        assert register(as_user(fiona)).status_code == 403
        assert Registration.objects.count() == 0


def page_of(client, customer, **extra):
    return client.get(f"/customers/{customer.pk}/", **extra)


class TestCustomerPage:
    def test_the_owner_sees_header_verdict_basis_and_timeline(
        self, as_user, bob, bobs_customer, chinese
    ):
        response = page_of(as_user(bob), bobs_customer)
        page = html(response)
        assert response.status_code == 200
        assert "赵敏" in page and PHONE in page
        assert {"customer-stage", "verdict-basis", "timeline-registration"} <= ids_in(response)
        basis = re.search(r'data-testid="verdict-basis">(.*?)</ul>', page, re.S).group(1)
        assert "李强" in basis and "A1" in basis
        assert "2026年3月1日 18:00" in page

    def test_a_consultant_who_may_not_see_the_customer_gets_404(
        self, as_user, alice, bobs_customer
    ):
        response = page_of(as_user(alice), bobs_customer)
        assert response.status_code == 404
        assert "赵敏" not in html(response) and PHONE not in html(response)

    @pytest.mark.parametrize(("persona", "status"), [("clara", 200), ("mike", 200), ("chan", 404)])
    def test_office_staff_see_every_customer_and_a_channel_agent_none(
        self, request, as_user, bobs_customer, persona, status
    ):
        response = page_of(as_user(request.getfixturevalue(persona)), bobs_customer)
        assert response.status_code == status

    def test_a_customer_of_another_project_is_404(self, as_user, bob):
        elsewhere = CustomerFactory(project=ProjectFactory(code="OTHER"))
        assert page_of(as_user(bob), elsewhere).status_code == 404

    def test_a_correction_stands_next_to_what_it_corrects(self, as_user, bob, clara, bobs_customer):
        registration = bobs_customer.registrations.get()
        services.correction_create(
            registration=registration,
            reason="登记时写错了名字",
            void=False,
            changes={"name": "赵明"},
            acting_user=clara,
        )
        page = html(page_of(as_user(bob), bobs_customer))
        item = re.search(r'data-testid="timeline-registration".*?</li>\s*</ul>', page, re.S)
        assert item and 'data-testid="correction"' in item.group(0)
        assert "赵明" in item.group(0) and "登记时写错了名字" in item.group(0)
        assert "陈静" in item.group(0)
        assert "Name as given: 赵敏" in page

    def test_household_members_and_links_are_shown(self, as_user, alice, bob, bobs_customer):
        register(
            as_user(alice),
            phone="13900139000",
            name="钱伟",
            gender="M",
            relation_phone=PHONE,
            relation_kind="spouse",
        )
        response = page_of(as_user(bob), bobs_customer)
        assert {"household-members", "timeline-link"} <= ids_in(response)
        assert "钱伟" in html(response)

    def test_invalid_registrations_show_their_reason(self, as_user, clara, bobs_customer, bob):
        RegistrationFactory(
            customer=bobs_customer, consultant=bob, valid=False, invalid_reasons=["name_missing"]
        )
        response = page_of(as_user(clara), bobs_customer)
        assert "registration-invalid" in ids_in(response)
        assert "The customer&#x27;s name is missing." in html(response)

    def test_the_page_is_a_constant_number_of_queries_whatever_the_history(
        self, as_user, bob, clara, bobs_customer, django_assert_max_num_queries
    ):
        def add_history(count):
            for _ in range(count):
                registration = RegistrationFactory(
                    customer=bobs_customer, consultant=bob, occurred_at=NOW - timedelta(hours=1)
                )
                services.correction_create(
                    registration=registration,
                    reason="核对",
                    void=False,
                    changes={"gender": "F"},
                    acting_user=clara,
                )
                FollowUpFactory(customer=bobs_customer, consultant=bob)

        client = as_user(bob)
        add_history(1)
        with CaptureQueriesContext(connection) as one_of_each:
            page_of(client, bobs_customer)
        add_history(20)
        with django_assert_max_num_queries(len(one_of_each.captured_queries)):
            response = page_of(client, bobs_customer)
        assert html(response).count('data-testid="timeline-follow_up"') == 21


class TestFollowUps:
    def post(self, client, customer, **fields):
        data = {"channel": "phone", "note": "约了周六看房"}
        data.update(fields)
        return client.post(f"/customers/{customer.pk}/follow-ups/", data, **HX)

    def test_the_owner_adds_a_follow_up_and_gets_the_updated_page_body(
        self, as_user, bob, bobs_customer
    ):
        response = self.post(as_user(bob), bobs_customer, channel="wechat")
        follow_up = FollowUp.objects.get()
        assert (follow_up.consultant, follow_up.channel, follow_up.note) == (
            bob,
            "wechat",
            "约了周六看房",
        )
        assert html(response).lstrip().startswith('<div id="customer-body"')
        assert {"follow-up-notice", "timeline-follow_up"} <= ids_in(response)
        assert "keeps the customer" in html(response)

    def test_a_follow_up_needs_its_line(self, as_user, bob, bobs_customer):
        response = self.post(as_user(bob), bobs_customer, note="")
        assert "errors-note" in ids_in(response)
        assert FollowUp.objects.count() == 0

    def test_a_consultant_who_may_not_see_the_customer_cannot_add_one(
        self, as_user, alice, bobs_customer
    ):
        assert self.post(as_user(alice), bobs_customer).status_code == 404
        assert FollowUp.objects.count() == 0

    def test_a_clerk_records_it_for_the_owner_by_default(self, as_user, clara, bob, bobs_customer):
        page = html(page_of(as_user(clara), bobs_customer))
        assert re.search(r'<option value="bob" selected>', page)
        self.post(as_user(clara), bobs_customer, consultant="bob")
        follow_up = FollowUp.objects.get()
        assert (follow_up.consultant, follow_up.entered_by) == (bob, clara)

    def test_a_role_that_records_no_contacts_sees_no_form(self, as_user, fiona, bobs_customer):
        response = page_of(as_user(fiona), bobs_customer)
        assert response.status_code == 200 and "follow-up-save" not in ids_in(response)
        assert self.post(as_user(fiona), bobs_customer).status_code == 403

    def test_without_htmx_the_post_redirects_back_to_the_page(self, as_user, bob, bobs_customer):
        response = as_user(bob).post(
            f"/customers/{bobs_customer.pk}/follow-ups/", {"channel": "sms", "note": "发了短信"}
        )
        assert (response.status_code, response.url) == (302, f"/customers/{bobs_customer.pk}/")

    def test_a_helper_is_told_their_follow_up_extends_nothing(self, as_user, alice, bobs_customer):
        # alice received 赵敏 today, so she serves the household and may see it.
        RegistrationFactory(customer=bobs_customer, consultant=alice, occurred_at=NOW)
        response = self.post(as_user(alice), bobs_customer)
        assert "Only the owner" in html(response)


def test_staff_from_other_projects_are_not_offered_as_consultants(as_user, clara, bob):
    UserFactory(username="zoe", role="consultant", project=ProjectFactory(code="OTHER"))
    page = html(lookup(as_user(clara), PHONE))
    assert 'value="bob"' in page and 'value="zoe"' not in page
