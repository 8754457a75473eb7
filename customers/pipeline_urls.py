"""URLs of the pipeline: the customer page's stage control and the stage API."""

from django.urls import path

from customers import pipeline_apis, pipeline_views

page_patterns = [
    path("customers/<int:pk>/stage/", pipeline_views.customer_stage, name="customer-stage"),
]

api_patterns = [
    path(
        "customers/<int:pk>/stage/",
        pipeline_apis.CustomerStageApi.as_view(),
        name="api-customer-stage",
    ),
]
