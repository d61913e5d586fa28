"""The results page of the header's search: cases, persons and
organisations, the first few of each with a link to the list holding them all.

A search that shows cases or persons is recorded in the audit trail as a
READ, with the ids of the records shown and never the query: what someone
typed may be a name. For the same reason the query never travels in the URL:
the form posts it, and the page it redirects to names it by an opaque key
(``pua.core.search_terms``); so do the links to the full lists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from pua.core.audit import audit_record
from pua.core.audited import audited
from pua.core.models import AuditAction
from pua.core.search_terms import search_data, url_with_terms

from . import find_selectors as selectors
from .find_forms import FindForm
from .menu import search

# The list holding all the results of a kind.
LIST_PAGES = {
    selectors.CASES: "cases:case_list",
    selectors.PERSONS: "people:person_list",
    selectors.ORGANISATIONS: "network:organisation_list",
}


@audited
@login_required
def find(request):
    box = search(request)
    if box is None:
        raise PermissionDenied
    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    form = FindForm(data, label=box.label, placeholder=box.placeholder)
    findings = selectors.find(request.user, form.cleaned_data["q"]) if form.is_valid() else None
    if findings is not None and findings.shows_people:
        audit_record(action=AuditAction.READ, actor=request.user, request=request, changes=findings.audit_changes())
    if findings is not None:
        for group in findings.groups:
            if group.has_more and group.list_q:
                group.list_url = url_with_terms(request, reverse(LIST_PAGES[group.kind]), {"q": group.list_q})
    return render(request, "cases/find_results.html", {
        "form": form, "findings": findings, "finds_people": selectors.PERSONS in selectors.kinds_for(request.user),
    })
