"""URLs of this feature; see intake_views."""

from django.urls import path

from . import intake_views as views

urlpatterns = [
    path("eligibility/", views.eligibility_list, name="eligibility_list"),
    path("eligibility/new/", views.eligibility_create, name="eligibility_create"),
    path("eligibility/<int:pk>/edit/", views.eligibility_edit, name="eligibility_edit"),
    path("eligibility/<int:pk>/deactivate/", views.eligibility_deactivate, name="eligibility_deactivate"),
    path("eligibility/<int:pk>/activate/", views.eligibility_activate, name="eligibility_activate"),
    path("eligibility/<int:pk>/move/", views.eligibility_move, name="eligibility_move"),
    path("<int:case_pk>/intake/", views.intake_decide, name="intake_decide"),
    path("intake/<int:pk>/", views.intake_detail, name="intake_detail"),
]
