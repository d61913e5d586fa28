"""Reads for two-factor sign-in: who must use it, which devices a user has.

A user is *enrolled* when they have a confirmed authenticator app (TOTP) or
security key (WebAuthn); recovery codes back those up and never count alone.
An enrolled user is asked for a second factor at every sign-in, whether or
not their role requires it."""

from dataclasses import dataclass

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

# Kept in the session by the middleware so that each page costs no query:
# recomputed at every sign-in and whenever the user's devices change.
SESSION_MFA_STATE_KEY = "pua_mfa_state"

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class MfaState:
    required: bool
    enrolled: bool


def user_roles(user) -> set[str]:
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(ADMIN_ROLE)
    return roles


def is_exempt_demo_user(user) -> bool:
    """Demo users skip the second factor on a DEBUG demo site only."""
    if not (settings.DEBUG and getattr(settings, "MFA_EXEMPT_DEMO_USERS", False)):
        return False
    from pua.network.demo import USERS  # demo data: looked up only on a DEBUG site

    return user.get_username() in {username for username, *_ in USERS}


def two_factor_required(user) -> bool:
    required = set(getattr(settings, "MFA_REQUIRED_ROLES", ()))
    if not required or is_exempt_demo_user(user):
        return False
    return bool(user_roles(user) & required)


def two_factor_encouraged(user) -> bool:
    """Staff who may go without a second factor but are invited to add one."""
    return not two_factor_required(user) and not is_enrolled(user)


def totp_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("created_at", "id")


def webauthn_devices(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "id")


def recovery_device(user):
    return StaticDevice.objects.filter(user=user, confirmed=True).prefetch_related("token_set").first()


def is_enrolled(user) -> bool:
    return totp_devices(user).exists() or webauthn_devices(user).exists()


def mfa_state(user) -> MfaState:
    return MfaState(required=two_factor_required(user), enrolled=is_enrolled(user))


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0
