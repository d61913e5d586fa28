"""URLs of the personalised plan (PIP); see plan_views."""

from django.urls import path

from . import plan_views as views

urlpatterns = [
    path("<int:case_pk>/plan/", views.plan_detail, name="plan_detail"),
    path("<int:case_pk>/plan/new/", views.plan_create, name="plan_create"),
    path("<int:case_pk>/plan/goals/new/", views.goal_add, name="plan_goal_add"),
    path("<int:case_pk>/plan/goals/<int:pk>/edit/", views.goal_edit, name="plan_goal_edit"),
    path("<int:case_pk>/plan/goals/<int:pk>/remove/", views.goal_remove, name="plan_goal_remove"),
    path("<int:case_pk>/plan/actions/new/", views.action_add, name="plan_action_add"),
    path("<int:case_pk>/plan/actions/<int:pk>/edit/", views.action_edit, name="plan_action_edit"),
    path("<int:case_pk>/plan/actions/<int:pk>/status/", views.action_status, name="plan_action_status"),
    path("<int:case_pk>/plan/agreement/", views.plan_agree, name="plan_agree"),
    path("<int:case_pk>/plan/cadence/", views.plan_cadence, name="plan_cadence"),
    path("<int:case_pk>/plan/reviews/new/", views.review_add, name="plan_review_add"),
    path("<int:case_pk>/plan/versions/", views.plan_versions, name="plan_versions"),
    path("<int:case_pk>/plan/versions/<int:number>/", views.plan_version, name="plan_version"),
]
