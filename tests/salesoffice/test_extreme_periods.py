"""Issue 19, defect 5: ``month=9999-12``, ``month=0001-01`` and ``day=9999-12-31`` crashed
commission, violations and the reports (pages, API and XLSX) with a 500: a month's end or a
day's local bounds overflowed Python's dates. Every period parser now checks one bound
(salesoffice.periods.YEARS): the API refuses with 400 ``invalid_period``, a page says so in a
sentence and shows its default period."""

import pytest

from salesoffice.errors import DomainError
from salesoffice.periods import parse_month

pytestmark = pytest.mark.django_db

EXTREME = [{"month": "9999-12"}, {"month": "0001-01"}, {"day": "9999-12-31"}, {"day": "0001-01-01"}]
MONTHLY = [q for q in EXTREME if "month" in q]
APIS = [
    "/api/reports/visits-calls/",
    "/api/reports/daily/",
    "/api/reports/sources/",
    "/api/reports/funnel/",
    "/api/reports/sales/",
    "/api/reports/overdue/",
]
PAGES = [
    "/p/HX01/reports/daily/",
    "/p/HX01/reports/sales/",
    "/p/HX01/reports/overdue/",
    "/p/HX01/reports/daily/export.xlsx",
    "/p/HX01/commission/",
    "/p/HX01/commission/export/",
    "/p/HX01/violations/",
]


DAY_ONLY = ("/api/reports/visits-calls/", "/api/reports/overdue/")  # they read ``day`` alone


@pytest.mark.parametrize(
    ("path", "query"),
    [(p, q) for p in APIS for q in EXTREME if p not in DAY_ONLY or "day" in q],
)
def test_the_reports_api_refuses_an_extreme_period(api, mike, project, path, query):
    response = api(mike).get(path, {"project": "HX01", **query})
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("invalid_period", "invalid_date")


@pytest.mark.parametrize("query", MONTHLY)
@pytest.mark.parametrize("path", ["/api/commission/", "/api/violations/"])
def test_commission_and_violations_refuse_an_extreme_month(api, mike, project, path, query):
    response = api(mike).get(path, {"project": "HX01", **query})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"


@pytest.mark.parametrize("query", EXTREME)
@pytest.mark.parametrize("path", PAGES)
def test_pages_and_exports_answer_an_extreme_period_without_a_server_error(
    client, mike, path, query
):
    client.force_login(mike)
    assert client.get(path, query).status_code < 500


def test_the_bound_is_the_office_years():
    assert parse_month("2999-12").year == 2999
    for text in ("3000-01", "1899-12", "9999-12", "0001-01"):
        with pytest.raises(DomainError) as refused:
            parse_month(text)
        assert refused.value.code == "invalid_period"
