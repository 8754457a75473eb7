"""Channel personas: chan reports for 链家, dan for 贝壳 (a rival channel); the clock is a
Tuesday morning in Shanghai unless a test moves it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from channels.reporting import ReportInput, channel_report_create
from desk.services import RegistrationInput, registration_create
from projects.models import Membership
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def chan(chan, project):
    Membership.objects.filter(user=chan, project=project).update(channel_name="链家")
    return chan


@pytest.fixture
def dan(project):
    agent = UserFactory(username="dan", first_name="贝壳小李", role="channel", project=project)
    Membership.objects.filter(user=agent, project=project).update(channel_name="贝壳")
    return agent


def report(project, agent, name="赵敏", phone="138****8000", gender="F", **fields):
    """A report through the service; a refusal is raised (and the report kept)."""
    return channel_report_create(
        project=project,
        agent=agent,
        data=ReportInput(name=name, gender=gender, phone_visible=phone, **fields),
    )


def register(project, consultant, phone="13800138000", name="赵敏", acting_user=None, **fields):
    fields.setdefault("occurred_at", timezone.now())
    fields.setdefault("kind", "visit")
    data = RegistrationInput(consultant=consultant, name=name, gender="F", phone=phone, **fields)
    return registration_create(
        project=project, data=data, acting_user=acting_user or consultant
    ).registration
