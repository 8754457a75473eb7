"""回访 after handover: scheduled at 7, 30, 90 and 365 days for the customer's consultant
(local days), once however often the handover calls; the consultant records each outcome once,
and an issue opens a ticket in the same step."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from aftersales import services
from aftersales.models import Ticket, Visit
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.aftersales.conftest import SH
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def schedule(owner, unit, user, at=None, **kwargs):
    return services.visits_schedule(
        customer=owner,
        unit=unit,
        handed_over_at=at or timezone.now(),
        acting_user=user,
        **kwargs,
    )


class TestSchedule:
    def test_visits_at_the_policys_intervals_for_the_customers_consultant(
        self, owner, unit, alice, clara, clock
    ):
        visits = schedule(owner, unit, clara)
        assert [(v.offset_days, v.due_on) for v in visits] == [
            (7, date(2026, 3, 9)),
            (30, date(2026, 4, 1)),
            (90, date(2026, 5, 31)),
            (365, date(2027, 3, 2)),
        ]
        assert {v.consultant for v in visits} == {alice}
        assert visits[0].due_at == datetime(2026, 3, 9, 0, 0, tzinfo=SH)
        assert services.VISIT_OFFSETS_DAYS == (7, 30, 90, 365)

    def test_days_are_counted_in_the_projects_calendar(self, owner, unit, clara, clock):
        late_evening = datetime(2026, 3, 2, 23, 30, tzinfo=SH)  # still 2 March in UTC too
        after_midnight = datetime(2026, 3, 3, 0, 30, tzinfo=SH)  # 2 March in UTC
        clock.move_to(after_midnight + timedelta(hours=1), tick=False)
        assert schedule(owner, unit, clara, at=late_evening)[0].due_on == date(2026, 3, 9)
        assert schedule(owner, None, clara, at=after_midnight)[0].due_on == date(2026, 3, 10)

    def test_scheduling_the_same_handover_again_adds_nothing(self, owner, unit, clara, clock):
        first = schedule(owner, unit, clara)
        assert schedule(owner, unit, clara) == first
        assert schedule(owner, None, clara)  # another handover (no unit) has its own
        assert schedule(owner, None, clara)
        assert Visit.objects.count() == 8

    def test_a_named_consultant_is_used_instead(self, owner, unit, bob, clara, clock):
        assert {v.consultant for v in schedule(owner, unit, clara, consultant=bob)} == {bob}

    def test_the_refusals(self, owner, unit, clara, clock):
        with pytest.raises(DomainError) as future:
            schedule(owner, unit, clara, at=timezone.now() + timedelta(days=1))
        assert future.value.code == "handover_in_future"
        outsider = UserFactory(username="zed", role="clerk", project=ProjectFactory(code="ZZ03"))
        with pytest.raises(NotPermitted):
            schedule(owner, unit, outsider)
        with pytest.raises(DomainError) as nobody:
            schedule(owner, unit, clara, consultant=outsider)
        assert nobody.value.code == "no_consultant"
        assert not Visit.objects.exists()


class TestOutcome:
    @pytest.fixture
    def visit(self, owner, unit, clara, clock):
        return schedule(owner, unit, clara)[0]

    def test_the_consultant_records_it_once(self, visit, alice):
        recorded = services.visit_record(
            visit=visit, outcome="reached", note="满意", acting_user=alice
        )
        assert (recorded.outcome, recorded.outcome_note, recorded.recorded_by) == (
            "reached",
            "满意",
            alice,
        )
        assert recorded.recorded_at == timezone.now()
        with pytest.raises(Conflict) as again:
            services.visit_record(visit=visit, outcome="not_reached", note="", acting_user=alice)
        assert again.value.code == "visit_already_recorded"

    def test_an_issue_opens_a_ticket_in_one_step(self, visit, alice, pete):
        recorded = services.visit_record(
            visit=visit,
            outcome="issue",
            note="门禁卡失灵\n业主希望本周处理",
            category="property",
            acting_user=alice,
        )
        ticket = Ticket.objects.get()
        assert recorded.ticket == ticket
        assert (ticket.title, ticket.origin, ticket.category, ticket.state) == (
            "门禁卡失灵",
            "visit",
            "property",
            "routed",
        )
        assert (ticket.source, ticket.source_id, ticket.unit) == (
            "aftersales.visit",
            visit.pk,
            visit.unit,
        )

    def test_an_issue_needs_a_description(self, visit, alice):
        with pytest.raises(DomainError) as refused:
            services.visit_record(visit=visit, outcome="issue", note=" ", acting_user=alice)
        assert refused.value.code == "note_required"
        assert not Ticket.objects.exists()

    def test_another_consultant_may_not_record_it_a_manager_may(self, visit, bob, mike):
        with pytest.raises(NotPermitted):
            services.visit_record(visit=visit, outcome="reached", note="", acting_user=bob)
        services.visit_record(visit=visit, outcome="not_reached", note="", acting_user=mike)

    def test_an_unknown_outcome_is_refused(self, visit, alice):
        with pytest.raises(DomainError) as refused:
            services.visit_record(visit=visit, outcome="maybe", note="", acting_user=alice)
        assert refused.value.code == "unknown_outcome"
