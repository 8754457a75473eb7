from django.urls import path

from customers import views

urlpatterns = [
    path("p/<slug:code>/desk/", views.desk, name="desk"),
    path("p/<slug:code>/sheet/", views.sheet, name="sheet"),
    path("customers/<int:pk>/", views.customer_page, name="customer"),
]
