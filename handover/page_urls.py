from django.urls import path

from handover import views

urlpatterns = [
    # Public: anyone holding the paper checks it (no login).
    path("verify/<str:code>/", views.verify_page, name="certificate-verify"),
    # Finance's certificate desk and the certificates.
    path("p/<slug:code>/certificates/", views.certificates_page, name="certificates"),
    path(
        "contracts/<id:pk>/payoff-certificate/issue/",
        views.certificate_issue_page,
        name="certificate-issue",
    ),
    path("certificates/<str:number>/pdf/", views.certificate_pdf_page, name="certificate-pdf"),
    path(
        "certificates/<str:number>/revoke/",
        views.certificate_revoke_page,
        name="certificate-revoke",
    ),
    # The handover desk and a unit's handover.
    path("p/<slug:code>/handover/", views.handover_desk, name="handover"),
    path("p/<slug:code>/handover/batches/", views.batch_create_page, name="handover-batch-create"),
    path("handover/batches/<id:pk>/slots/", views.slot_create_page, name="handover-slot-create"),
    path("handovers/<id:pk>/", views.handover_page, name="handover-unit"),
    path(
        "handovers/<id:pk>/confirmation/print/",
        views.confirmation_print,
        name="handover-confirmation-print",
    ),
    path(
        "handovers/<id:pk>/confirmation/pdf/",
        views.confirmation_pdf,
        name="handover-confirmation-pdf",
    ),
    path("handovers/<id:pk>/<slug:step>/", views.handover_step_page, name="handover-step"),
    path("defects/<id:pk>/photo/", views.defect_photo, name="defect-photo"),
]
