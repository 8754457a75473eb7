"""The managers' ruling screen in the admin (UX §5): who reaches it, what it shows, and rulings
made from it through the services (parties see the buttons disabled and are refused)."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from attribution.models import Assignment
from demo.seed import admin_create, staff_create_all
from demo.staff import PASSWORD
from desk.services import follow_up_create
from disputes.decisions import dispute_rule, ruling_input_from_template
from disputes.flow import dispute_appeal
from disputes.models import DisputeState, DisputeStep
from disputes.opening import dispute_open
from projects.services import staff_create
from tests.disputes.conftest import DAY1, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def screen_url(dispute) -> str:
    return f"/admin/disputes/dispute/{dispute.pk}/change/"


class TestReachingTheScreen:
    def test_a_manager_made_by_staff_create_is_staff_and_may_rule(self, client, project):
        admin = UserFactory(username="root", is_superuser=True, is_staff=True)
        manager = staff_create(
            project=project,
            username="zhang",
            name="张建",
            role="manager",
            password="pass12345",
            acting_user=admin,
        )
        assert manager.is_staff
        assert manager.has_perms(["disputes.view_dispute", "disputes.change_dispute"])
        client.force_login(manager)
        index = client.get("/admin/").content.decode()
        assert "/admin/disputes/dispute/" in index
        assert client.get("/admin/disputes/dispute/").status_code == 200

    def test_the_demo_manager_logs_into_the_admin(self, client, project):
        admin = admin_create(make_password(PASSWORD))
        staff_create_all(
            project=project,
            admin=admin,
            password_hash=make_password(PASSWORD),
            joined=timezone.now(),
        )
        assert client.login(username="zhangjian", password=PASSWORD)
        assert client.get("/admin/disputes/dispute/").status_code == 200

    def test_the_migration_makes_existing_managers_staff(self, project):
        manager = UserFactory(username="old", role="manager", project=project)
        assert not manager.is_staff
        migration = import_module("disputes.migrations.0003_managers_rule_in_the_admin")
        state = MigrationExecutor(connection).loader.project_state(
            ("disputes", "0003_managers_rule_in_the_admin")
        )
        migration.grant(state.apps, None)
        manager.refresh_from_db()
        assert manager.is_staff
        assert manager.has_perm("disputes.change_dispute")

    def test_consultants_do_not_reach_it(self, client, dispute, bob):
        client.force_login(bob)
        assert client.get(screen_url(dispute)).status_code == 302  # to the admin's login


class TestTheList:
    def test_open_disputes_with_age_and_parties(self, client, dispute, managers, mike):
        client.force_login(mike)
        html = client.get("/admin/disputes/dispute/").content.decode()
        assert "李强 ⇄ 王芳" in html
        assert "hour" in html or "小时" in html

    def test_a_ruled_dispute_leaves_the_default_list(self, client, dispute, managers, mike):
        ruling = ruling_input_from_template(dispute=dispute, template="half", reason="各半")
        dispute_rule(dispute=dispute, ruling=ruling, acting_user=mike)
        client.force_login(mike)
        assert "李强 ⇄ 王芳" not in client.get("/admin/disputes/dispute/").content.decode()
        assert "李强 ⇄ 王芳" in client.get("/admin/disputes/dispute/?state=all").content.decode()

    def test_the_list_runs_a_constant_number_of_queries(
        self, client, project, dispute, managers, mike, django_assert_max_num_queries
    ):
        client.force_login(mike)
        client.get("/admin/disputes/dispute/")
        with django_assert_max_num_queries(30) as one:
            client.get("/admin/disputes/dispute/")
        for n in range(4):
            consultant = UserFactory(role="consultant", project=project)
            registration = register(consultant, project, DAY1, phone=f"1350000000{n}")
            dispute_open(
                household=registration.customer.household,
                claimant=consultant,
                reason="x",
                acting_user=consultant,
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get("/admin/disputes/dispute/")


class TestTheScreen:
    def test_it_shows_both_timelines_the_verdicts_the_evidence_and_the_buttons(
        self, client, dispute, managers, mike, alice, bob, clock
    ):
        follow_up_create(
            customer=dispute.customer,
            consultant=alice,
            occurred_at=DAY1 + timedelta(hours=4, minutes=30),
            channel="wechat",
            note="约周末看房",
            acting_user=alice,
        )
        client.force_login(mike)
        html = client.get(screen_url(dispute)).content.decode()
        claimant = html.split('data-testid="timeline-claimant"')[1].split(
            'data-testid="timeline-owner"'
        )[0]
        owner = html.split('data-testid="timeline-owner"')[1].split('data-testid="evidence"')[0]
        assert claimant.count('data-testid="contact-registration"') == 1
        assert "李强" in claimant and "约周末看房" not in claimant
        assert owner.count('data-testid="contact-registration"') == 1
        assert owner.count('data-testid="contact-follow_up"') == 1 and "约周末看房" in owner
        assert 'data-testid="verdict-at-opening"' in html and 'data-testid="verdict-now"' in html
        assert "3月1日来电记录" in html  # the evidence note
        for template in ("keep_owner", "half", "thirty_seventy", "complaint", "reject", "poaching"):
            assert f'data-testid="template-{template}"' in html
        assert "五五分成" in html and "party-notice" not in html

    def test_a_ruling_from_the_screen_goes_through_the_service(
        self, client, dispute, managers, mike
    ):
        client.force_login(mike)
        response = client.post(
            screen_url(dispute), {"action": "ruling", "template": "half", "reason": "双方都接触过"}
        )
        assert response.status_code == 302
        dispute.refresh_from_db()
        step = DisputeStep.objects.get()
        assert (dispute.state, step.template, step.note) == (
            DisputeState.RULED,
            "half",
            "双方都接触过",
        )
        assert Assignment.objects.get().rule == "M"
        html = client.get(screen_url(dispute)).content.decode()
        assert 'data-testid="step-ruling"' in html
        assert 'data-testid="dispute-ruled"' in html  # nothing to rule unless a party appeals

    def test_a_reason_is_required(self, client, dispute, managers, mike):
        client.force_login(mike)
        response = client.post(screen_url(dispute), {"action": "ruling", "template": "half"})
        assert response.status_code == 400
        assert not DisputeStep.objects.exists()

    def test_a_party_sees_the_buttons_disabled_and_is_refused(
        self, client, household, managers, mike, bob
    ):
        opened = dispute_open(household=household, claimant=bob, reason="代开", acting_user=mike)
        client.force_login(mike)
        html = client.get(screen_url(opened)).content.decode()
        assert 'data-testid="party-notice"' in html
        button = html.split('data-testid="template-half"')[1].split(">")[0]
        assert "disabled" in button
        response = client.post(
            screen_url(opened), {"action": "ruling", "template": "half", "reason": "我来判"}
        )
        assert response.status_code == 403
        assert not DisputeStep.objects.exists()

    def test_the_final_ruling_upholds_from_the_screen(
        self, client, dispute, managers, mike, nina, alice
    ):
        ruling = ruling_input_from_template(dispute=dispute, template="half", reason="各半")
        dispute_rule(dispute=dispute, ruling=ruling, acting_user=mike)
        dispute_appeal(dispute=dispute, reason="不服", acting_user=alice)
        client.force_login(nina)
        assert 'data-testid="uphold"' in client.get(screen_url(dispute)).content.decode()
        response = client.post(screen_url(dispute), {"uphold": "1", "reason": "维持原裁决"})
        assert response.status_code == 302
        dispute.refresh_from_db()
        assert dispute.state == DisputeState.FINAL
