from django.urls import path

from projects import apis

urlpatterns = [
    path("projects/", apis.ProjectListCreateApi.as_view(), name="api-projects"),
    path("projects/<slug:code>/", apis.ProjectDetailApi.as_view(), name="api-project"),
    path("projects/<slug:code>/policy/", apis.ProjectPolicyApi.as_view(), name="api-policy"),
    path("staff/", apis.StaffListCreateApi.as_view(), name="api-staff"),
    path("staff/<str:username>/", apis.StaffDetailApi.as_view(), name="api-staff-detail"),
    path("staff/<str:username>/unlock/", apis.StaffUnlockApi.as_view(), name="api-staff-unlock"),
    path("notifications/", apis.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/read/", apis.NotificationReadApi.as_view(), name="api-notifications-read"),
    path(
        "notifications/<int:pk>/read/",
        apis.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
]
