"""Pages of the reports, the commission statements and the manager's dashboard, with their XLSX
exports."""

from django.urls import path

from reports import views
from reports.views import PAGES

urlpatterns = [
    path("p/<slug:code>/dashboard/", views.dashboard, name="dashboard"),
    path("p/<slug:code>/reports/", views.report_index, name="reports"),
    path("p/<slug:code>/commission/", views.commission, name="commission"),
    path("p/<slug:code>/commission/export/", views.commission_export, name="commission-export"),
    *(
        path(f"p/<slug:code>/reports/{p.name}/", views.report_page(p.name), name=p.url_name)
        for p in PAGES
    ),
    *(
        path(
            f"p/<slug:code>/reports/{p.name}/export.xlsx",
            views.report_export(p.name),
            name=f"{p.url_name}-export",
        )
        for p in PAGES
    ),
]
