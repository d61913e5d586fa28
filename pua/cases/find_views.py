"""The results page of the header's search: cases, persons and
organisations, the first few of each with a link to the list holding them all.

A search that shows cases or persons is recorded in the audit trail as a
READ, with the ids of the records shown and never the query: what someone
typed may be a name.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from pua.core.audit import audit_record
from pua.core.audited import audited
from pua.core.models import AuditAction

from . import find_selectors as selectors
from .find_forms import FindForm
from .menu import search


@audited
@login_required
def find(request):
    box = search(request)
    if box is None:
        raise PermissionDenied
    form = FindForm(request.GET or None, label=box.label, placeholder=box.placeholder)
    findings = selectors.find(request.user, form.cleaned_data["q"]) if form.is_valid() else None
    if findings is not None and findings.shows_people:
        audit_record(action=AuditAction.READ, actor=request.user, request=request, changes=findings.audit_changes())
    return render(request, "cases/find_results.html", {
        "form": form, "findings": findings, "finds_people": selectors.PERSONS in selectors.kinds_for(request.user),
    })
