"""URLs of filling in instruments; see response_views."""

from django.urls import path

from . import response_views as views

urlpatterns = [
    path("responses/new/", views.response_start, name="response_start"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/page/<int:page>/", views.response_fill, name="response_fill"),
    path("responses/<int:pk>/review/", views.response_review, name="response_review"),
    path("responses/<int:pk>/submit/", views.response_submit, name="response_submit"),
    path("responses/<int:pk>/amend/", views.response_amend, name="response_amend"),
    path("person/<int:person_pk>/", views.person_responses, name="person_responses"),
]
