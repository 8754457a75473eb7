from django.urls import path

from desk import customer_views, my_customers, pipeline_views, sheet_views, views

urlpatterns = [
    path("p/<slug:code>/desk/", views.desk, name="desk"),
    path("p/<slug:code>/desk/lookup/", views.desk_lookup, name="desk-lookup"),
    path("p/<slug:code>/desk/register/", views.desk_register, name="desk-register"),
    path(
        "p/<slug:code>/desk/register/form/",
        views.desk_register_form,
        name="desk-register-form",
    ),
    path("p/<slug:code>/sheet/", sheet_views.sheet, name="sheet"),
    path("p/<slug:code>/sheet/template.xlsx", sheet_views.sheet_template, name="sheet-template"),
    path(
        "p/<slug:code>/sheet/<id:batch_id>/report.xlsx",
        sheet_views.sheet_report,
        name="sheet-report",
    ),
    path("p/<slug:code>/my-customers/", my_customers.my_customers, name="my-customers"),
    path(
        "p/<slug:code>/my-customers/<id:customer_id>/follow-up/",
        my_customers.my_customer_follow_up,
        name="my-customer-follow-up",
    ),
    path("customers/<id:pk>/", customer_views.customer_page, name="customer"),
    path(
        "customers/<id:pk>/follow-ups/",
        customer_views.customer_follow_up,
        name="customer-follow-up",
    ),
    path("customers/<id:pk>/stage/", pipeline_views.customer_stage, name="customer-stage"),
]
