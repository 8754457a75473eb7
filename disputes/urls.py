from django.urls import path

from disputes import apis

urlpatterns = [
    path("disputes/", apis.DisputeListCreateApi.as_view(), name="api-disputes"),
    path("disputes/<id:pk>/", apis.DisputeDetailApi.as_view(), name="api-dispute"),
    path("disputes/<id:pk>/review/", apis.DisputeReviewApi.as_view(), name="api-dispute-review"),
    path("disputes/<id:pk>/ruling/", apis.DisputeRulingApi.as_view(), name="api-dispute-ruling"),
    path("disputes/<id:pk>/appeal/", apis.DisputeAppealApi.as_view(), name="api-dispute-appeal"),
    path(
        "disputes/<id:pk>/final-ruling/",
        apis.DisputeFinalRulingApi.as_view(),
        name="api-dispute-final-ruling",
    ),
    path("violations/", apis.ViolationListApi.as_view(), name="api-violations"),
]
