from django.urls import path

from aftersales import views

urlpatterns = [
    path("p/<slug:code>/tickets/", views.tickets_page, name="tickets"),
    path("tickets/<id:pk>/", views.ticket_page, name="ticket"),
    path("tickets/<id:pk>/move/", views.ticket_move_page, name="ticket-move"),
    path("customers/<id:pk>/tickets/new/", views.ticket_new_page, name="ticket-new"),
    path("p/<slug:code>/visits/", views.visits_page, name="visits"),
    path("visits/<id:pk>/outcome/", views.visit_outcome_page, name="visit-outcome"),
]
