from django.urls import path

from orders import apis, contract_apis, payment_apis, requirement_apis

urlpatterns = [
    path("units/", apis.UnitListCreateApi.as_view(), name="api-units"),
    path("subscriptions/", apis.SubscriptionCreateApi.as_view(), name="api-subscriptions"),
    path(
        "subscriptions/<id:pk>/cancel/",
        apis.SubscriptionCancelApi.as_view(),
        name="api-subscription-cancel",
    ),
    path(
        "customers/<id:pk>/requirements/",
        requirement_apis.CustomerRequirementsApi.as_view(),
        name="api-customer-requirements",
    ),
    path(
        "requirements/<id:pk>/sign/",
        requirement_apis.RequirementSignApi.as_view(),
        name="api-requirement-sign",
    ),
    path(
        "customers/<id:pk>/qualification/",
        requirement_apis.QualificationApi.as_view(),
        name="api-customer-qualification",
    ),
    path("contracts/", contract_apis.ContractCreateApi.as_view(), name="api-contracts"),
    path("contracts/<id:pk>/", contract_apis.ContractDetailApi.as_view(), name="api-contract"),
    path("contracts/<id:pk>/pdf/", contract_apis.ContractPdfApi.as_view(), name="api-contract-pdf"),
    path(
        "contracts/<id:pk>/cancel/",
        contract_apis.ContractCancelApi.as_view(),
        name="api-contract-cancel",
    ),
    path(
        "contracts/<id:pk>/refunds/",
        payment_apis.ContractRefundApi.as_view(),
        name="api-contract-refunds",
    ),
    path(
        "subscriptions/<id:pk>/deposit/",
        payment_apis.SubscriptionDepositApi.as_view(),
        name="api-subscription-deposit",
    ),
    path("payments/", payment_apis.PaymentCreateApi.as_view(), name="api-payments"),
]
