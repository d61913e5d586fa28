"""Two-factor sign-in pages: the second step of signing in, and the user's own
devices (authenticator apps, security keys, recovery codes)."""

from io import BytesIO
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp_webauthn.views import CompleteCredentialAuthenticationView, CompleteCredentialRegistrationView

from pua.core.audit import audit_record
from pua.core.models import AuditAction
from pua.core.redirects import safe_next_url
from pua.core.shortcuts import show_errors

from . import mfa_selectors, mfa_services
from .mfa_forms import CodeForm, ConfirmRemovalForm, TotpConfirmForm
from .mfa_middleware import SESSION_NOTICE_DISMISSED_KEY, session_mfa_state_forget


def _may_manage(request) -> bool:
    """Devices may be changed in a session that passed the second factor, or
    by a user who has none yet (enrolling)."""
    return request.user.is_verified() or not mfa_selectors.is_enrolled(request.user)


def _verified_now(request, device) -> None:
    request.session.cycle_key()
    otp_login(request, device)
    session_mfa_state_forget(request)


def _to_verification(request):
    return redirect(f"{reverse('accounts:mfa_verify')}?next={quote(request.get_full_path())}")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # The XML declaration has no place inside an HTML page.
    return svg[svg.index("<svg"):]


@login_required
def overview(request):
    if not _may_manage(request):
        return _to_verification(request)
    user = request.user
    context = {
        "totp_devices": mfa_selectors.totp_devices(user),
        "webauthn_devices": mfa_selectors.webauthn_devices(user),
        "recovery_codes_left": mfa_selectors.recovery_codes_left(user),
        "enrolled": mfa_selectors.is_enrolled(user),
        "required": mfa_selectors.two_factor_required(user),
        "next": safe_next_url(request, request.GET.get("next")) if request.GET.get("next") else "",
    }
    return render(request, "accounts/mfa/overview.html", context)


@login_required
def verify(request):
    """The second step of signing in: a code, a security key or a recovery code."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next")
    if user.is_verified() or not mfa_selectors.is_enrolled(user):
        return redirect(safe_next_url(request, next_url))
    form = CodeForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa_services.second_factor_check(user=user, code=form.cleaned_data["code"], request=request)
        except ValidationError as error:
            show_errors(form, error)
        else:
            _verified_now(request, device)
            audit_record(action=AuditAction.LOGIN, actor=user, request=request, obj=user,
                         changes={"two_factor": device._meta.model_name})
            if device._meta.model_name == "staticdevice":
                left = mfa_selectors.recovery_codes_left(user)
                messages.warning(request, _("You used a recovery code. Recovery codes left: %(count)d. Generate new "
                                            "ones from your two-factor page when they run low.") % {"count": left})
            return redirect(safe_next_url(request, form.cleaned_data.get("next")))
    context = {
        "form": form,
        "has_totp": mfa_selectors.totp_devices(user).exists(),
        "has_webauthn": mfa_selectors.webauthn_devices(user).exists(),
        "has_recovery": mfa_selectors.recovery_codes_left(user) > 0,
        "next": safe_next_url(request, next_url),
    }
    return render(request, "accounts/mfa/verify.html", context)


@login_required
def totp_add(request):
    if not _may_manage(request):
        return _to_verification(request)
    device = mfa_services.totp_device_pending(user=request.user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa_services.totp_device_confirm(user=request.user, device=device, request=request,
                                             code=form.cleaned_data["code"], name=form.cleaned_data["name"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            if not request.user.is_verified():
                _verified_now(request, device)
            session_mfa_state_forget(request)
            messages.success(request, _("The authenticator app has been added. Now keep a set of recovery "
                                        "codes in case you lose your phone."))
            return redirect("accounts:mfa_recovery_codes")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": mfa_services.totp_secret_text(device),
    }
    return render(request, "accounts/mfa/totp_add.html", context)


@login_required
def webauthn_add(request):
    if not _may_manage(request):
        return _to_verification(request)
    return render(request, "accounts/mfa/webauthn_add.html")


class WebAuthnRegistrationComplete(CompleteCredentialRegistrationView):
    """The library's registration, audited and with the session's state refreshed."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = mfa_selectors.webauthn_devices(self.request.user).order_by("-id").first()
            if device is not None:
                audit_record(action=AuditAction.CREATE, actor=self.request.user, obj=device,
                             request=self.request, changes={"two_factor": [None, "security key"]})
            session_mfa_state_forget(self.request)
        return response


class WebAuthnAuthenticationComplete(CompleteCredentialAuthenticationView):
    """The library's second step with a security key, recorded as a sign-in
    and with a fresh session key, as for a code."""

    def complete_auth(self, device):
        super().complete_auth(device)
        self.request.session.cycle_key()
        session_mfa_state_forget(self.request)
        audit_record(action=AuditAction.LOGIN, actor=device.user, request=self.request, obj=device.user,
                     changes={"two_factor": "webauthncredential"})


@login_required
def recovery_codes(request):
    if not _may_manage(request):
        return _to_verification(request)
    codes = None
    if request.method == "POST":
        try:
            codes = mfa_services.recovery_codes_generate(user=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("accounts:mfa_overview")
    context = {
        "codes": codes,
        "codes_text": "\r\n".join(codes) + "\r\n" if codes else "",
        "left": mfa_selectors.recovery_codes_left(request.user),
        "enrolled": mfa_selectors.is_enrolled(request.user),
    }
    return render(request, "accounts/mfa/recovery_codes.html", context)


_DEVICE_KINDS = {
    "app": mfa_selectors.totp_devices,
    "key": mfa_selectors.webauthn_devices,
}


@login_required
def device_remove(request, kind, pk):
    if not _may_manage(request):
        return _to_verification(request)
    if kind not in _DEVICE_KINDS:
        raise Http404
    device = _DEVICE_KINDS[kind](request.user).filter(pk=pk).first()
    if device is None:
        raise Http404
    form = ConfirmRemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["confirmation"]
        confirmed = request.user.check_password(value)
        if not confirmed:
            try:
                mfa_services.second_factor_check(user=request.user, code=value, request=request)
                confirmed = True
            except ValidationError:
                confirmed = False
        if not confirmed:
            form.add_error("confirmation", _("Neither your password nor a current code: nothing was removed."))
        else:
            mfa_services.device_remove(user=request.user, device=device, request=request)
            session_mfa_state_forget(request)
            messages.success(request, _("The second factor “%(name)s” has been removed.") % {"name": device.name})
            return redirect("accounts:mfa_overview")
    return render(request, "accounts/mfa/device_remove.html", {"form": form, "device": device, "kind": kind})


@require_POST
@login_required
def notice_dismiss(request):
    """Hide the invitation to add a second factor for the rest of the session."""
    request.session[SESSION_NOTICE_DISMISSED_KEY] = True
    return redirect(safe_next_url(request, request.POST.get("next")))
