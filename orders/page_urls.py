from django.urls import path

from orders import deal_views, views

urlpatterns = [
    path("p/<slug:code>/units/", views.units, name="units"),
    path("p/<slug:code>/finance/", deal_views.finance_desk, name="finance"),
    path("subscriptions/<int:pk>/deposit/", deal_views.deposit_settle, name="deposit-settle"),
    path(
        "customers/<int:pk>/requirements/new/",
        deal_views.requirement_new,
        name="requirement-new",
    ),
    path("requirements/<int:pk>/print/", deal_views.requirement_print, name="requirement-print"),
    path("requirements/<int:pk>/sign/", deal_views.requirement_sign, name="requirement-sign"),
    path("customers/<int:pk>/qualification/", deal_views.qualification, name="qualification"),
    path("subscriptions/<int:pk>/contract/", deal_views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", deal_views.contract_page, name="contract"),
    path("contracts/<int:pk>/payments/", deal_views.contract_payment, name="contract-payment"),
    path("contracts/<int:pk>/refunds/", deal_views.contract_refund, name="contract-refund"),
    path("contracts/<int:pk>/cancel/", deal_views.contract_cancel, name="contract-cancel"),
    path("contracts/<int:pk>/print/", deal_views.contract_print, name="contract-print"),
    path("contracts/<int:pk>/contract.pdf", deal_views.contract_pdf, name="contract-pdf"),
]
