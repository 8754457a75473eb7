from django.urls import path

from attribution import views
from attribution.rotation import views as rotation_views

urlpatterns = [
    path("p/<slug:code>/rotation/", rotation_views.rotation_page, name="rotation"),
    path("p/<slug:code>/rotation/report/", rotation_views.rotation_report, name="rotation-report"),
    path("p/<slug:code>/rotation/bar/", rotation_views.rotation_bar, name="rotation-bar"),
    path(
        "p/<slug:code>/rotation/bar/receive/",
        rotation_views.rotation_bar_receive,
        name="rotation-bar-receive",
    ),
    path(
        "p/<slug:code>/rotation/bar/status/",
        rotation_views.rotation_bar_status,
        name="rotation-bar-status",
    ),
    path("p/<slug:code>/pool/", views.pool, name="pool"),
    path("p/<slug:code>/pool/<id:household_id>/take/", views.pool_take, name="pool-take"),
    path("p/<slug:code>/pool/reassign/", views.pool_reassign, name="pool-reassign"),
]
