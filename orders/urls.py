from django.urls import path

from orders import apis

urlpatterns = [
    path("units/", apis.UnitListCreateApi.as_view(), name="api-units"),
    path("subscriptions/", apis.SubscriptionCreateApi.as_view(), name="api-subscriptions"),
    path(
        "subscriptions/<int:pk>/cancel/",
        apis.SubscriptionCancelApi.as_view(),
        name="api-subscription-cancel",
    ),
    path("commission/", apis.CommissionStatementApi.as_view(), name="api-commission"),
]
