"""Instrument pages: list, detail with versions, creation by upload, editing
its settings, deactivating it, new versions, preview, download of the
original XLSForm, publish and retire."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audited import not_audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form, show_errors

from . import instrument_selectors as selectors
from . import instrument_services as services
from .instrument_forms import InstrumentEditForm, InstrumentFilterForm, InstrumentUploadForm, VersionUploadForm
from .xlsform import XLSFormError


def _upload(form, write):
    """Run an upload service: (result, problems of the form or None). Errors
    outside the XLSForm go on the form."""
    try:
        return write(form.cleaned_data), None
    except XLSFormError as error:  # before ValidationError, in case it is one
        return None, list(error.errors)
    except ValidationError as error:
        show_errors(form, error)
        return None, None


@not_audited(reason="assessment instruments; no person data")
@login_required
def instrument_list(request):
    user = request.user
    require_perm(user, "assessments.view_instrument")
    form = InstrumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    instruments = selectors.instrument_list(user, q=filters.get("q", ""), purpose=filters.get("purpose", ""),
                                            state=filters.get("state", ""))
    context = {
        "form": form, "page": paginate(request, instruments),
        "can_add": services.may_create_instrument(user, None) or (
            request.access_point is not None and services.may_create_instrument(user, request.access_point)),
    }
    template = "assessments/instrument_list.html"
    if request.htmx and request.htmx.target == "instrument-results":
        template += "#results"
    return render(request, template, context)


@not_audited(reason="assessment instruments; no person data")
@login_required
def instrument_detail(request, pk):
    instrument = found(selectors.instrument_get(request.user, pk))
    return render(request, "assessments/instrument_detail.html", {
        "instrument": instrument,
        "versions": selectors.instrument_versions(request.user, instrument),
        "fill_roles": selectors.role_labels(instrument.fill_roles),
        "read_roles": selectors.role_labels(instrument.read_roles),
        "can_manage": request.user.has_perm("assessments.manage_instrument", instrument),
    })


@not_audited(reason="assessment instruments; no person data")
@login_required
def instrument_create(request):
    user = request.user
    # Administrators choose where it is available; a director adds it to the access point they work at.
    chooses = services.may_create_instrument(user, None)
    if not chooses and not (request.access_point and services.may_create_instrument(user, request.access_point)):
        raise PermissionDenied
    form = InstrumentUploadForm(request.POST or None, request.FILES or None, choose_access_point=chooses)
    problems = None
    if request.method == "POST" and form.is_valid():
        instrument, problems = _upload(form, lambda data: services.instrument_create_from_upload(
            file=data["file"], by=user, access_point=data.get("access_point") if chooses else request.access_point,
            purpose=data["purpose"], fill_roles=data["fill_roles"], read_roles=data["read_roles"],
            title=data["title"]))
        if instrument:
            messages.success(request, _("Instrument created. Version 1 is a draft: preview it, then publish it."))
            return redirect("assessments:instrument_detail", pk=instrument.pk)
    return render(request, "assessments/instrument_form.html", {
        "form": form, "problems": problems, "access_point": None if chooses else request.access_point,
    })


def _managed(request, pk):
    instrument = found(selectors.instrument_get(request.user, pk))
    require_perm(request.user, "assessments.manage_instrument", instrument)
    return instrument


@not_audited(reason="assessment instruments; no person data")
@login_required
def instrument_edit(request, pk):
    instrument = _managed(request, pk)
    form = InstrumentEditForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid() and save_form(request, form, lambda data: (
            services.instrument_update(instrument=instrument, by=request.user, title=data["title"],
                                       description=data["description"], purpose=data["purpose"],
                                       fill_roles=data["fill_roles"], read_roles=data["read_roles"])),
            _("Instrument settings saved.")):
        return redirect("assessments:instrument_detail", pk=instrument.pk)
    return render(request, "assessments/instrument_edit.html", {"form": form, "instrument": instrument})


@not_audited(reason="assessment instruments; no person data")
@login_required
@require_POST
def instrument_set_active(request, pk):
    """POST ``active=1`` offers the instrument again for new responses, ``active=0`` stops offering it."""
    instrument = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.instrument_set_active(instrument=instrument, active=active, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The instrument is active again: its published version can be filled in.")
                         if active else _("The instrument is inactive: it is no longer offered for new answers. "
                                          "The answers already given stay readable."))
    return redirect("assessments:instrument_detail", pk=instrument.pk)


@not_audited(reason="assessment instruments; no person data")
@login_required
def version_upload(request, pk):
    instrument = found(selectors.instrument_get(request.user, pk))
    require_perm(request.user, "assessments.manage_instrument", instrument)
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        version, problems = _upload(form, lambda data: services.version_upload(
            instrument=instrument, file=data["file"], by=request.user))
        if version:
            messages.success(request, _("Version %(number)s uploaded as a draft: preview it, then publish it.")
                             % {"number": version.number})
            return redirect("assessments:instrument_detail", pk=instrument.pk)
    return render(request, "assessments/version_upload.html", {
        "form": form, "problems": problems, "instrument": instrument,
    })


@not_audited(reason="assessment instruments; no person data")
@login_required
def version_preview(request, pk):
    version = found(selectors.version_get(request.user, pk))
    language = selectors.preview_language(version, request.GET.get("lang", ""), request.LANGUAGE_CODE)
    return render(request, "assessments/version_preview.html", {
        "version": version, "instrument": version.instrument, "language": language,
        "languages": selectors.language_options(version),
        "pages": selectors.version_preview(version, language),
        "can_manage": request.user.has_perm("assessments.manage_instrument", version.instrument),
    })


@not_audited(reason="assessment instruments; no person data")
@login_required
def version_download(request, pk):
    """The original XLSForm of a version, as an attachment."""
    version = found(selectors.version_get(request.user, pk))
    response = FileResponse(io.BytesIO(bytes(version.source)), as_attachment=True,
                            filename=f"{version.instrument.code}-v{version.number}.xlsx",
                            content_type=services.XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _change_status(request, pk, change, done_message):
    version = found(selectors.version_get(request.user, pk))
    require_perm(request.user, "assessments.manage_instrument", version.instrument)
    try:
        change(version=version, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message % {"number": version.number})
    return redirect("assessments:instrument_detail", pk=version.instrument_id)


@not_audited(reason="assessment instruments; no person data")
@login_required
@require_POST
def version_publish(request, pk):
    return _change_status(request, pk, services.version_publish,
                          _("Version %(number)s is published: from now on it is the one filled in."))


@not_audited(reason="assessment instruments; no person data")
@login_required
@require_POST
def version_retire(request, pk):
    return _change_status(request, pk, services.version_retire,
                          _("Version %(number)s is retired. The answers already given keep it."))

