"""URLs of the interventions diary; see interventions_views."""

from django.urls import path

from . import interventions_views as views

urlpatterns = [
    path("<int:case_pk>/interventions/", views.intervention_list, name="intervention_list"),
    path("<int:case_pk>/interventions/new/", views.intervention_add, name="intervention_add"),
    path("<int:case_pk>/interventions/<int:pk>/edit/", views.intervention_edit, name="intervention_edit"),
]
