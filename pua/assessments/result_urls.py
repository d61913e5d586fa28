"""URLs of screening results (included by pua/assessments/urls.py)."""

from django.urls import path

from . import result_views as views

urlpatterns: list = [
    path("responses/<int:pk>/result/", views.result_detail, name="result_detail"),
    path("responses/<int:pk>/result/review/", views.result_review, name="result_review"),
    path("overrides/", views.overrides, name="overrides"),
]
