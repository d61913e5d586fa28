"""Reads for merging duplicate records: the records a director may merge,
the likely duplicates of one, and both records side by side."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from pua.people import selectors as people_selectors
from pua.people.duplicates import find_duplicates
from pua.people.models import Person, PersonLanguage

from . import access

SEARCH_SIZE = 20


def directed_persons(user) -> QuerySet[Person]:
    """Active (not merged) records at the access points the user directs."""
    return Person.objects.filter(access_point_id__in=access.journey_access_point_ids(user, access.DIRECTOR_ROLES),
                                 merged_into__isnull=True)


def merge_candidates(user, person: Person, *, q: str = "") -> list[tuple[Person, float | None, list[str]]]:
    """Records ``person`` may be merged with: those matching the search ``q``,
    or else the likely duplicates, best first, as ``(person, score, reasons)``."""
    others = directed_persons(user).exclude(pk=person.pk)
    if q.strip():
        found = people_selectors.person_list(user, q=q).filter(pk__in=others.values("pk"))
        return [(p, None, []) for p in found.select_related("access_point")[:SEARCH_SIZE]]
    candidate = {
        "first_name": person.first_name, "last_name": person.last_name, "birth_date": person.birth_date,
        "birth_year": person.birth_year, "tax_code": person.tax_code,
        "aliases": [a.alias for a in person.aliases.all()],
        "citizenships": [c.country for c in person.citizenships.all()],
    }
    return find_duplicates(candidate, others.select_related("access_point"))[:SEARCH_SIZE]


def person_for_comparison(queryset: QuerySet[Person], pk) -> Person | None:
    """One record with everything the side-by-side page shows, and its counts."""
    return (
        queryset.filter(pk=pk)
        .select_related("access_point", "residence_municipality", "domicile_municipality", "merged_into")
        .prefetch_related("aliases", "citizenships", "target_groups", "permits",
                          Prefetch("languages", queryset=PersonLanguage.objects.select_related("language")))
        .annotate(
            case_count=Count("cases", distinct=True),
            contact_count=Count("contacts", distinct=True),
            referral_count=Count("referrals", distinct=True),
            document_count=Count("documents", distinct=True),
            consent_count=Count("consents", distinct=True),
        )
        .first()
    )
