from django.urls import path

from handover import apis, batch_apis, certificate_apis

urlpatterns = [
    path(
        "contracts/<int:pk>/payoff-certificate/",
        certificate_apis.PayoffCertificateApi.as_view(),
        name="api-payoff-certificate",
    ),
    path(
        "certificates/<str:number>/",
        certificate_apis.CertificateApi.as_view(),
        name="api-certificate",
    ),
    path(
        "certificates/<str:number>/revoke/",
        certificate_apis.CertificateRevokeApi.as_view(),
        name="api-certificate-revoke",
    ),
    path("handover-batches/", batch_apis.BatchCreateApi.as_view(), name="api-handover-batches"),
    path("handover-batches/<int:pk>/", batch_apis.BatchApi.as_view(), name="api-handover-batch"),
    path(
        "handover-batches/<int:pk>/slots/",
        batch_apis.SlotCreateApi.as_view(),
        name="api-handover-slots",
    ),
    path("handovers/<int:pk>/", apis.HandoverApi.as_view(), name="api-handover"),
    path("handovers/<int:pk>/notices/", apis.NoticeApi.as_view(), name="api-handover-notices"),
    path(
        "handovers/<int:pk>/appointment/",
        apis.AppointmentApi.as_view(),
        name="api-handover-appointment",
    ),
    path(
        "handovers/<int:pk>/qualification/",
        apis.MoveInQualificationApi.as_view(),
        name="api-handover-qualification",
    ),
    path(
        "handovers/<int:pk>/inspections/",
        apis.InspectionApi.as_view(),
        name="api-handover-inspections",
    ),
    path("inspections/<int:pk>/defects/", apis.DefectApi.as_view(), name="api-inspection-defects"),
    path(
        "handovers/<int:pk>/confirmation/",
        apis.ConfirmationApi.as_view(),
        name="api-handover-confirmation",
    ),
    path("handovers/<int:pk>/keys/", apis.KeysApi.as_view(), name="api-handover-keys"),
]
