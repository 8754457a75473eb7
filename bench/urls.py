"""The product's URLs, plus the limits' views under ``bench/limit/`` (bench-only)."""

from django.urls import include, path

from bench import limits

urlpatterns = [
    path("bench/limit/noop/", limits.noop, name="bench-limit-noop"),
    path("bench/limit/lookup/", limits.LookupLimitApi.as_view(), name="bench-limit-lookup"),
    path(
        "bench/limit/registrations/",
        limits.RegistrationLimitApi.as_view(),
        name="bench-limit-registrations",
    ),
    path(
        "bench/limit/p/<slug:code>/my-customers/",
        limits.my_customers_limit,
        name="bench-limit-my-customers",
    ),
    path("", include("salesoffice.urls")),
]
