"""A13, rule by rule: reporting, earliest report wins, the site's own customers, confirmation,
protection, signatures, and the channel's share."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution.models import Reception
from attribution.selectors import household_verdict
from attribution.services import policy_version_create
from channels.confirmation import confirmation_sign, visit_confirm
from channels.models import (
    ChannelAgreement,
    ChannelReport,
    ReportEnd,
    SkimmingFlag,
)
from channels.reporting import ReportRefused
from channels.selectors import channel_share
from projects.models import Notification
from salesoffice.errors import Conflict, NotFound, NotPermitted
from tests.channels.conftest import DAY1, SH, register, report

pytestmark = pytest.mark.django_db


def refusal(callable_, *args, **kwargs) -> ReportRefused:
    with pytest.raises(ReportRefused) as caught:
        callable_(*args, **kwargs)
    return caught.value


def at(clock, *args):
    clock.move_to(datetime(*args, tzinfo=SH), tick=False)


def reception(project, consultant, clerk, phone, received_at):
    return Reception.objects.create(
        project=project,
        consultant=consultant,
        received_at=received_at,
        register_by=received_at + timedelta(hours=1),
        phone=phone,
        created_by=clerk,
    )


class TestReporting:
    def test_a_report_is_valid_through_the_seventh_local_day(self, project, chan, clock):
        made = report(project, chan)
        assert made.valid_until == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)
        assert made.status_at(timezone.now()) == "valid"
        assert (made.channel_name, made.phone_visible) == ("链家", "138****8000")

    def test_a_phone_without_exactly_the_visible_digits_is_refused_and_kept(
        self, project, chan, clock
    ):
        error = refusal(report, project, chan, phone="13800138000")
        assert (error.status_code, error.code) == (400, "invalid_phone_visible")
        assert "phone_visible" in error.fields and "138****8000" in error.detail
        kept = ChannelReport.objects.get()
        assert (kept.refusal_code, kept.phone_visible) == ("invalid_phone_visible", "13800138000")
        assert kept.status_at(timezone.now()) == "refused"

    def test_a_report_without_a_name_is_refused_and_kept(self, project, chan, clock):
        error = refusal(report, project, chan, name="  ")
        assert (error.status_code, error.code, error.extra["status"]) == (
            400,
            "name_missing",
            "refused",
        )
        assert ChannelReport.objects.get().refusal_code == "name_missing"

    def test_the_projects_policy_decides_which_digits_are_visible(self, project, chan, clock):
        policy_version_create(project=project, overrides={"channel_phone_visible": "4+5"})
        assert refusal(report, project, chan).code == "invalid_phone_visible"
        assert report(project, chan, phone="1380**38000").phone_tail == "38000"

    def test_a_report_time_in_the_future_is_refused(self, project, chan, clock):
        later = timezone.now() + timedelta(hours=1)
        assert refusal(report, project, chan, reported_at=later).code == "reported_in_future"

    def test_a_late_entry_counts_from_when_it_was_entered_like_a_registration(
        self, project, chan, dan, clock
    ):
        prompt = report(project, chan, reported_at=timezone.now() - timedelta(hours=2))
        assert prompt.attributed_at == timezone.now() - timedelta(hours=2)
        late = report(project, dan, name="钱多", reported_at=timezone.now() - timedelta(days=3))
        assert late.attributed_at == timezone.now()
        assert late.valid_until == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)

    def test_only_channel_agents_report(self, project, alice, clara, clock):
        for user in (alice, clara):
            with pytest.raises(NotPermitted):
                report(project, user)
        assert not ChannelReport.objects.exists()


class TestEarliestReportWins:
    def test_a_second_report_of_a_live_report_is_a_duplicate_and_kept(
        self, project, chan, dan, clock
    ):
        first = report(project, chan)
        error = refusal(report, project, dan, name="赵 敏", phone="138 **** 8000")
        assert (error.status_code, error.code) == (409, "report_duplicate")
        second = ChannelReport.objects.get(pk=error.extra["id"])
        assert (second.duplicate_of, second.agent, second.refused) == (first, dan, True)

    def test_the_same_agent_reporting_again_is_a_duplicate_too(self, project, chan, clock):
        report(project, chan)
        assert refusal(report, project, chan).code == "report_duplicate"

    def test_another_name_or_other_digits_is_another_customer(self, project, chan, dan, clock):
        report(project, chan)
        report(project, dan, name="赵敏", phone="138****8001")
        report(project, dan, name="钱多", phone="138****8000")
        assert ChannelReport.objects.filter(refusal_code="").count() == 3

    def test_once_the_first_report_lapsed_another_channel_may_report(
        self, project, chan, dan, clock
    ):
        report(project, chan)
        at(clock, 2026, 3, 9, 23, 59, 59)
        assert refusal(report, project, dan).code == "report_duplicate"
        at(clock, 2026, 3, 10, 0, 0, 0)
        assert report(project, dan).status_at(timezone.now()) == "valid"

    def test_a_confirmed_report_holds_through_its_protection(
        self, project, chan, dan, bob, clara, clock
    ):
        first = report(project, chan)
        at(clock, 2026, 3, 3, 15, 0)
        visit = register(project, bob)
        visit_confirm(report=first, registration=visit, acting_user=clara)
        at(clock, 2026, 4, 2, 23, 0)  # protected through 4月2日
        assert refusal(report, project, dan).code == "report_duplicate"
        at(clock, 2026, 4, 3, 9, 0)  # protection over, and bob's claim long lapsed
        assert report(project, dan).status_at(timezone.now()) == "valid"


class TestTheSitesOwnCustomers:
    def test_a_household_with_a_live_claim_is_already_customer(self, project, chan, alice, clock):
        called = register(project, alice, kind="call", occurred_at=timezone.now())
        error = refusal(report, project, chan)
        assert (error.status_code, error.code) == (409, "already_customer")
        assert "赵敏" not in error.detail and "13800138000" not in error.detail
        kept = ChannelReport.objects.get()
        assert (kept.refusal_code, kept.site_customer) == ("already_customer", called.customer)
        assert not SkimmingFlag.objects.exists()  # a call is not a visit received on site

    def test_the_digits_alone_decide_a_live_claim(self, project, chan, alice, clock):
        register(project, alice, name="赵小敏", kind="call")
        assert refusal(report, project, chan).code == "already_customer"

    def test_a_walk_in_received_before_the_report_refuses_it_and_is_flagged(
        self, project, chan, bob, clara, mike, clock
    ):
        walk_in = reception(project, bob, clara, "13800138000", timezone.now() - timedelta(hours=1))
        assert refusal(report, project, chan).code == "already_customer"
        flag = SkimmingFlag.objects.get()
        assert (flag.reception, flag.received_at) == (walk_in, walk_in.received_at)
        notice = Notification.objects.get(recipient=mike)
        assert notice.kind == "channel_report_skimming"
        assert not Notification.objects.filter(recipient=chan).exists()

    def test_a_visit_registered_earlier_refuses_the_report_and_is_flagged(
        self, project, chan, alice, clock
    ):
        earlier = register(project, alice, occurred_at=timezone.now() - timedelta(hours=2))
        assert refusal(report, project, chan).code == "already_customer"
        assert SkimmingFlag.objects.get().registration == earlier

    def test_a_visit_counts_through_the_validity_of_a_report_made_the_same_day(
        self, project, chan, dan, bob, clara, clock
    ):
        # Received on 2月23日: covered through 3月2日 23:59:59, so today's report is refused.
        reception(project, bob, clara, "13800138000", datetime(2026, 2, 23, 20, 0, tzinfo=SH))
        reception(project, bob, clara, "13900139000", datetime(2026, 2, 22, 20, 0, tzinfo=SH))
        assert refusal(report, project, chan).code == "already_customer"
        assert report(project, dan, name="孙立", phone="139****9000").refusal_code == ""

    def test_a_walk_in_received_after_the_report_is_the_channels_visit(
        self, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        reception(project, bob, clara, "13800138000", timezone.now() + timedelta(minutes=30))
        assert made.status_at(timezone.now()) == "valid" and not SkimmingFlag.objects.exists()

    def test_backdating_a_report_does_not_get_it_past_a_walk_in(
        self, project, chan, bob, clara, clock
    ):
        reception(project, bob, clara, "13800138000", timezone.now() - timedelta(minutes=30))
        backdated = timezone.now() - timedelta(hours=2)
        assert refusal(report, project, chan, reported_at=backdated).code == "already_customer"

    def test_a_household_in_the_pool_may_be_reported_and_is_marked_as_the_sites(
        self, project, chan, alice, clock
    ):
        at(clock, 2026, 2, 10, 10, 0)
        old = register(project, alice)
        at(clock, 2026, 3, 2, 10, 0)
        assert household_verdict(old.customer.household).status == "pool"
        made = report(project, chan)
        assert (made.refusal_code, made.site_customer) == ("", old.customer)


class TestConfirmation:
    def test_a_matching_visit_confirms_and_protects_for_thirty_days(
        self, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        at(clock, 2026, 3, 5, 14, 0)
        visit = register(project, bob, name="赵 敏")
        confirmation = visit_confirm(report=made, registration=visit, acting_user=clara)
        assert confirmation.protected_until == datetime(2026, 4, 4, 23, 59, 59, tzinfo=SH)
        assert confirmation.visit_at == visit.attributed_at
        made.refresh_from_db()
        assert made.status_at(timezone.now()) == "confirmed"
        assert [(s.party, s.signer) for s in confirmation.signatures.all()] == [("desk", clara)]
        assert Notification.objects.filter(recipient=chan, kind="channel_visit_confirmed").exists()

    def test_the_verdict_names_the_channel_while_it_is_protected(
        self, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        at(clock, 2026, 3, 5, 14, 0)
        visit = register(project, bob)
        visit_confirm(report=made, registration=visit, acting_user=clara)
        household = visit.customer.household
        verdict = household_verdict(household, datetime(2026, 4, 4, 23, 59, 59, tzinfo=SH))
        assert (verdict.channel["name"], verdict.channel["agent"]) == ("链家", "chan")
        assert household_verdict(household, datetime(2026, 4, 5, tzinfo=SH)).channel is None
        assert household_verdict(household, datetime(2026, 3, 5, 13, tzinfo=SH)).channel is None

    def test_a_customer_nobody_reported_is_the_sites(self, project, bob, clock):
        visit = register(project, bob)
        assert household_verdict(visit.customer.household).channel is None

    def test_a_visit_in_the_last_second_of_validity_confirms(
        self, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        at(clock, 2026, 3, 9, 23, 59, 59)
        visit = register(project, bob)
        visit_confirm(report=made, registration=visit, acting_user=clara)
        assert made.confirmation.visit_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)

    def test_a_visit_after_local_midnight_lapses_the_report(self, project, chan, bob, clara, clock):
        made = report(project, chan)
        at(clock, 2026, 3, 10, 0, 0, 0)
        visit = register(project, bob)
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=visit, acting_user=clara)
        assert caught.value.code == "report_lapsed"
        end = ReportEnd.objects.get(report=made)
        assert (end.outcome, end.code, end.registration) == ("lapsed", "report_lapsed", visit)
        assert made.status_at(timezone.now()) == "lapsed"

    @pytest.mark.parametrize(
        ("name", "phone"), [("赵小敏", "13800138000"), ("赵敏", "13800138001")]
    )
    def test_a_mismatching_visit_makes_the_report_invalid(
        self, project, chan, bob, clara, clock, name, phone
    ):
        made = report(project, chan)
        wrong = register(project, bob, name=name, phone=phone)
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=wrong, acting_user=clara)
        assert caught.value.code == "report_mismatch"
        assert made.status_at(timezone.now()) == "invalid"
        right = register(project, bob)
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=right, acting_user=clara)
        assert caught.value.code == "report_invalid"

    def test_a_visit_before_the_report_shows_the_site_received_them_first(
        self, project, chan, bob, clara, mike, clock
    ):
        made = report(project, chan)
        at(clock, 2026, 3, 2, 21, 0)  # the evening sheet: a visit at 9:00, before the report
        morning = register(project, bob, occurred_at=DAY1 - timedelta(hours=1), acting_user=clara)
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=morning, acting_user=clara)
        assert caught.value.code == "already_customer"
        assert made.status_at(timezone.now()) == "invalid"
        assert SkimmingFlag.objects.get().registration == morning
        assert Notification.objects.filter(recipient=mike, kind="channel_report_skimming").exists()

    def test_confirming_again_with_the_same_visit_is_one_confirmation(
        self, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        visit = register(project, bob)
        first = visit_confirm(report=made, registration=visit, acting_user=clara)
        again = visit_confirm(report=made, registration=visit, acting_user=clara)
        assert first == again
        later = register(project, bob, occurred_at=timezone.now())
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=later, acting_user=clara)
        assert caught.value.code == "already_confirmed"

    def test_a_call_confirms_nothing(self, project, chan, bob, clara, clock):
        made = report(project, chan)
        call = register(project, bob, kind="call")
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=made, registration=call, acting_user=clara)
        assert caught.value.code == "not_a_visit"
        assert made.status_at(timezone.now()) == "valid"

    def test_a_refused_report_cannot_be_confirmed(self, project, chan, dan, bob, clara, clock):
        report(project, chan)
        refused = ChannelReport.objects.get(pk=refusal(report, project, dan).extra["id"])
        visit = register(project, bob)
        with pytest.raises(Conflict) as caught:
            visit_confirm(report=refused, registration=visit, acting_user=clara)
        assert caught.value.code == "report_refused"

    @pytest.mark.parametrize("persona", ["chan", "alice"])
    def test_only_the_front_desk_and_managers_confirm(
        self, request, project, chan, bob, clock, persona
    ):
        made = report(project, chan)
        visit = register(project, bob)
        with pytest.raises(NotPermitted):
            visit_confirm(
                report=made, registration=visit, acting_user=request.getfixturevalue(persona)
            )


class TestSignatures:
    @pytest.fixture
    def confirmed(self, project, chan, bob, clara, clock):
        made = report(project, chan)
        visit_confirm(report=made, registration=register(project, bob), acting_user=clara)
        return made

    def test_agent_front_desk_and_manager_each_sign_once(self, confirmed, chan, clara, mike):
        confirmation_sign(report=confirmed, acting_user=chan)
        confirmation_sign(report=confirmed, acting_user=mike)
        signed = {s.party: s.signer for s in confirmed.confirmation.signatures.all()}
        assert signed == {"desk": clara, "agent": chan, "manager": mike}
        for user in (chan, clara, mike):
            with pytest.raises(Conflict) as caught:
                confirmation_sign(report=confirmed, acting_user=user)
            assert caught.value.code == "already_signed"

    def test_a_manager_who_confirmed_cannot_sign_again_as_manager(
        self, project, chan, bob, mike, clock
    ):
        made = report(project, chan)
        visit_confirm(report=made, registration=register(project, bob), acting_user=mike)
        with pytest.raises(Conflict):
            confirmation_sign(report=made, acting_user=mike)

    def test_nobody_else_signs(self, confirmed, alice, dan):
        with pytest.raises(NotPermitted):
            confirmation_sign(report=confirmed, acting_user=alice)
        with pytest.raises(NotFound):
            confirmation_sign(report=confirmed, acting_user=dan)

    def test_an_unconfirmed_report_is_not_signed(self, project, chan, clock):
        with pytest.raises(Conflict) as caught:
            confirmation_sign(report=report(project, chan), acting_user=chan)
        assert caught.value.code == "not_confirmed"


class TestChannelShare:
    def test_the_agreement_in_force_on_the_day_decides_the_share(self, project):
        ChannelAgreement.objects.create(
            project=project,
            channel_name="链家",
            share_percent=Decimal("2.50"),
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 6, 30),
        )
        ChannelAgreement.objects.create(
            project=project,
            channel_name="链家",
            share_percent=Decimal("3.00"),
            valid_from=date(2026, 7, 1),
        )

        def share(*when, channel="链家"):
            return channel_share(project=project, channel=channel, at=datetime(*when, tzinfo=SH))

        assert share(2026, 6, 30, 23, 59) == Decimal("2.50")
        assert share(2026, 7, 1, 0, 0) == Decimal("3.00")
        assert share(2025, 12, 31, 23, 59) is None
        assert share(2026, 3, 2, channel="贝壳") is None

    def test_without_a_time_the_share_is_todays(self, project, clock):
        ChannelAgreement.objects.create(
            project=project, channel_name="链家", share_percent=1, valid_from=date(2026, 3, 2)
        )
        assert channel_share(project=project, channel="链家") == Decimal("1.00")


def test_a_confirmed_channel_visit_is_on_the_customers_page(
    client, project, chan, bob, clara, clock
):
    made = report(project, chan)
    visit = register(project, bob)
    visit_confirm(report=made, registration=visit, acting_user=clara)
    client.force_login(clara)

    page = client.get(f"/customers/{visit.customer_id}/").content.decode()

    assert 'data-testid="timeline-channel"' in page and made.channel_name in page
