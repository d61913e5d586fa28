"""Helpers for the two-factor tests: codes computed from a device's secret,
as an authenticator app would."""

import os
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

# The roles that must use a second factor in production (config/settings.py).
PRODUCTION_REQUIRED_ROLES = ["director", "social_expert", "labour_expert", "outreach_operator", "admin"]


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or ``steps_ahead`` periods later, for a
    second sign-in within the same 30 seconds: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def app_of(user, name="Telefono di lavoro"):
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def security_key_of(user, name="Chiave USB"):
    credential_id = os.urandom(32)
    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=credential_id,
        public_key=os.urandom(77), sign_count=0, transports=["usb"],
    )
