from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Registration
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)


def body(**fields):
    data = {
        "project": "HX01",
        "kind": "visit",
        "occurred_at": "2026-03-02T10:00:00",
        "consultant": "alice",
        "name": "赵敏",
        "gender": "F",
        "phone": "138 0013 8000",
    }
    data.update(fields)
    return data


class TestRegistrationApi:
    def test_a_valid_registration_answers_201_with_the_verdict(self, api, alice):
        response = api(alice).post("/api/registrations/", body(), format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["valid"] is True and data["invalid_reason"] is None
        assert data["customer"] and data["household"]
        assert data["attribution"]["owner"] == {"username": "alice", "name": "王芳"}
        assert data["attribution"]["basis"][0]["rule"] == "A1"

    def test_a_time_without_offset_is_read_in_the_projects_time_zone(self, api, alice):
        data = api(alice).post("/api/registrations/", body(), format="json").json()
        assert data["occurred_at"] == "2026-03-02T10:00:00+08:00"

    def test_an_unusable_phone_is_stored_and_answered_201_invalid(self, api, alice):
        response = api(alice).post("/api/registrations/", body(phone="12345"), format="json")
        assert response.status_code == 201
        data = response.json()
        assert (data["valid"], data["invalid_reason"], data["customer"], data["household"]) == (
            False,
            "phone_invalid",
            None,
            None,
        )
        assert Registration.objects.get(pk=data["id"]).phone_input == "12345"

    def test_an_unknown_consultant_is_400(self, api, clara):
        response = api(clara).post("/api/registrations/", body(consultant="nobody"), format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_consultant"
        assert Registration.objects.count() == 0

    def test_an_unknown_project_is_400(self, api, alice):
        response = api(alice).post("/api/registrations/", body(project="NOPE"), format="json")
        assert (response.status_code, response.json()["code"]) == (400, "unknown_project")

    def test_an_unparseable_body_is_400_with_fields(self, api, alice):
        response = api(alice).post(
            "/api/registrations/", body(occurred_at="yesterday"), format="json"
        )
        assert response.status_code == 400
        assert set(response.json()) >= {"detail", "code", "fields"}
        assert "occurred_at" in response.json()["fields"]

    def test_a_consultant_registering_as_someone_else_is_403(self, api, alice, bob):
        response = api(alice).post("/api/registrations/", body(consultant="bob"), format="json")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        assert Registration.objects.count() == 0

    def test_a_clerk_registers_for_a_consultant(self, api, alice, clara):
        response = api(clara).post("/api/registrations/", body(), format="json")
        assert response.status_code == 201
        assert Registration.objects.get().entered_by == clara

    def test_anonymous_callers_are_refused(self, api, project):
        response = api().post("/api/registrations/", body(), format="json")
        assert response.status_code in (401, 403)


class TestLookupApi:
    def test_an_unknown_phone_is_new(self, api, alice):
        data = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"}).json()
        assert data["found"] is False
        assert data["phone"] == "138****8000"

    def test_a_consultant_sees_another_consultants_customer_masked(self, api, project, alice, bob):
        customer = CustomerFactory(project=project, phone="13800138000", name="赵敏")
        RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(days=1))
        response = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "138-0013-8000"})
        data = response.json()
        assert data["found"] is True
        assert data["owner"] == {"username": "bob", "name": "李强"}
        assert data["phone"] == "138****8000"
        assert data["name"] is None
        assert "13800138000" not in response.content.decode()
        assert "赵敏" not in response.content.decode()

    def test_the_owner_sees_their_customer_in_full(self, api, project, alice):
        customer = CustomerFactory(project=project, phone="13800138000", name="赵敏")
        RegistrationFactory(
            customer=customer, consultant=alice, occurred_at=NOW - timedelta(days=1)
        )
        data = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"}).json()
        assert (data["phone"], data["name"]) == ("13800138000", "赵敏")

    @pytest.mark.parametrize(
        ("served", "in_full"), [(timedelta(hours=2), True), (timedelta(days=1), False)]
    )
    def test_a_consultant_serving_anothers_customer_today_sees_them_in_full(
        self, api, project, alice, bob, served, in_full
    ):
        customer = CustomerFactory(project=project, phone="13800138000", name="赵敏")
        RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(days=2))
        relative = CustomerFactory(project=project, household=customer.household)
        RegistrationFactory(customer=relative, consultant=alice, occurred_at=NOW - served)

        data = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"}).json()

        assert data["owner"]["username"] == "bob"
        assert (data["phone"], data["name"]) == (
            ("13800138000", "赵敏") if in_full else ("138****8000", None)
        )

    def test_a_project_the_consultant_is_not_a_member_of_is_404(self, api, alice):
        ProjectFactory(code="ZZ09")

        response = api(alice).get("/api/lookup/", {"project": "ZZ09", "phone": "13800138000"})

        assert (response.status_code, response.json()["code"]) == (404, "unknown_project")

    @pytest.mark.parametrize("persona", ["clara", "mike"])
    def test_clerk_and_manager_see_everyone_in_full(self, api, project, bob, persona, request):
        customer = CustomerFactory(project=project, phone="13800138000", name="赵敏")
        RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(days=1))
        viewer = request.getfixturevalue(persona)
        data = api(viewer).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"}).json()
        assert (data["phone"], data["name"]) == ("13800138000", "赵敏")

    def test_a_lookup_is_logged(self, api, alice):
        from customers.models import LookupLog

        api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"})
        log = LookupLog.objects.get()
        assert (log.entered_by, log.phone_masked) == (alice, "138****8000")

    def test_an_invalid_phone_is_a_clear_400(self, api, alice):
        response = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "123"})
        assert (response.status_code, response.json()["code"]) == (400, "phone_invalid")

    def test_lookup_runs_a_constant_number_of_queries_whatever_the_history(
        self, api, project, alice, bob, django_assert_max_num_queries
    ):
        def lookup_queries(phone):
            with CaptureQueriesContext(connection) as ctx:
                response = api(alice).get("/api/lookup/", {"project": "HX01", "phone": phone})
            assert response.status_code == 200
            return len(ctx.captured_queries)

        small = CustomerFactory(project=project, phone="13800138000")
        RegistrationFactory(customer=small, consultant=bob)
        big = CustomerFactory(project=project, phone="13900139000")
        for days in range(30):
            RegistrationFactory(
                customer=big, consultant=bob, occurred_at=NOW - timedelta(days=days)
            )
        lookup_queries("13800138000")  # the first request warms per-process caches
        assert lookup_queries("13800138000") == lookup_queries("13900139000")
        # auth, project, customer, one query per kind of ledger fact, policy, names, log
        with django_assert_max_num_queries(25):
            api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13900139000"})


