from django.urls import path

from channels import views

urlpatterns = [
    # The agent's portal: /channel/ shows their first project, /channel/<code>/ a chosen one
    # (one name, so the home page and the menu can link it with the project's code).
    path("channel/", views.portal, name="channel-portal"),
    path("channel/<slug:code>/", views.portal, name="channel-portal"),
    path("channel/<slug:code>/report/", views.portal_report, name="channel-report"),
    path("channel/<slug:code>/reports/<id:pk>/sign/", views.portal_sign, name="channel-sign"),
    # The front desk's 报备信息登记表.
    path("p/<slug:code>/channel-reports/", views.reports_page, name="channel-reports"),
    path(
        "p/<slug:code>/channel-reports/<id:pk>/confirm/",
        views.report_confirm,
        name="channel-report-confirm",
    ),
    path(
        "p/<slug:code>/channel-reports/<id:pk>/sign/",
        views.report_sign,
        name="channel-report-sign",
    ),
]
