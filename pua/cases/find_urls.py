"""/find/: the results page of the header's search; see find_views."""

from django.urls import path

from . import find_views as views

app_name = "find"

urlpatterns = [
    path("", views.find, name="results"),
]
