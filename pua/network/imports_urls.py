"""URLs of the imports pages (included by pua/network/urls.py)."""

from django.urls import path

from . import imports_views

urlpatterns: list = [
    path("imports/", imports_views.import_list, name="import_list"),
    path("imports/new/", imports_views.import_create, name="import_create"),
    path("imports/<int:pk>/", imports_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/retry/", imports_views.import_retry, name="import_retry"),
    path("imports/export/", imports_views.network_export, name="network_export"),
]
