from django.urls import path

from orders import contract_views, finance_views, requirement_views, views

urlpatterns = [
    path("p/<slug:code>/units/", views.units, name="units"),
    path("p/<slug:code>/finance/", finance_views.finance_desk, name="finance"),
    path("subscriptions/<int:pk>/deposit/", finance_views.deposit_settle, name="deposit-settle"),
    path(
        "customers/<int:pk>/requirements/new/",
        requirement_views.requirement_new,
        name="requirement-new",
    ),
    path(
        "requirements/<int:pk>/print/",
        requirement_views.requirement_print,
        name="requirement-print",
    ),
    path(
        "requirements/<int:pk>/sign/", requirement_views.requirement_sign, name="requirement-sign"
    ),
    path(
        "customers/<int:pk>/qualification/", requirement_views.qualification, name="qualification"
    ),
    path("subscriptions/<int:pk>/contract/", contract_views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", contract_views.contract_page, name="contract"),
    path("contracts/<int:pk>/payments/", finance_views.contract_payment, name="contract-payment"),
    path("contracts/<int:pk>/refunds/", finance_views.contract_refund, name="contract-refund"),
    path("contracts/<int:pk>/cancel/", contract_views.contract_cancel, name="contract-cancel"),
    path("contracts/<int:pk>/print/", contract_views.contract_print, name="contract-print"),
    path("contracts/<int:pk>/contract.pdf", contract_views.contract_pdf, name="contract-pdf"),
]
