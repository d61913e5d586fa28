"""URLs of the search pages (included by pua/network/urls.py)."""

from django.urls import path

from . import search_views

urlpatterns: list = [
    path("search/", search_views.offering_search, name="offering_search"),
    path("maps/organisations/", search_views.map_organisations, name="map_organisations"),
    path("maps/services/", search_views.map_services, name="map_services"),
]
