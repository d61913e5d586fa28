"""Reading people. Callers that show one person audit the read
(``pua.core.audit.audit_read``); lists show case numbers, not names."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .access import person_access_point_ids, special_category_access_point_ids, visible_persons
from .identity import normalise_tax_code
from .models import Person, PersonLanguage, ResidencePermit


def person_list(
    user,
    *,
    q: str = "",
    access_point=None,
    legal_status: str = "",
    employment_situation: str = "",
    target_group=None,
    residence_municipality=None,
) -> QuerySet[Person]:
    """The user's visible persons, newest first, filtered; related rows are
    loaded in a fixed number of queries whatever the page size.

    ``q`` matches the case number everywhere, and names, aliases and the tax
    code only at access points where the user may see identities — a search
    must not reveal what the list hides.
    """
    qs = visible_persons(user).filter(merged_into__isnull=True)  # merged records are history
    if access_point is not None:
        qs = qs.filter(access_point=access_point)
    if legal_status:
        qs = qs.filter(legal_status=legal_status)
    if employment_situation:
        qs = qs.filter(employment_situation=employment_situation)
    if target_group is not None:
        qs = qs.filter(target_groups=target_group)
    if residence_municipality is not None:
        qs = qs.filter(residence_municipality=residence_municipality)
    q = (q or "").strip()
    if q:
        match = Q(case_number__iexact=q) | Q(case_number__icontains=q)
        identity_aps = person_access_point_ids(user, identity=True)
        if identity_aps:
            names = Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(aliases__alias__icontains=q)
            if len(q) == 16:
                names |= Q(tax_code=normalise_tax_code(q))
            match |= Q(access_point_id__in=identity_aps) & names
        qs = qs.filter(match).distinct()
    return qs.select_related("access_point", "residence_municipality", "domicile_municipality").prefetch_related(
        "citizenships", "target_groups", "aliases",
        Prefetch("permits", queryset=ResidencePermit.objects.filter(is_current=True)),
    ).order_by("-created_at", "-id")


def person_get(user, pk) -> Person:
    """One visible person with everything the page shows; 404 otherwise."""
    person = (
        visible_persons(user)
        .select_related("access_point", "residence_municipality", "domicile_municipality", "created_by")
        .prefetch_related(
            "aliases", "citizenships", "target_groups", "permits",
            Prefetch("languages", queryset=PersonLanguage.objects.select_related("language")),
        )
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person


def permits_expiring(user, days: int = 60, *, today: datetime.date | None = None) -> QuerySet[ResidencePermit]:
    """Current permits of visible persons that expire within ``days`` (alert list),
    where the user may see residence permits (``people.view_special_categories``)."""
    today = today or timezone.localdate()
    return (
        ResidencePermit.objects.filter(
            is_current=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=days),
            person__in=visible_persons(user),
            person__access_point_id__in=special_category_access_point_ids(user),
            person__merged_into__isnull=True,
        )
        .select_related("person", "person__access_point")
        .order_by("expires_on", "id")
    )
