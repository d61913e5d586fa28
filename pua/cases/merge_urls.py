"""URLs of merging duplicate records; see merge_views."""

from django.urls import path

from . import merge_views as views

urlpatterns = [
    path("person/<int:pk>/merge/", views.person_merge, name="person_merge"),
]
