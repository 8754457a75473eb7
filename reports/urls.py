"""The reports' JSON API, and the commission statements'."""

from django.urls import path

from reports import apis

urlpatterns = [
    path("commission/", apis.CommissionStatementApi.as_view(), name="api-commission"),
    path("reports/<slug:name>/", apis.ReportApi.as_view(), name="api-report"),
]
