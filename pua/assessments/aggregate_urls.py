"""URLs of the aggregates, and of the case integration (``integration_urls``:
``urls.py`` concatenates one module per feature and this one carries both)."""

from django.urls import path

from . import aggregate_views, integration_urls

urlpatterns = [
    path("aggregates/", aggregate_views.aggregates, name="aggregates"),
    path("aggregates/export.csv", aggregate_views.aggregates_csv, name="aggregates_csv"),
    path("aggregates/export.xlsx", aggregate_views.aggregates_xlsx, name="aggregates_xlsx"),
    *integration_urls.urlpatterns,
]
