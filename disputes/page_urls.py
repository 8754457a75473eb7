from django.urls import path

from disputes import views

urlpatterns = [
    path("customers/<id:pk>/dispute/", views.dispute_open_page, name="dispute-open"),
    path("p/<slug:code>/disputes/", views.disputes_page, name="disputes"),
    path("disputes/<id:pk>/", views.dispute_page, name="dispute"),
    path("disputes/<id:pk>/appeal/", views.dispute_appeal_page, name="dispute-appeal"),
    path(
        "disputes/<id:pk>/evidence/<id:evidence_id>/",
        views.evidence_download,
        name="dispute-evidence",
    ),
    path("p/<slug:code>/violations/", views.violations_page, name="violations"),
    path("p/<slug:code>/violations/export.xlsx", views.violations_export, name="violations-export"),
]
