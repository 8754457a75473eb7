from django.urls import path

from attribution import views

urlpatterns = [
    path("p/<slug:code>/my-customers/", views.my_customers, name="my-customers"),
    path(
        "p/<slug:code>/my-customers/<int:customer_id>/follow-up/",
        views.my_customer_follow_up,
        name="my-customer-follow-up",
    ),
    path("p/<slug:code>/pool/", views.pool, name="pool"),
    path("p/<slug:code>/pool/<int:household_id>/take/", views.pool_take, name="pool-take"),
    path("p/<slug:code>/pool/reassign/", views.pool_reassign, name="pool-reassign"),
]
