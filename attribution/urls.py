from django.urls import path

from attribution import apis, setup_apis
from attribution.rotation import apis as rotation_apis

urlpatterns = [
    path("projects/", setup_apis.ProjectListCreateApi.as_view(), name="api-projects"),
    path("projects/<slug:code>/", setup_apis.ProjectDetailApi.as_view(), name="api-project"),
    path("projects/<slug:code>/policy/", setup_apis.ProjectPolicyApi.as_view(), name="api-policy"),
    path("staff/<str:username>/", setup_apis.StaffDetailApi.as_view(), name="api-staff-detail"),
    path("households/reassign/", apis.ReassignApi.as_view(), name="api-reassign"),
    path("households/<id:pk>/attribution/", apis.AttributionApi.as_view(), name="api-attribution"),
    path(
        "households/<id:pk>/claims/",
        apis.PendingClaimCreateApi.as_view(),
        name="api-pending-claims",
    ),
    path(
        "households/<id:pk>/claims/<id:claim_id>/decision/",
        apis.PendingClaimDecisionApi.as_view(),
        name="api-pending-claim-decision",
    ),
    path("households/<id:pk>/take/", apis.TakeApi.as_view(), name="api-take"),
    path(
        "projects/<slug:code>/rotation/", rotation_apis.RotationApi.as_view(), name="api-rotation"
    ),
    path(
        "projects/<slug:code>/rotation/next/",
        rotation_apis.RotationNextApi.as_view(),
        name="api-rotation-next",
    ),
    path(
        "projects/<slug:code>/rotation/roster/",
        rotation_apis.RosterSetApi.as_view(),
        name="api-rotation-roster",
    ),
    path(
        "projects/<slug:code>/rotation/status/",
        rotation_apis.RotationStatusApi.as_view(),
        name="api-rotation-status",
    ),
    path(
        "projects/<slug:code>/rotation/receive/",
        rotation_apis.ReceiveApi.as_view(),
        name="api-rotation-receive",
    ),
    path(
        "projects/<slug:code>/rotation/report/",
        rotation_apis.FairnessReportApi.as_view(),
        name="api-rotation-report",
    ),
]
