from django.urls import path

from . import mfa_views

urlpatterns = [
    path("", mfa_views.overview, name="mfa_overview"),
    path("verify/", mfa_views.verify, name="mfa_verify"),
    path("app/add/", mfa_views.totp_add, name="mfa_totp_add"),
    path("key/add/", mfa_views.webauthn_add, name="mfa_webauthn_add"),
    path("recovery-codes/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("<str:kind>/<int:pk>/remove/", mfa_views.device_remove, name="mfa_device_remove"),
    path("notice/dismiss/", mfa_views.notice_dismiss, name="mfa_notice_dismiss"),
]
