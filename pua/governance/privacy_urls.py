from django.urls import path

from . import privacy_views as views

app_name = "privacy"

urlpatterns = [
    path("processing/", views.processing_record, name="processing_record"),
    path("people/<int:pk>/", views.person_privacy, name="person_privacy"),
    path("people/<int:pk>/export/", views.person_export, name="person_export"),
    path("people/<int:pk>/restrict/", views.person_restrict, name="person_restrict"),
    path("people/<int:pk>/restriction/lift/", views.person_restriction_lift, name="person_restriction_lift"),
    path("people/<int:pk>/holds/", views.legal_hold_set, name="legal_hold_set"),
    path("people/<int:pk>/holds/<int:hold_pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
    path("people/<int:pk>/rectify/", views.person_rectify, name="person_rectify"),
]
