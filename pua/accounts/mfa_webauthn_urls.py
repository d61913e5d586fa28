"""Security keys: django-otp-webauthn's endpoints (its URL names, under its
namespace), with registration and sign-in completed by our audited views."""

from django.urls import path
from django_otp_webauthn import urls as webauthn_urls

from . import mfa_views

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/complete/", mfa_views.WebAuthnRegistrationComplete.as_view(),
         name="credential-registration-complete"),
    path("authentication/complete/", mfa_views.WebAuthnAuthenticationComplete.as_view(),
         name="credential-authentication-complete"),
    *(p for p in webauthn_urls.urlpatterns
      if p.name not in ("credential-registration-complete", "credential-authentication-complete")),
]
