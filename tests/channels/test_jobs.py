"""The lapse job (DOMAIN.md §10): set-based, idempotent, safe to run late."""

from datetime import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels import jobs, tasks
from channels.confirmation import visit_confirm
from channels.models import ReportEnd
from channels.reporting import ReportRefused
from projects.models import Notification
from projects.notification_texts import render
from salesoffice.errors import Conflict
from tests.channels.conftest import SH, register, report

pytestmark = pytest.mark.django_db
AFTER = datetime(2026, 3, 10, 0, 0, 0, tzinfo=SH)  # the first instant past the validity


@pytest.fixture
def reports(project, chan, dan, bob, clara, clock):
    """Lapsing: chan's 赵敏. Not lapsing: a confirmed one, an invalid one, a refused one."""
    lapsing = report(project, chan)
    confirmed = report(project, dan, name="钱多", phone="139****9000")
    visit_confirm(
        report=confirmed,
        registration=register(project, bob, phone="13900139000", name="钱多"),
        acting_user=clara,
    )
    invalid = report(project, dan, name="孙立", phone="137****7000")
    with pytest.raises(Conflict):
        visit_confirm(
            report=invalid,
            registration=register(project, bob, phone="13700137000", name="孙小立"),
            acting_user=clara,
        )
    with pytest.raises(ReportRefused):
        report(project, dan)
    return lapsing


def test_a_report_past_its_last_second_lapses_once_and_its_agent_is_told_once(reports, chan, clock):
    assert jobs.reports_lapse(now=datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)) == 0
    assert jobs.reports_lapse(now=AFTER) == 1
    assert jobs.reports_lapse(now=AFTER) == 0
    end = ReportEnd.objects.get(outcome="lapsed")
    assert (end.report, end.code) == (reports, "report_lapsed")
    notice = Notification.objects.get(kind="channel_report_lapsed")
    assert notice.recipient == chan and notice.url == "/channel/HX01/"
    assert "赵敏" in render(notice) and "138****8000" in render(notice)


def test_the_status_does_not_wait_for_the_job(reports, clock):
    clock.move_to(AFTER, tick=False)
    assert reports.status_at(timezone.now()) == "lapsed"
    assert not ReportEnd.objects.filter(outcome="lapsed").exists()


def test_the_job_is_a_constant_number_of_statements(project, chan, clock):
    for n in range(5):
        report(project, chan, name=f"客户{n}", phone=f"139****{n:04d}")
    with CaptureQueriesContext(connection) as ctx:
        assert jobs.reports_lapse(now=AFTER) == 5
    assert len(ctx.captured_queries) <= 3


def test_the_task_runs_the_job_and_beat_schedules_it(reports, clock):
    clock.move_to(AFTER, tick=False)
    assert tasks.lapse_reports.delay().get() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["lapse-channel-reports"]
    assert schedule["task"] == tasks.lapse_reports.name
