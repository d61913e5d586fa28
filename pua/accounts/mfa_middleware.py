"""Sign-in policies applied to every request: the absolute session lifetime
and the second factor. Both come after django-otp's OTPMiddleware and
Django's MessageMiddleware."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import mfa_selectors, services

# When the user signed in (seconds since the epoch), set at sign-in.
SESSION_SIGNED_IN_AT_KEY = "pua_signed_in_at"
# The invitation to add a second factor, hidden for the rest of the session.
SESSION_NOTICE_DISMISSED_KEY = "pua_mfa_notice_dismissed"


def session_sign_in_recorded(request) -> None:
    request.session[SESSION_SIGNED_IN_AT_KEY] = int(time.time())
    request.session.pop(mfa_selectors.SESSION_MFA_STATE_KEY, None)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """Sign the user out once ``SESSION_MAX_AGE_HOURS`` have passed since
    sign-in, however active they were (the idle timeout is the session
    cookie's age). A session without a sign-in time gets one now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SESSION_SIGNED_IN_AT_KEY)
            if not isinstance(signed_in_at, int):
                request.session[SESSION_SIGNED_IN_AT_KEY] = int(time.time())
            elif time.time() - signed_in_at > settings.SESSION_MAX_AGE_HOURS * 3600:
                services.user_logout_recorded(user=user, request=request)
                logout(request)
                if not _is_api(request):
                    messages.warning(request, _("Your session has ended: please sign in again."))
                    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:login"),
        reverse("accounts:logout"),
        reverse("accounts:set_language"),
        reverse("accounts:mfa_overview"),  # every two-factor page lies below it
        settings.STATIC_URL,
        reverse("healthz"),
    )


class TwoFactorMiddleware:
    """Hold a signed-in user at the second factor until they pass it.

    An enrolled user who has not yet given a second factor in this session is
    sent to the verification page; a user whose role requires two-factor
    sign-in and has no device yet is sent to enrol. Nothing else opens until
    then: HTML pages redirect, the API answers 403 in JSON. API calls with a
    token carry no session user and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not settings.MFA_ENFORCED or user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        if request.path.startswith(self._exempt):
            return self.get_response(request)
        state = session_mfa_state(request)
        if state.enrolled:
            target, message = "accounts:mfa_verify", _("Confirm your sign-in with your second factor.")
        elif state.required:
            target = "accounts:mfa_overview"
            message = _("Your role requires two-factor sign-in: add a second factor to continue.")
        else:
            return self.get_response(request)
        if _is_api(request):
            return JsonResponse({"detail": message, "code": "two_factor_required"}, status=403)
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        url = f"{reverse(target)}?{urlencode({'next': next_url})}"
        if request.headers.get("HX-Request"):
            # A fragment request: have htmx load the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


def session_mfa_state(request) -> mfa_selectors.MfaState:
    """The user's two-factor state, kept in the session (see SESSION_MFA_STATE_KEY)."""
    stored = request.session.get(mfa_selectors.SESSION_MFA_STATE_KEY)
    if isinstance(stored, dict) and set(stored) == {"required", "enrolled"}:
        return mfa_selectors.MfaState(**stored)
    state = mfa_selectors.mfa_state(request.user)
    request.session[mfa_selectors.SESSION_MFA_STATE_KEY] = {"required": state.required, "enrolled": state.enrolled}
    return state


def session_mfa_state_forget(request) -> None:
    request.session.pop(mfa_selectors.SESSION_MFA_STATE_KEY, None)
