from django.urls import path

from customers import apis, import_apis

urlpatterns = [
    path("registrations/", apis.RegistrationCreateApi.as_view(), name="api-registrations"),
    path(
        "registrations/import/",
        import_apis.RegistrationImportApi.as_view(),
        name="api-registrations-import",
    ),
    path("registrations/<int:pk>/", apis.RegistrationDetailApi.as_view(), name="api-registration"),
    path(
        "registrations/<int:pk>/corrections/",
        apis.CorrectionCreateApi.as_view(),
        name="api-registration-corrections",
    ),
    path("lookup/", apis.LookupApi.as_view(), name="api-lookup"),
    path("follow-ups/", apis.FollowUpCreateApi.as_view(), name="api-follow-ups"),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="api-customer"),
]
