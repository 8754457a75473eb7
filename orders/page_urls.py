from django.urls import path

from orders import views

urlpatterns = [
    path("p/<slug:code>/units/", views.units, name="units"),
    path("p/<slug:code>/commission/", views.commission, name="commission"),
    path("p/<slug:code>/commission/export/", views.commission_export, name="commission-export"),
]
