"""HTML pages of the people served: list, detail (audited), registration
with a duplicate check. Names show only where the user may see identities,
the screening flag only where they may see it (``access.SCREENING_FLAG_ROLES``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from pua.core.audit import audit_read
from pua.core.audited import audit_page, audited
from pua.core.pagination import paginate
from pua.core.search_terms import search_data
from pua.core.shortcuts import require_perm, show_errors

from . import selectors, services
from .access import screening_flag_access_point_ids, special_category_access_point_ids, visible_persons
from .duplicates import find_duplicates
from .fields import SPECIAL_CATEGORIES, person_fields
from .forms import PersonFilterForm, PersonForm, country_name

PERMIT_WARNING_DAYS = 60


def _identity_by_access_point(user, persons) -> dict[int, bool]:
    """One permission check per access point, not per row."""
    decided: dict[int, bool] = {}
    for person in persons:
        if person.access_point_id not in decided:
            decided[person.access_point_id] = user.has_perm("people.view_person_identity", person.access_point)
    return decided


def _header_panels(request, person) -> list[dict]:
    """Blocks that later apps add to the header of the person's record (the
    link to the open case), named in ``settings.PERSON_HEADER_PANELS`` and
    looked up by name so that this app never imports them. Each function
    takes the request and the person and returns ``{"template": ...,
    "context": {...}}`` or None."""
    panels = []
    for path in getattr(settings, "PERSON_HEADER_PANELS", ()):
        panel = import_string(path)(request, person)
        if panel:
            panels.append(panel)
    return panels


@audited
@login_required
def person_list(request):
    # "add anywhere" is held by exactly the roles that work with people.
    require_perm(request.user, "people.add_person")
    # Names and tax codes are posted and kept in the session, never in the URL.
    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    form = PersonFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {}
    special_aps = special_category_access_point_ids(request.user)
    persons = selectors.person_list(
        request.user,
        q=filters.get("q", ""),
        legal_status=filters.get("legal_status", ""),
        employment_situation=filters.get("employment_situation", ""),
        target_group=filters.get("target_group"),
    )
    if filters.get("legal_status") or filters.get("target_group"):
        # Filtering on special-category data tells them: only where the user may see them.
        persons = persons.filter(access_point_id__in=special_aps)
    page = paginate(request, persons)
    audit_page(request, page.object_list, filters=filters, page=page)
    identity = _identity_by_access_point(request.user, page.object_list)
    rows = [(person, identity[person.access_point_id]) for person in page.object_list]
    flag_aps = screening_flag_access_point_ids(request.user)
    context = {
        "form": form, "page": page, "rows": rows, "shows_names": any(identity.values()),
        "flag_access_point_ids": flag_aps, "shows_flags": bool(flag_aps),
        "special_access_point_ids": special_aps, "shows_special_categories": bool(special_aps),
        "can_add": bool(request.access_point) and request.user.has_perm("people.add_person", request.access_point),
    }
    template = "people/person_list.html"
    if request.htmx and request.htmx.target == "person-results":
        template += "#results"
    return render(request, template, context)


@audited
@login_required
def person_detail(request, pk):
    person = selectors.person_get(request.user, pk)
    audit_read(actor=request.user, obj=person, request=request)
    permits = list(person.permits.all())
    current_permit = next((p for p in permits if p.is_current), None)
    today = timezone.localdate()
    expiring = bool(current_permit and current_permit.expires_on
                    and current_permit.expires_on <= today + datetime.timedelta(days=PERMIT_WARNING_DAYS))
    fields = person_fields(request.user, person)
    return render(request, "people/person_detail.html", {
        "person": person,
        "shows_special_categories": set(SPECIAL_CATEGORIES) <= fields,
        "shows_identity": request.user.has_perm("people.view_person_identity", person),
        "shows_flag": request.user.has_perm("people.view_screening_flag", person),
        "header_panels": _header_panels(request, person),
        "birth_country": country_name(person.birth_country) if person.birth_country else "",
        "citizenships": [country_name(c.country) for c in person.citizenships.all()],
        "current_permit": current_permit,
        "permit_expiring": expiring,
        "permit_expired": bool(expiring and current_permit.expires_on < today),
    })


def _candidates(user, candidates):
    return [
        {"person": person, "score": score, "reasons": reasons,
         "shows_identity": user.has_perm("people.view_person_identity", person)}
        for person, score, reasons in candidates
    ]


@audited
@login_required
def person_create(request):
    user = request.user
    require_perm(user, "people.add_person")
    access_point = request.access_point
    if access_point is None or not user.has_perm("people.add_person", access_point):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm_new") != "1":
            candidates = _candidates(user, find_duplicates(form.duplicate_candidate(), visible_persons(user)))
            audit_page(request, [candidate["person"] for candidate in candidates], duplicate_check=True)
        if not candidates:
            data = dict(form.cleaned_data)
            related = {k: data.pop(k) for k in ("aliases", "citizenships", "target_groups")}
            try:
                person = services.person_create(by=user, access_point=access_point, request=request, **related, **data)
            except services.DuplicateTaxCode as conflict:
                # Registered meanwhile (or confirmed as new despite it): the
                # duplicate step shows the record, if the user may see it.
                candidates = _candidates(user, find_duplicates(form.duplicate_candidate(), visible_persons(user)))
                show_errors(form, conflict)
            except ValidationError as error:
                show_errors(form, error)
            else:
                return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {
        "form": form, "candidates": candidates, "access_point": access_point,
    })
