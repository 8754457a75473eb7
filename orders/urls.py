from django.urls import path

from orders import apis, contract_apis, payment_apis, requirement_apis

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
        requirement_apis.CustomerRequirementsApi.as_view(),
        name="api-customer-requirements",
    ),
    path(
        "requirements/<int:pk>/sign/",
        requirement_apis.RequirementSignApi.as_view(),
        name="api-requirement-sign",
    ),
    path(
        "customers/<int:pk>/qualification/",
        requirement_apis.QualificationApi.as_view(),
        name="api-customer-qualification",
    ),
    path("contracts/", contract_apis.ContractCreateApi.as_view(), name="api-contracts"),
    path("contracts/<int:pk>/", contract_apis.ContractDetailApi.as_view(), name="api-contract"),
    path(
        "contracts/<int:pk>/pdf/", contract_apis.ContractPdfApi.as_view(), name="api-contract-pdf"
    ),
    path(
        "contracts/<int:pk>/cancel/",
        contract_apis.ContractCancelApi.as_view(),
        name="api-contract-cancel",
    ),
    path(
        "contracts/<int:pk>/refunds/",
        payment_apis.ContractRefundApi.as_view(),
        name="api-contract-refunds",
    ),
    path(
        "subscriptions/<int:pk>/deposit/",
        payment_apis.SubscriptionDepositApi.as_view(),
        name="api-subscription-deposit",
    ),
    path("payments/", payment_apis.PaymentCreateApi.as_view(), name="api-payments"),
]
