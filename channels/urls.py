from django.urls import path

from channels import apis

urlpatterns = [
    path("channel-reports/", apis.ChannelReportListCreateApi.as_view(), name="api-channel-reports"),
    path(
        "channel-reports/<id:pk>/",
        apis.ChannelReportDetailApi.as_view(),
        name="api-channel-report",
    ),
    path(
        "channel-reports/<id:pk>/confirm-visit/",
        apis.ConfirmVisitApi.as_view(),
        name="api-channel-report-confirm",
    ),
    path(
        "channel-reports/<id:pk>/sign/",
        apis.SignApi.as_view(),
        name="api-channel-report-sign",
    ),
]
