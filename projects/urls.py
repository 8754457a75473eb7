from django.urls import path

from projects import apis

urlpatterns = [
    path("staff/", apis.StaffListCreateApi.as_view(), name="api-staff"),
    path("staff/<str:username>/unlock/", apis.StaffUnlockApi.as_view(), name="api-staff-unlock"),
    path("notifications/", apis.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/read/", apis.NotificationReadApi.as_view(), name="api-notifications-read"),
    path(
        "notifications/<id:pk>/read/",
        apis.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
]
