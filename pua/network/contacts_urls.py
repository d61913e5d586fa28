"""URLs of the contacts pages (included by pua/network/urls.py)."""

from django.urls import path

from . import contacts_views as views

urlpatterns = [
    path("contact-log/", views.network_contact_list, name="network_contact_list"),
    path("contact-log/new/", views.network_contact_create, name="network_contact_create"),
    path("contact-log/<int:pk>/", views.network_contact_detail, name="network_contact_detail"),
    path("contact-log/<int:pk>/edit/", views.network_contact_edit, name="network_contact_edit"),
]
