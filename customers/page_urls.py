from django.urls import path

from customers import desk_views, sheet_views, views

urlpatterns = [
    path("p/<slug:code>/desk/", desk_views.desk, name="desk"),
    path("p/<slug:code>/desk/lookup/", desk_views.desk_lookup, name="desk-lookup"),
    path("p/<slug:code>/desk/register/", desk_views.desk_register, name="desk-register"),
    path(
        "p/<slug:code>/desk/register/form/",
        desk_views.desk_register_form,
        name="desk-register-form",
    ),
    path("p/<slug:code>/sheet/", views.sheet, name="sheet"),
    path("p/<slug:code>/sheet/template.xlsx", sheet_views.sheet_template, name="sheet-template"),
    path(
        "p/<slug:code>/sheet/<int:batch_id>/report.xlsx",
        sheet_views.sheet_report,
        name="sheet-report",
    ),
    path("customers/<int:pk>/", views.customer_page, name="customer"),
    path("customers/<int:pk>/follow-ups/", views.customer_follow_up, name="customer-follow-up"),
]
