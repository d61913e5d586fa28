"""HTML views of agreements: list, detail, create, edit and the signed document."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pua.core.pagination import paginate
from pua.core.shortcuts import found as _found
from pua.core.shortcuts import save_form

from . import agreements_selectors as selectors
from . import agreements_services as services
from . import documents
from .agreements_forms import AgreementFilterForm, AgreementForm


def _document_name(agreement) -> str:
    return agreement.document.name.rsplit("/", 1)[-1] if agreement.document else ""


@login_required
def agreement_list(request):
    form = AgreementFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    agreements = selectors.agreement_list(
        user=request.user,
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        party=filters.get("party"),
        expiring=filters.get("expiring", False),
    )
    context = {
        "form": form,
        "page": paginate(request, agreements),
        "can_add": services.may_create_agreement_at(request.user, request.access_point),
        "alert_days": selectors.expiry_alert_days(),
    }
    template = "network/agreements/agreement_list.html"
    if request.htmx and request.htmx.target == "agreement-results":
        template += "#results"
    return render(request, template, context)


@login_required
def agreement_detail(request, pk):
    agreement = _found(selectors.agreement_get(user=request.user, pk=pk))
    return render(request, "network/agreements/agreement_detail.html", {
        "agreement": agreement,
        "can_change": request.user.has_perm("network.change_agreement", agreement),
        "document_name": _document_name(agreement),
        "alert_days": selectors.expiry_alert_days(),
    })


@login_required
def agreement_create(request):
    if not request.user.has_perm("network.add_agreement"):
        raise PermissionDenied
    if not services.may_create_agreement_at(request.user, request.access_point):
        # A director elsewhere, working now at an access point they do not direct.
        raise PermissionDenied
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agreement = save_form(
            request, form,
            lambda data: services.agreement_create(by=request.user, access_point=request.access_point, request=request,
                **data),
            _("Agreement created."),
        )
        if agreement:
            return redirect("network:agreement_detail", pk=agreement.pk)
    return render(request, "network/agreements/agreement_form.html", {"form": form})


@login_required
def agreement_edit(request, pk):
    agreement = _found(selectors.agreement_get(user=request.user, pk=pk))
    if not request.user.has_perm("network.change_agreement", agreement):
        raise PermissionDenied
    document_name = _document_name(agreement)  # as stored, whatever the post brings
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.agreement_update(agreement=agreement, by=request.user, request=request, **data),
            _("Agreement saved."),
        )
        if saved:
            return redirect("network:agreement_detail", pk=agreement.pk)
    return render(request, "network/agreements/agreement_form.html", {
        "form": form, "agreement": agreement, "document_name": document_name,
    })


@login_required
def agreement_document(request, pk):
    """The signed document, as an attachment; every download is audited."""
    agreement = _found(selectors.agreement_get(user=request.user, pk=pk))
    handle, filename = services.agreement_document_open(agreement=agreement, by=request.user, request=request)
    if handle is None:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type=documents.content_type(filename))