class TestCustomerApi:
    def test_another_consultants_customer_is_404(self, api, project, alice, bob):
        customer = CustomerFactory(project=project)
        RegistrationFactory(customer=customer, consultant=bob)
        assert api(alice).get(f"/api/customers/{customer.pk}/").status_code == 404

    def test_the_owner_reads_the_full_record(self, api, project, alice):
        customer = CustomerFactory(project=project, name="赵敏")
        RegistrationFactory(
            customer=customer, consultant=alice, occurred_at=NOW - timedelta(hours=2)
        )
        data = api(alice).get(f"/api/customers/{customer.pk}/").json()
        assert data["name"] == "赵敏" and data["phone"] == customer.phone
        assert len(data["registrations"]) == 1
        assert data["attribution"]["owner"]["username"] == "alice"

    def test_customer_detail_queries_do_not_grow_with_the_timeline(self, api, project, clara, bob):
        def detail_queries(customer):
            with CaptureQueriesContext(connection) as ctx:
                assert api(clara).get(f"/api/customers/{customer.pk}/").status_code == 200
            return len(ctx.captured_queries)

        small, big = CustomerFactory(project=project), CustomerFactory(project=project)
        RegistrationFactory(customer=small, consultant=bob)
        for days in range(40):
            RegistrationFactory(
                customer=big, consultant=bob, occurred_at=NOW - timedelta(days=days)
            )
        detail_queries(small)  # the first request warms per-process caches
        assert detail_queries(small) == detail_queries(big) <= 25


class TestFollowUpApi:
    def test_a_follow_up_by_the_owner_counts(self, api, project, alice):
        customer = CustomerFactory(project=project)
        RegistrationFactory(
            customer=customer, consultant=alice, occurred_at=NOW - timedelta(days=1)
        )
        response = api(alice).post(
            "/api/follow-ups/",
            {
                "customer": customer.pk,
                "consultant": "alice",
                "occurred_at": NOW.isoformat(),
                "channel": "wechat",
                "note": "约周末看房",
            },
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["counts"] is True

    def test_a_follow_up_by_someone_else_is_recorded_and_counts_for_nothing(
        self, api, project, alice, bob
    ):
        customer = CustomerFactory(project=project)
        RegistrationFactory(customer=customer, consultant=bob, occurred_at=NOW - timedelta(days=1))
        response = api(alice).post(
            "/api/follow-ups/",
            {
                "customer": customer.pk,
                "consultant": "alice",
                "occurred_at": NOW.isoformat(),
                "channel": "phone",
            },
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["counts"] is False
