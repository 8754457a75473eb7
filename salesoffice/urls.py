from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from salesoffice import views
from salesoffice.lockout import TokenObtainApi

# The managers rule disputes here: the office's name for it, not Django's.
admin.site.site_header = _("Sales office administration")
admin.site.site_title = _("Sales office administration")
admin.site.index_title = _("Records and settings")

handler404 = "salesoffice.views.not_found"

api_patterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up script as a file: the page has no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("projects.urls")),
    path("", include("desk.urls")),
    path("", include("attribution.urls")),
    path("", include("channels.urls")),
    path("", include("disputes.urls")),
    path("", include("orders.urls")),
    path("", include("aftersales.urls")),
    path("", include("reports.urls")),
    path("", include("handover.urls")),
]

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The commission splits' admin moved from the orders app to their own (bookmarks still work).
    re_path(
        r"^admin/orders/(?P<rest>commission(?:split|share)/.*)$",
        RedirectView.as_view(url="/admin/commission/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("desk.page_urls")),
    path("", include("attribution.page_urls")),
    path("", include("projects.page_urls")),
    path("", include("channels.page_urls")),
    path("", include("disputes.page_urls")),
    path("", include("orders.page_urls")),
    path("", include("aftersales.page_urls")),
    path("", include("reports.page_urls")),
    path("", include("handover.page_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
