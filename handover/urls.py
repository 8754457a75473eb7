from django.urls import path

from handover import apis, batch_apis, certificate_apis

urlpatterns = [
    path(
        "contracts/<id:pk>/payoff-certificate/",
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
    path("handover-batches/<id:pk>/", batch_apis.BatchApi.as_view(), name="api-handover-batch"),
    path(
        "handover-batches/<id:pk>/slots/",
        batch_apis.SlotCreateApi.as_view(),
        name="api-handover-slots",
    ),
    path("handovers/<id:pk>/", apis.HandoverApi.as_view(), name="api-handover"),
    path("handovers/<id:pk>/notices/", apis.NoticeApi.as_view(), name="api-handover-notices"),
    path(
        "handovers/<id:pk>/appointment/",
        apis.AppointmentApi.as_view(),
        name="api-handover-appointment",
    ),
    path(
        "handovers/<id:pk>/qualification/",
        apis.MoveInQualificationApi.as_view(),
        name="api-handover-qualification",
    ),
    path(
        "handovers/<id:pk>/inspections/",
        apis.InspectionApi.as_view(),
        name="api-handover-inspections",
    ),
    path("inspections/<id:pk>/defects/", apis.DefectApi.as_view(), name="api-inspection-defects"),
    path(
        "handovers/<id:pk>/confirmation/",
        apis.ConfirmationApi.as_view(),
        name="api-handover-confirmation",
    ),
    path("handovers/<id:pk>/keys/", apis.KeysApi.as_view(), name="api-handover-keys"),
]
