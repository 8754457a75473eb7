from django.urls import path

from customers import sheet_views, views

urlpatterns = [
    path("p/<slug:code>/desk/", views.desk, name="desk"),
    path("p/<slug:code>/sheet/", views.sheet, name="sheet"),
    path("p/<slug:code>/sheet/template.xlsx", sheet_views.sheet_template, name="sheet-template"),
    path(
        "p/<slug:code>/sheet/<int:batch_id>/report.xlsx",
        sheet_views.sheet_report,
        name="sheet-report",
    ),
    path("customers/<int:pk>/", views.customer_page, name="customer"),
]
