"""URLs of the instrument pages (included by pua/assessments/urls.py)."""

from django.urls import path

from . import instrument_views as views

urlpatterns = [
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/new/", views.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/active/", views.instrument_set_active, name="instrument_set_active"),
    path("instruments/<int:pk>/versions/new/", views.version_upload, name="version_upload"),
    path("versions/<int:pk>/preview/", views.version_preview, name="version_preview"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/retire/", views.version_retire, name="version_retire"),
]
