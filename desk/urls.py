from django.urls import path

from desk import apis, import_apis, pipeline_apis

urlpatterns = [
    path("registrations/", apis.RegistrationCreateApi.as_view(), name="api-registrations"),
    path(
        "registrations/import/",
        import_apis.RegistrationImportApi.as_view(),
        name="api-registrations-import",
    ),
    path("registrations/<id:pk>/", apis.RegistrationDetailApi.as_view(), name="api-registration"),
    path(
        "registrations/<id:pk>/corrections/",
        apis.CorrectionCreateApi.as_view(),
        name="api-registration-corrections",
    ),
    path("lookup/", apis.LookupApi.as_view(), name="api-lookup"),
    path("households/link/", apis.HouseholdLinkApi.as_view(), name="api-household-link"),
    path("follow-ups/", apis.FollowUpCreateApi.as_view(), name="api-follow-ups"),
    path("customers/<id:pk>/", apis.CustomerDetailApi.as_view(), name="api-customer"),
    path(
        "customers/<id:pk>/stage/",
        pipeline_apis.CustomerStageApi.as_view(),
        name="api-customer-stage",
    ),
]
