"""URLs of the profile pages (included by pua/network/urls.py)."""

from django.urls import path

from . import profile_views as views

urlpatterns: list = [
    path("catalogue/", views.service_catalogue, name="service_catalogue"),
    path("catalogue/new/", views.service_create, name="service_create"),
    path("catalogue/<int:pk>/retire/", views.service_retire, name="service_retire"),
    path("catalogue/<int:pk>/reactivate/", views.service_reactivate, name="service_reactivate"),
    path("organisations/<int:pk>/profile/", views.organisation_profile_edit, name="organisation_profile_edit"),
    path("organisations/<int:pk>/sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/delete/", views.site_delete, name="site_delete"),
    path("municipalities/search/", views.municipality_search, name="municipality_search"),
    path("organisations/<int:pk>/contact-persons/new/", views.contact_person_create, name="contact_person_create"),
    path("contact-persons/<int:pk>/edit/", views.contact_person_edit, name="contact_person_edit"),
    path("contact-persons/<int:pk>/delete/", views.contact_person_delete, name="contact_person_delete"),
    path("network-links/<int:pk>/edit/", views.network_link_edit, name="network_link_edit"),
    path("offerings/", views.offering_list, name="offering_list"),
    path("organisations/<int:pk>/offerings/new/", views.offering_create, name="offering_create"),
    path("offerings/<int:pk>/", views.offering_detail, name="offering_detail"),
    path("offerings/<int:pk>/edit/", views.offering_edit, name="offering_edit"),
    path("offerings/<int:pk>/confirm/", views.offering_confirm, name="offering_confirm"),
    path("offerings/<int:pk>/active/", views.offering_set_active, name="offering_set_active"),
]
