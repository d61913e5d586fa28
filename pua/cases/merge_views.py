"""Merging duplicate records (directors): find the other record, compare
both side by side, choose the one to keep, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pua.core.audit import audit_read
from pua.core.audited import audit_shown, audited
from pua.core.search_terms import search_data
from pua.core.shortcuts import found, require_perm, show_errors
from pua.people.access import visible_persons
from pua.people.forms import country_name

from . import merge_selectors as selectors
from . import merge_services as services
from .merge_forms import MergeForm, MergeSearchForm


def person_page(person) -> str:
    return reverse("cases:person_journey", args=[person.pk])


def _other(request, person):
    value = request.POST.get("other") or request.GET.get("other")
    if not value:
        return None
    if not str(value).isdigit() or int(value) == person.pk:
        raise Http404
    return found(selectors.person_for_comparison(selectors.directed_persons(request.user), value))


@audited
@login_required
def person_merge(request, pk):
    user = request.user
    person = found(selectors.person_for_comparison(visible_persons(user), pk))
    require_perm(user, "cases.merge_person", person)
    if person.merged_into_id:
        return render(request, "cases/merge_person.html", {"person": person, "back_url": person_page(person)})
    other = _other(request, person)
    if other is None:
        data, moved = search_data(request, ("q",))
        if moved:
            return moved
        search = MergeSearchForm(data)
        q = search.cleaned_data.get("q", "") if search.is_valid() else ""
        candidates = selectors.merge_candidates(user, person, q=q)
        audit_shown(request, {"people.person": [record for record, _score, _reasons in candidates]}, obj=person, q=q)
        return render(request, "cases/merge_person.html", {
            "person": person, "search": search, "q": q, "back_url": person_page(person),
            "candidates": candidates,
        })

    form = MergeForm(request.POST or None, person=person, other=other, initial={"keep": person.pk})
    if request.method == "POST" and form.is_valid():
        keep, merge = (person, other) if form.cleaned_data["keep"] == person.pk else (other, person)
        try:
            services.person_merge(keep=keep, merge=merge, by=user, request=request)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Record %(merged)s was merged into %(kept)s.")
                             % {"merged": merge.case_number, "kept": keep.case_number})
            return redirect(person_page(keep))
    for record in (person, other):
        audit_read(actor=user, obj=record, request=request)
    return render(request, "cases/merge_person.html", {
        "person": person, "other": other, "form": form, "back_url": person_page(person),
        "records": [_display(record) for record in (person, other)],
    })


def _display(person) -> dict:
    return {
        "person": person,
        "birth_country": country_name(person.birth_country) if person.birth_country else "",
        "citizenships": [country_name(c.country) for c in person.citizenships.all()],
    }
