from django.urls import path

from orders import apis, deal_apis

urlpatterns = [
    path("units/", apis.UnitListCreateApi.as_view(), name="api-units"),
    path("subscriptions/", apis.SubscriptionCreateApi.as_view(), name="api-subscriptions"),
    path(
        "subscriptions/<int:pk>/cancel/",
        apis.SubscriptionCancelApi.as_view(),
        name="api-subscription-cancel",
    ),
    path(
        "customers/<int:pk>/requirements/",
        deal_apis.CustomerRequirementsApi.as_view(),
        name="api-customer-requirements",
    ),
    path(
        "requirements/<int:pk>/sign/",
        deal_apis.RequirementSignApi.as_view(),
        name="api-requirement-sign",
    ),
    path(
        "customers/<int:pk>/qualification/",
        deal_apis.QualificationApi.as_view(),
        name="api-customer-qualification",
    ),
    path("contracts/", deal_apis.ContractCreateApi.as_view(), name="api-contracts"),
    path("contracts/<int:pk>/", deal_apis.ContractDetailApi.as_view(), name="api-contract"),
    path("contracts/<int:pk>/pdf/", deal_apis.ContractPdfApi.as_view(), name="api-contract-pdf"),
    path(
        "contracts/<int:pk>/cancel/",
        deal_apis.ContractCancelApi.as_view(),
        name="api-contract-cancel",
    ),
    path(
        "contracts/<int:pk>/refunds/",
        deal_apis.ContractRefundApi.as_view(),
        name="api-contract-refunds",
    ),
    path(
        "subscriptions/<int:pk>/deposit/",
        deal_apis.SubscriptionDepositApi.as_view(),
        name="api-subscription-deposit",
    ),
    path("payments/", deal_apis.PaymentCreateApi.as_view(), name="api-payments"),
]
