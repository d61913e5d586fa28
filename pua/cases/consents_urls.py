"""URLs of privacy notices and consents; see consents_views."""

from django.urls import path

from . import consents_views as views

urlpatterns = [
    path("person/<int:pk>/consents/", views.person_consents, name="person_consents"),
    path("person/<int:pk>/consents/new/", views.consent_give, name="consent_give"),
    path("person/<int:pk>/privacy-notice/", views.privacy_notice_give, name="privacy_notice_give"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("privacy-notices/", views.privacy_notice_list, name="privacy_notice_list"),
    path("privacy-notices/new/", views.privacy_notice_create, name="privacy_notice_create"),
    path("privacy-notices/<int:pk>/", views.privacy_notice_detail, name="privacy_notice_detail"),
    path("privacy-notices/<int:pk>/edit/", views.privacy_notice_edit, name="privacy_notice_edit"),
]
