"""Pages of the data-subject rights: the person's data-protection page
(export, restriction, legal holds, erasure), the rectification of identity
and the record of processing activities. Rules in ``access``; writes in
``privacy_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audited, not_audited
from pua.core.shortcuts import found, require_perm, save_form, show_errors

from . import privacy_selectors, privacy_services, ropa
from .models import LegalHold
from .privacy_forms import ErasureForm, LegalHoldForm, RectificationForm, RestrictionForm


def _person(request, pk, perm="governance.manage_person_privacy"):
    person = privacy_selectors.person_for_director(request.user, pk)
    require_perm(request.user, perm, person)
    return person


def person_privacy_panel(request, person) -> dict | None:
    """The link to the data-protection page, in the header of the person's
    pages (``settings.PERSON_HEADER_PANELS`` and the journey), for who may open it."""
    user = request.user
    if user.has_perm("governance.manage_person_privacy", person):
        return {"template": "governance/privacy/person_link.html", "context": {"person": person, "director": True}}
    if user.has_perm("governance.view_rectifications", person):
        return {"template": "governance/privacy/person_link.html", "context": {"person": person, "director": False}}
    return None


def person_rectifications_panel(request, person) -> dict | None:
    """The rectification history on the person's journey page
    (``settings.PERSON_PAGE_PANELS``), for who may see the identity."""
    if not request.user.has_perm("governance.view_rectifications", person):
        return None
    return {"template": "governance/privacy/rectifications_panel.html", "context": {
        "person": person, "rectifications": privacy_selectors.rectifications_for_person(person),
        "can_rectify": request.user.has_perm("governance.rectify_person", person),
    }}


def _page(request, person, **forms):
    context = {
        "person": person,
        "holds": privacy_selectors.legal_holds_for_person(person),
        "rectifications": privacy_selectors.rectifications_for_person(person),
        "obstacles": privacy_services.erasure_obstacles(person),
        "restriction_form": forms.get("restriction_form") or RestrictionForm(),
        "hold_form": forms.get("hold_form") or LegalHoldForm(),
        "can_rectify": request.user.has_perm("governance.rectify_person", person),
    }
    return render(request, "governance/privacy/person_privacy.html", context, status=forms.get("status", 200))


@audited
@login_required
def person_privacy(request, pk):
    person = _person(request, pk)
    audit_read(actor=request.user, obj=person, request=request)
    return _page(request, person)


@audited
@login_required
@require_POST
def person_export(request, pk):
    person = _person(request, pk)
    archive = privacy_services.subject_access_export(person=person, by=request.user, request=request)
    response = FileResponse(archive, as_attachment=True, filename=f"{person.case_number}-data.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


@not_audited(reason="a change only, audited by its service; shows no record")
@login_required
@require_POST
def person_restrict(request, pk):
    person = _person(request, pk)
    form = RestrictionForm(request.POST)
    if form.is_valid() and save_form(
            request, form,
            lambda data: privacy_services.person_restrict(person=person, reason=data["reason"], by=request.user,
                                                          request=request),
            _("The processing of this person's data is now restricted.")):
        return redirect("privacy:person_privacy", pk=person.pk)
    return _page(request, person, restriction_form=form, status=400)


@not_audited(reason="a change only, audited by its service; shows no record")
@login_required
@require_POST
def person_restriction_lift(request, pk):
    person = _person(request, pk)
    try:
        privacy_services.person_restriction_lift(person=person, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The restriction was lifted."))
    return redirect("privacy:person_privacy", pk=person.pk)


@not_audited(reason="a change only, audited by its service; shows no record")
@login_required
@require_POST
def legal_hold_set(request, pk):
    person = _person(request, pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid() and save_form(
            request, form,
            lambda data: privacy_services.legal_hold_set(person=person, reason=data["reason"], until=data["until"],
                                                         by=request.user, request=request),
            _("The legal hold was set.")):
        return redirect("privacy:person_privacy", pk=person.pk)
    return _page(request, person, hold_form=form, status=400)


@not_audited(reason="a change only, audited by its service; shows no record")
@login_required
@require_POST
def legal_hold_lift(request, pk, hold_pk):
    person = _person(request, pk)
    hold = found(LegalHold.objects.filter(person=person, pk=hold_pk).first())
    try:
        privacy_services.legal_hold_lift(hold=hold, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The legal hold was lifted."))
    return redirect("privacy:person_privacy", pk=person.pk)


@audited
@login_required
def person_erase(request, pk):
    person = _person(request, pk)
    if request.method != "POST":
        audit_read(actor=request.user, obj=person, request=request)
    form = ErasureForm(request.POST or None, person=person)
    status = 200
    if request.method == "POST":
        if form.is_valid() and save_form(
                request, form,
                lambda data: privacy_services.person_erase(person=person, by=request.user, request=request),
                _("The person was erased: their identity is destroyed; the anonymous case data remain.")):
            return redirect("privacy:person_privacy", pk=person.pk)
        status = 400
    return render(request, "governance/privacy/person_erase.html", {
        "person": person, "form": form, "obstacles": privacy_services.erasure_obstacles(person),
    }, status=status)


@audited
@login_required
def person_rectify(request, pk):
    person = _person(request, pk, "governance.rectify_person")
    if request.method != "POST":
        audit_read(actor=request.user, obj=person, request=request)
    form = RectificationForm.for_person(person, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy_services.person_rectify(person=person, values=form.values(), reason=form.cleaned_data["reason"],
                                                by=request.user, request=request)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("The correction was recorded."))
                return redirect("people:person_detail", pk=person.pk)
        status = 400
    return render(request, "governance/privacy/person_rectify.html", {
        "person": person, "form": form,
        "rectifications": privacy_selectors.rectifications_for_person(person),
    }, status=status)


@not_audited(reason="describes the processing from the models, never a person")
@login_required
def processing_record(request):
    """The record of processing activities (GDPR art. 30), generated from the models."""
    require_perm(request.user, "governance.view_processing_record")
    return render(request, "governance/privacy/processing_record.html", {"activities": ropa.processing_record()})
