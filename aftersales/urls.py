from django.urls import path

from aftersales import apis

urlpatterns = [
    path("tickets/", apis.TicketListCreateApi.as_view(), name="api-tickets"),
    path("tickets/<id:pk>/", apis.TicketDetailApi.as_view(), name="api-ticket"),
    path(
        "tickets/<id:pk>/transitions/",
        apis.TicketTransitionApi.as_view(),
        name="api-ticket-transitions",
    ),
    path("visits/", apis.VisitListApi.as_view(), name="api-visits"),
    path("visits/<id:pk>/outcome/", apis.VisitOutcomeApi.as_view(), name="api-visit-outcome"),
]
