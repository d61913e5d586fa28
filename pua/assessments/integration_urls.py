"""URLs of the case integration (included by ``aggregate_urls``)."""

from django.urls import path

from . import integration_views

urlpatterns = [
    path("responses/<int:pk>/proposals/apply/", integration_views.proposal_apply_view, name="proposal_apply"),
]
