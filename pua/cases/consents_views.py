"""Pages of privacy notices and consents: a person's consents (audited),
giving and withdrawing a consent, recording a notice given, and the
notices of the access point, managed by its director."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audit_shown, audited, not_audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form
from pua.people.access import visible_persons

from . import consents_selectors as selectors
from . import consents_services as services
from .consents_forms import ConsentForm, NoticeGiveForm, PrivacyNoticeForm, WithdrawForm


def _person(user, pk, *, active: bool = False):
    qs = visible_persons(user).select_related("access_point")
    if active:
        qs = qs.filter(merged_into__isnull=True)  # merged records are read-only history
    return found(qs.filter(pk=pk).first())


@audited
@login_required
def person_consents(request, pk):
    user = request.user
    person = _person(user, pk)
    require_perm(user, "cases.view_consent", person)
    consents = selectors.consents_for_person(user, person)
    audit_shown(request, {"cases.consent": consents}, obj=person)
    return render(request, "cases/consent_person.html", {
        "person": person,
        "shows_identity": user.has_perm("people.view_person_identity", person),
        "consents": consents,
        "notices_given": selectors.notices_given_to_person(user, person),
        "can_change": person.merged_into_id is None and user.has_perm("cases.change_consent", person),
        "withdraw_form": WithdrawForm(),
    })


@audited
@login_required
def consent_give(request, pk):
    user = request.user
    person = _person(user, pk, active=True)
    require_perm(user, "cases.change_consent", person)
    audit_read(actor=user, obj=person, request=request)
    form = ConsentForm(request.POST or None, person=person, user=user)
    if request.method == "POST" and form.is_valid():
        consent = save_form(
            request, form,
            lambda data: services.consent_give(person=person, by=user, request=request, **data),
            _("Consent recorded."),
        )
        if consent:
            return redirect("cases:person_consents", pk=person.pk)
    return render(request, "cases/consent_form.html", {
        "form": form, "person": person,
        "shows_identity": user.has_perm("people.view_person_identity", person),
    })


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def consent_withdraw(request, pk):
    """From the person's consents page; errors come back as a message, nothing is saved."""
    user = request.user
    consent = found(selectors.consent_get(user, pk))
    require_perm(user, "cases.change_consent", consent)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date and time for the withdrawal."))
    else:
        try:
            services.consent_withdraw(consent=consent, by=user, at=form.cleaned_data["withdrawn_at"],
                                      request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent withdrawn. Sharing based on it has stopped."))
    return redirect("cases:person_consents", pk=consent.person_id)


@audited
@login_required
def privacy_notice_give(request, pk):
    user = request.user
    person = _person(user, pk, active=True)
    require_perm(user, "cases.change_consent", person)
    audit_read(actor=user, obj=person, request=request)
    form = NoticeGiveForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        delivery = save_form(
            request, form,
            lambda data: services.privacy_notice_give(person=person, by=user, request=request, **data),
            _("Privacy notice recorded as given."),
        )
        if delivery:
            return redirect("cases:person_consents", pk=person.pk)
    return render(request, "cases/privacy_notice_give.html", {
        "form": form, "person": person,
        "shows_identity": user.has_perm("people.view_person_identity", person),
    })


@not_audited(reason="privacy notice texts; no person data")
@login_required
def privacy_notice_list(request):
    """The notices of the access point the user works at now."""
    access_point = request.access_point
    require_perm(request.user, "cases.view_consent", access_point)
    return render(request, "cases/privacy_notice_list.html", {
        "access_point": access_point,
        "page": paginate(request, selectors.privacy_notice_list(request.user, access_point)),
        "can_manage": request.user.has_perm("cases.manage_privacy_notices", access_point),
    })


@not_audited(reason="privacy notice texts; no person data")
@login_required
def privacy_notice_detail(request, pk):
    notice = found(selectors.privacy_notice_get(request.user, pk))
    require_perm(request.user, "cases.view_consent", notice)
    return render(request, "cases/privacy_notice_detail.html", {
        "notice": notice,
        "can_manage": request.user.has_perm("cases.manage_privacy_notices", notice),
    })


@not_audited(reason="privacy notice texts; no person data")
@login_required
def privacy_notice_create(request):
    access_point = request.access_point
    require_perm(request.user, "cases.manage_privacy_notices", access_point)
    form = PrivacyNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notice = save_form(
            request, form,
            lambda data: services.privacy_notice_create(by=request.user, access_point=access_point, request=request,
                                                        **data),
            _("Privacy notice created."),
        )
        if notice:
            return redirect("cases:privacy_notice_detail", pk=notice.pk)
    return render(request, "cases/privacy_notice_form.html", {"form": form, "access_point": access_point})


@not_audited(reason="privacy notice texts; no person data")
@login_required
def privacy_notice_edit(request, pk):
    notice = found(selectors.privacy_notice_get(request.user, pk))
    require_perm(request.user, "cases.manage_privacy_notices", notice)
    form = PrivacyNoticeForm(request.POST or None, notice=notice)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.privacy_notice_update(notice=notice, by=request.user, request=request, **data),
            _("Privacy notice saved."),
        )
        if saved:
            return redirect("cases:privacy_notice_detail", pk=notice.pk)
    return render(request, "cases/privacy_notice_form.html", {
        "form": form, "notice": notice, "access_point": notice.access_point,
        "already_given": notice.deliveries.exists(),
    })
