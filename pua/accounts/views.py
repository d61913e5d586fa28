from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.shortcuts import found, show_errors

from . import selectors, services, token_services
from .forms import ApiTokenForm, LanguageForm, ProfileForm
from .mfa_middleware import session_sign_in_recorded


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        services.user_login_recorded(user=user, request=self.request)
        session_sign_in_recorded(self.request)
        translation.activate(user.preferred_language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
        return response

    def form_invalid(self, form):
        services.user_login_failed_recorded(username=self.request.POST.get("username", ""), request=self.request)
        return super().form_invalid(form)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.user_logout_recorded(user=request.user, request=request)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, by=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.preferred_language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


def _api_tokens_page(request, form, issued=None, status=200):
    response = render(request, "accounts/api_tokens.html", {
        "form": form,
        "tokens": selectors.api_token_list(user=request.user),
        "issued": issued,
        "now": timezone.now(),
    }, status=status)
    # The page may show a secret: no cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def api_tokens(request):
    """The signed-in user's API keys. A new key's secret is shown in the
    answer to the request that creates it, and never again."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = token_services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                                         by=request.user, request=request)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("API key created. Copy it now: it will not be shown again."))
                return _api_tokens_page(request, ApiTokenForm(), issued=issued)
        return _api_tokens_page(request, form, status=400)
    return _api_tokens_page(request, form)


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = found(selectors.api_token_get(user=request.user, pk=pk))
    token_services.api_token_revoke(token=token, by=request.user, request=request)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@require_POST
@login_required
def api_token_rotate(request, pk):
    token = found(selectors.api_token_get(user=request.user, pk=pk))
    if token.revoked_at is not None:
        messages.error(request, _("This API key is already revoked: create a new one."))
        return redirect("accounts:api_tokens")
    try:
        issued = token_services.api_token_rotate(token=token, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:api_tokens")
    messages.success(request, _("API key replaced. Copy the new one now: it will not be shown again."))
    return _api_tokens_page(request, ApiTokenForm(), issued=issued)


@require_POST
def set_language(request):
    """Switch the interface language; signed-in users keep it as a preference."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language, request=request)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, by=form.user, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, by=form.user, request=self.request)
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
