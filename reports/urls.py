"""The reports' JSON API."""

from django.urls import path

from reports import apis

urlpatterns = [
    path("reports/<slug:name>/", apis.ReportApi.as_view(), name="api-report"),
]
