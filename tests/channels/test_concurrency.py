"""Agents of rival channels report one customer in the same millisecond: the advisory lock on
the reported digits lets exactly one report win, and every other one is kept as a duplicate."""

import threading

import pytest
from django.db import connection

from channels.models import ChannelReport
from channels.reporting import ReportInput, ReportRefused, channel_report_create
from projects.models import Membership
from tests.factories import ProjectFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_ten_agents_reporting_one_customer_at_once_make_one_valid_report():
    project = ProjectFactory(code="RACE")
    agents = [UserFactory(role="channel", project=project) for _ in range(10)]
    for n, agent in enumerate(agents):
        Membership.objects.filter(user=agent).update(channel_name=f"渠道{n}")
    barrier = threading.Barrier(len(agents))
    outcomes, errors = [], []

    def report(agent):
        try:
            barrier.wait()
            channel_report_create(
                project=project,
                agent=agent,
                data=ReportInput(name="赵敏", gender="F", phone_visible="138****8000"),
            )
            outcomes.append("valid")
        except ReportRefused as refused:
            outcomes.append(refused.code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["report_duplicate"] * 9 + ["valid"]
    winner = ChannelReport.objects.get(refusal_code="")
    losers = ChannelReport.objects.filter(refusal_code="report_duplicate")
    assert losers.count() == 9 and set(losers.values_list("duplicate_of", flat=True)) == {winner.pk}
