"""URLs of the case pages; see case_views."""

from django.urls import path

from . import case_views as views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("person/<int:person_pk>/open-case/", views.case_open, name="case_open"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("<int:pk>/team/", views.case_team, name="case_team"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.case_team_remove, name="case_team_remove"),
    path("<int:pk>/notes/", views.case_notes, name="case_notes"),
    path("<int:pk>/timeline/", views.case_timeline, name="case_timeline"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
]
