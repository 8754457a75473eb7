"""URLs of the reports and the manager's dashboard: pages, XLSX exports and the JSON API."""

from django.urls import path

from orders import report_apis, report_views
from orders.report_views import PAGES

page_patterns = [
    path("p/<slug:code>/dashboard/", report_views.dashboard, name="dashboard"),
    path("p/<slug:code>/reports/", report_views.report_index, name="reports"),
    *(
        path(f"p/<slug:code>/reports/{p.name}/", report_views.report_page(p.name), name=p.url_name)
        for p in PAGES
    ),
    *(
        path(
            f"p/<slug:code>/reports/{p.name}/export.xlsx",
            report_views.report_export(p.name),
            name=f"{p.url_name}-export",
        )
        for p in PAGES
    ),
]

api_patterns = [
    path("reports/<slug:name>/", report_apis.ReportApi.as_view(), name="api-report"),
]
