"""Documents of a person: upload, the person's list, and the audited download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pua.core.audit import audit_read
from pua.core.audited import audit_shown, audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form
from pua.people.access import visible_persons

from . import access
from . import documents_selectors as selectors
from . import documents_services as services
from .documents_forms import DocumentUploadForm


def _visible(queryset, value):
    if not value or not str(value).isdigit():
        raise Http404
    return found(queryset.filter(pk=value).first())


def _target(request):
    """The person, case and referral named in the query string, each visible to the user."""
    user, params = request.user, request.GET
    case = referral = person = None
    if params.get("case"):
        case = _visible(access.visible_cases(user).select_related("person"), params["case"])
    if params.get("referral"):
        referral = _visible(access.visible_referrals(user).select_related("person", "case"), params["referral"])
    if params.get("person"):
        person = _visible(visible_persons(user), params["person"])
    person = person or (case.person if case else None) or (referral.person if referral else None)
    if person is None:
        raise Http404
    if (case and case.person_id != person.pk) or (referral and referral.person_id != person.pk):
        raise Http404
    return person, case, referral


def _back_url(person, case, referral) -> str:
    """Where the upload started: the referral, the case or the person's journey."""
    if referral is not None:
        return reverse("cases:referral_detail", args=[referral.pk])
    if case is not None:
        return reverse("cases:case_detail", args=[case.pk])
    return reverse("cases:person_journey", args=[person.pk])


@audited
@login_required
def document_upload(request):
    person, case, referral = _target(request)
    require_perm(request.user, "cases.add_document", person)
    audit_read(actor=request.user, obj=person, request=request)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = save_form(
            request, form,
            lambda data: services.document_upload(person=person, file=data["file"], kind=data["kind"],
                                                   title=data["title"], by=request.user, case=case, referral=referral),
            _("Document saved."),
        )
        if document:
            return redirect(_back_url(person, case, referral))
    return render(request, "cases/document_upload.html", {
        "form": form, "person": person, "case": case, "referral": referral,
        "back_url": _back_url(person, case, referral),
    })


@audited
@login_required
def document_list(request, pk):
    person = _visible(visible_persons(request.user).select_related("access_point"), pk)
    require_perm(request.user, "cases.view_document", person)
    page = paginate(request, selectors.person_documents(request.user, person))
    audit_shown(request, {"cases.casedocument": page.object_list}, obj=person,
                page=page.number if page.number != 1 else None)
    return render(request, "cases/document_list.html", {
        "person": person,
        "page": page,
        "shows_identity": request.user.has_perm("people.view_person_identity", person),
        "can_add": not person.merged_into_id and request.user.has_perm("cases.add_document", person),
    })


@audited
@login_required
def document_download(request, pk):
    """The file as an attachment, never shown inline; every download is audited."""
    document = found(selectors.document_get(request.user, pk))
    require_perm(request.user, "cases.view_document", document)
    handle = services.document_open(document=document, by=request.user, request=request)
    if handle is None:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=services.download_name(document),
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
