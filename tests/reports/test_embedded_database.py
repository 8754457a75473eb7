"""Issue 19, defect 1: the overdue-payments report failed on SQLite. The page, its XLSX export
and ``/api/reports/overdue/`` answered 500 for admin, manager and finance: raw SQL used
``GREATEST``, which SQLite lacks, and ``make run`` is SQLite, so a newcomer met it on day one.
The report is now written with the ORM, and ``make test`` runs tests/reports a second time on
SQLite (``SALESOFFICE_TESTS_ON_SQLITE=1``), where this test is the regression test."""

import pytest
from django.db import connection

from tests.reports.test_reports import office  # noqa: F401  (a month of deals, overdue ones)

pytestmark = pytest.mark.django_db

OVERDUE = [
    "/p/HX01/reports/overdue/?day=2026-04-20",
    "/p/HX01/reports/overdue/export.xlsx?day=2026-04-20",
    "/api/reports/overdue/?project=HX01&day=2026-04-20",
]


@pytest.mark.parametrize("path", OVERDUE)
@pytest.mark.parametrize("who", ["admin_user", "mike", "fiona"])
def test_the_overdue_report_answers_on_either_database(request, client, office, who, path):  # noqa: F811
    client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    if who == "fiona" and "export" in path:
        assert response.status_code == 403  # exports are the manager's (§11)
    else:
        assert response.status_code == 200, (connection.vendor, response.status_code)
