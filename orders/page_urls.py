from django.urls import path

from orders import contract_views, finance_views, requirement_views, views

urlpatterns = [
    path("p/<slug:code>/units/", views.units, name="units"),
    path("p/<slug:code>/finance/", finance_views.finance_desk, name="finance"),
    path("subscriptions/<id:pk>/deposit/", finance_views.deposit_settle, name="deposit-settle"),
    path(
        "customers/<id:pk>/requirements/new/",
        requirement_views.requirement_new,
        name="requirement-new",
    ),
    path(
        "requirements/<id:pk>/print/",
        requirement_views.requirement_print,
        name="requirement-print",
    ),
    path("requirements/<id:pk>/sign/", requirement_views.requirement_sign, name="requirement-sign"),
    path("customers/<id:pk>/qualification/", requirement_views.qualification, name="qualification"),
    path("subscriptions/<id:pk>/contract/", contract_views.contract_new, name="contract-new"),
    path("contracts/<id:pk>/", contract_views.contract_page, name="contract"),
    path("contracts/<id:pk>/payments/", finance_views.contract_payment, name="contract-payment"),
    path("contracts/<id:pk>/refunds/", finance_views.contract_refund, name="contract-refund"),
    path("contracts/<id:pk>/cancel/", contract_views.contract_cancel, name="contract-cancel"),
    path("contracts/<id:pk>/print/", contract_views.contract_print, name="contract-print"),
    path("contracts/<id:pk>/contract.pdf", contract_views.contract_pdf, name="contract-pdf"),
]
