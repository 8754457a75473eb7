from django.urls import path

from attribution import apis

urlpatterns = [
    path("households/reassign/", apis.ReassignApi.as_view(), name="api-reassign"),
    path("households/link/", apis.HouseholdLinkApi.as_view(), name="api-household-link"),
    path("households/<int:pk>/attribution/", apis.AttributionApi.as_view(), name="api-attribution"),
    path(
        "households/<int:pk>/claims/",
        apis.PendingClaimCreateApi.as_view(),
        name="api-pending-claims",
    ),
    path(
        "households/<int:pk>/claims/<int:claim_id>/decision/",
        apis.PendingClaimDecisionApi.as_view(),
        name="api-pending-claim-decision",
    ),
    path("households/<int:pk>/take/", apis.TakeApi.as_view(), name="api-take"),
]
