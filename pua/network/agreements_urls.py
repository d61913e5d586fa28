"""URLs of the agreements pages (included by pua/network/urls.py)."""

from django.urls import path

from . import agreements_views as views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
]
