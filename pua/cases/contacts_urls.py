"""URLs of first contacts and of the person's journey page; see contacts_views and journey_views."""

from django.urls import path

from . import contacts_views as views
from . import journey_views

urlpatterns = [
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/quick/", views.contact_quick, name="contact_quick"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/link/", views.contact_link, name="contact_link"),
    path("person/<int:pk>/", journey_views.person_journey, name="person_journey"),
]
