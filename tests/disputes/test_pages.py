"""Pages outside the admin: a consultant opens a dispute from the customer page and follows it,
the customer's timeline shows the dispute's steps, and the lists run constant queries."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes.decisions import dispute_rule, ruling_input_from_template
from disputes.flow import dispute_appeal
from disputes.models import Dispute, DisputeEvidence, DisputeState
from disputes.opening import dispute_open
from tests.disputes.conftest import DAY1, SH, register, subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def rule(dispute, manager, template="complaint", reason="客户投诉王芳"):
    ruling = ruling_input_from_template(dispute=dispute, template=template, reason=reason)
    return dispute_rule(dispute=dispute, ruling=ruling, acting_user=manager)


class TestOpeningFromTheCustomerPage:
    def test_the_form_is_for_a_consultant_who_does_not_own_the_customer(
        self, client, household, alice, bob, mike
    ):
        customer = household.members.get()
        assert 'data-testid="dispute-form"' in page(client, bob, f"/customers/{customer.pk}/")
        assert 'data-testid="dispute-form"' not in page(client, alice, f"/customers/{customer.pk}/")
        assert 'data-testid="dispute-form"' not in page(client, mike, f"/customers/{customer.pk}/")

    def test_a_consultant_opens_one_with_a_reason_and_files(self, client, household, bob):
        customer = household.members.get()
        client.force_login(bob)
        response = client.post(
            f"/customers/{customer.pk}/dispute/",
            {
                "reason": "她上周来电是我接的",
                "evidence": "来电登记表",
                "evidence_files": [SimpleUploadedFile("call.png", b"png", "image/png")],
            },
            follow=True,
        )
        assert response.status_code == 200
        dispute = Dispute.objects.get()
        assert (dispute.claimant, dispute.reason, dispute.state) == (
            bob,
            "她上周来电是我接的",
            "open",
        )
        assert DisputeEvidence.objects.filter(dispute=dispute).count() == 2
        html = response.content.decode()
        assert 'data-testid="timeline-dispute"' in html
        assert "她上周来电是我接的" in html

    def test_a_refusal_is_said_on_the_page(self, client, household, alice, bob, clock):
        subscribe(household.project, household.members.get(), alice, DAY1)
        clock.move_to(datetime(2026, 3, 10, 10, 0, tzinfo=SH))
        customer = household.members.get()
        client.force_login(bob)
        # bob no longer serves her today: register the visit so that he may see the page
        register(bob, household.project, datetime(2026, 3, 10, 9, 0, tzinfo=SH))
        response = client.post(
            f"/customers/{customer.pk}/dispute/", {"reason": "我先接待的"}, follow=True
        )
        assert not Dispute.objects.exists()
        assert "Too late" in response.content.decode() or "太晚" in response.content.decode()

    def test_a_missing_reason_is_refused_without_an_error_page(self, client, household, bob):
        customer = household.members.get()
        client.force_login(bob)
        response = client.post(f"/customers/{customer.pk}/dispute/", {"reason": ""}, follow=True)
        assert response.status_code == 200
        assert not Dispute.objects.exists()


class TestTimeline:
    def test_the_customer_page_shows_the_ruling_and_the_new_owner_with_basis_m(
        self, client, dispute, mike, bob
    ):
        rule(dispute, mike, "complaint", "客户投诉王芳")
        html = page(client, bob, f"/customers/{dispute.customer_id}/")
        assert 'data-testid="timeline-dispute_step"' in html
        assert "客诉转移" in html and "客户投诉王芳" in html
        assert "(M)" in html
        owner = html.split('data-testid="verdict-owner">')[1].split("<")[0]
        assert owner == "李强"

    def test_the_customer_page_runs_a_constant_number_of_queries_with_more_disputes(
        self, client, dispute, mike, nina, alice, bob, clock, django_assert_max_num_queries
    ):
        url = f"/customers/{dispute.customer_id}/"
        rule(dispute, nina, "half", "各一半")  # one of each kind of row first
        client.force_login(mike)
        client.get(url)
        with django_assert_max_num_queries(60) as one:
            client.get(url)
        dispute_appeal(dispute=dispute, reason="不服", acting_user=alice)
        for n in range(3):
            clock.move_to(DAY1 + timedelta(hours=6 + n))
            dispute_open(
                household=dispute.customer.household,
                claimant=bob,
                reason=f"再议{n}",
                acting_user=bob,
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get(url)


class TestDisputeLists:
    def test_a_consultant_sees_theirs_and_a_manager_all(
        self, client, project, dispute, mike, alice
    ):
        carol = UserFactory(username="carol", role="consultant", project=project)
        assert page(client, alice, "/p/HX01/disputes/").count('data-testid="dispute-row"') == 1
        assert page(client, carol, "/p/HX01/disputes/").count('data-testid="dispute-row"') == 0
        assert page(client, mike, "/p/HX01/disputes/").count('data-testid="dispute-row"') == 1

    def test_a_clerk_may_not_see_them(self, client, dispute, clara):
        client.force_login(clara)
        assert client.get("/p/HX01/disputes/").status_code == 403

    def test_the_list_runs_a_constant_number_of_queries(
        self, client, project, dispute, mike, django_assert_max_num_queries
    ):
        client.force_login(mike)
        client.get("/p/HX01/disputes/")
        with django_assert_max_num_queries(20) as one:
            client.get("/p/HX01/disputes/")
        for n in range(4):
            consultant = UserFactory(role="consultant", project=project)
            registration = register(consultant, project, DAY1, phone=f"1360000000{n}")
            dispute_open(
                household=registration.customer.household,
                claimant=consultant,
                reason="x",
                acting_user=consultant,
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get("/p/HX01/disputes/")


class TestDisputePage:
    def test_a_party_reads_the_steps_and_appeals_after_the_ruling(
        self, client, dispute, mike, alice
    ):
        assert 'data-testid="appeal-form"' not in page(client, alice, f"/disputes/{dispute.pk}/")
        rule(dispute, mike)
        assert 'data-testid="appeal-form"' in page(client, alice, f"/disputes/{dispute.pk}/")
        client.post(f"/disputes/{dispute.pk}/appeal/", {"reason": "客户从未投诉"})
        dispute.refresh_from_db()
        assert dispute.state == DisputeState.APPEALED

    def test_a_manager_goes_to_the_ruling_screen_and_others_find_nothing(
        self, client, project, dispute, managers, mike
    ):
        client.force_login(mike)
        response = client.get(f"/disputes/{dispute.pk}/")
        assert response.url == f"/admin/disputes/dispute/{dispute.pk}/change/"
        carol = UserFactory(username="carol", role="consultant", project=project)
        client.force_login(carol)
        assert client.get(f"/disputes/{dispute.pk}/").status_code == 404
