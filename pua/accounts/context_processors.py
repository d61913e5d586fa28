from django.conf import settings
from django.urls import reverse

from .mfa_middleware import SESSION_NOTICE_DISMISSED_KEY, session_mfa_state


def two_factor_notice(request):
    """On the home page, invite a user without a second factor to add one,
    until they dismiss the invitation for the session."""
    user = getattr(request, "user", None)
    if (
        not settings.MFA_ENFORCED
        or user is None
        or not user.is_authenticated
        or request.path != reverse("home")
        or request.session.get(SESSION_NOTICE_DISMISSED_KEY)
    ):
        return {}
    state = session_mfa_state(request)
    return {"two_factor_notice": not state.enrolled and not state.required}
