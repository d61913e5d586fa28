"""Writes for two-factor sign-in: adding and removing devices, recovery codes,
checking a code at sign-in. Every change is audited without the secrets."""

from base64 import b32encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pua.core.audit import audit_change, audit_record
from pua.core.models import AuditAction

from . import mfa_selectors


def totp_secret_text(device) -> str:
    """The secret as authenticator apps ask for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


@transaction.atomic
def totp_device_pending(*, user):
    """The authenticator app being added: one unconfirmed device per user, kept
    until confirmed so that the QR code stays the same across attempts."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def totp_device_confirm(*, user, device, code: str, name: str = "", request=None):
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This authenticator app is not being added; start again."))
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": _("Too many wrong codes. Wait a minute and try again.")})
    if not device.verify_token(_clean_code(code)):
        raise ValidationError({"code": _("The code is not correct. Check the time on your phone and try again.")})
    # Outside a transaction until here: a wrong code must stay counted.
    with transaction.atomic():
        device.confirmed = True
        if name:
            device.name = name[:64]
        device.save(update_fields=["confirmed", "name"])
        audit_change(action=AuditAction.CREATE, actor=user, obj=device,
                     changes={"two_factor": [None, "authenticator app"]}, request=request)
    return device


@transaction.atomic
def recovery_codes_generate(*, user, request=None) -> list[str]:
    """Replace the user's recovery codes with a fresh set and return them,
    to be shown once. Only for users with an app or a security key."""
    if not mfa_selectors.is_enrolled(user):
        raise ValidationError(_("Add an authenticator app or a security key before recovery codes."))
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device.throttle_reset(commit=True)
    audit_change(action=AuditAction.UPDATE, actor=user, obj=device,
                 changes={"recovery_codes": [None, len(codes)]}, request=request)
    return codes


@transaction.atomic
def device_remove(*, user, device, request=None) -> None:
    """Remove an app or a security key. Without either, the recovery codes go too."""
    if device.user_id != user.pk:
        raise ValidationError(_("This device is not yours."))
    audit_change(action=AuditAction.DELETE, actor=user, obj=device,
                 changes={"two_factor": [device.name, None]}, request=request)
    device.delete()
    if not mfa_selectors.is_enrolled(user):
        for static in StaticDevice.objects.filter(user=user):
            audit_change(action=AuditAction.DELETE, actor=user, obj=static,
                         changes={"recovery_codes": [static.token_set.count(), None]}, request=request)
            static.delete()
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def code_devices(user) -> list:
    """Devices that accept a typed code: apps first, then recovery codes."""
    devices = list(mfa_selectors.totp_devices(user))
    recovery = mfa_selectors.recovery_device(user)
    if recovery is not None:
        devices.append(recovery)
    return devices


def second_factor_check(*, user, code: str, request=None):
    """The device that accepts ``code``, or a ValidationError.

    Each wrong code counts against every device tried (django-otp's
    throttling: after a failure the next attempt must wait 1, 2, 4... seconds),
    so nothing here runs in a transaction that a refusal would roll back."""
    code = _clean_code(code)
    devices = code_devices(user)
    usable = [device for device in devices if device.verify_is_allowed()[0]]
    if devices and not usable:
        raise ValidationError({"code": _("Too many wrong codes. Wait a minute and try again.")})
    if code:
        for device in usable:
            if device.verify_token(code):
                return device
    audit_record(action=AuditAction.LOGIN_FAILED, actor=user, request=request,
                 changes={"two_factor": "wrong code"})
    raise ValidationError({"code": _("The code is not correct.")})
