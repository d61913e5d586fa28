"""URLs of the documents feature; see documents_views."""

from django.urls import path

from . import documents_views as views

urlpatterns = [
    path("documents/new/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("person/<int:pk>/documents/", views.document_list, name="document_list"),
]
