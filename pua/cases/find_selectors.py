"""Reads for the search of the header: the cases, persons and organisations
matching one query, the first few of each kind.

A search never shows what the lists hide, because it goes through the
lists' own selectors and access rules:

- staff of an access point (``PERSON_ROLES``) find the cases and persons of
  their access points by number everywhere, and by name only where they may
  see identities (``case_selectors.case_list``, ``people.selectors.person_list``);
- partner operators find only the cases and persons shared with their
  organisation (``access.shared_cases``, ``access.shared_persons``): by
  number, and by the names the sharing lets them see;
- board members, regional coordinators and administrators find no case and
  no person: organisations only;
- everyone with a role finds the organisations of the directory they see.

A case number (``P-2026-000123/2``) also finds its person
(``P-2026-000123``). Each kind costs two queries, a count and the first
``SIZE`` rows, however many match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from pua.network import selectors as network_selectors
from pua.network.access import grants_for
from pua.people import selectors as people_selectors
from pua.people.access import PERSON_ROLES, person_access_point_ids

from . import access, case_selectors

CASES = "cases"
PERSONS = "persons"
ORGANISATIONS = "organisations"
SIZE = 10
MIN_LENGTH = 2
MAX_LENGTH = 100
# "/2" at the end of a case number: the person's number is what comes before.
_CASE_SEQUENCE = re.compile(r"/\d*$")


@dataclass
class Found:
    """One kind of result: the first rows, how many match, and the list that shows them all."""

    kind: str
    rows: list = field(default_factory=list)
    count: int = 0
    # Staff see the full records; a partner sees what is shared with them.
    shared: bool = False
    # The query that finds the same rows in the kind's list page.
    list_q: str = ""
    # That list page, with the query kept in the session (set by the view).
    list_url: str = ""

    @property
    def has_more(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class Findings:
    q: str
    groups: list[Found]

    def shown(self, kind: str) -> list:
        return next((group.rows for group in self.groups if group.kind == kind), [])

    def audit_changes(self) -> dict:
        """What the audit entry keeps of a search: which records were shown, by id. Never the query."""
        return {"search": True, "shown": {
            "cases.case": [case.pk for case, _identity in self.shown(CASES)],
            "people.person": [person.pk for person, _identity in self.shown(PERSONS)],
        }}

    @property
    def shows_people(self) -> bool:
        return bool(self.shown(CASES) or self.shown(PERSONS))


def kinds_for(user) -> list[str]:
    """What the user may search, in the order of the results page."""
    grants = grants_for(user)
    kinds = []
    if grants.has_role(PERSON_ROLES) or grants.has_role(access.PARTNER_ROLES):
        kinds += [CASES, PERSONS]
    if grants.is_admin or grants.grants:
        kinds.append(ORGANISATIONS)
    return kinds


def _first(qs: QuerySet, size: int) -> tuple[list, int]:
    """The first ``size`` rows and how many match; no count query when they all fit."""
    rows = list(qs[:size])
    return rows, (len(rows) if len(rows) < size else qs.count())


def _staff_cases(user, q: str, identity_aps: set[int], size: int) -> Found:
    rows, count = _first(case_selectors.case_list(user, q=q), size)
    return Found(CASES, [(case, case.access_point_id in identity_aps) for case in rows], count, list_q=q)


def _staff_persons(user, q: str, identity_aps: set[int], size: int) -> Found:
    # The list's related rows (citizenships, permits...) are not shown here.
    person_q = _CASE_SEQUENCE.sub("", q)
    qs = people_selectors.person_list(user, q=person_q).prefetch_related(None)
    rows, count = _first(qs, size)
    return Found(PERSONS, [(person, person.access_point_id in identity_aps) for person in rows], count,
                 list_q=person_q)


def _shared_cases(user, q: str, size: int) -> Found:
    rows, count = _first(case_selectors.shared_case_list(user, q=q), size)
    return Found(CASES, [(case, False) for case in rows], count, shared=True, list_q=q)


def _shared_persons(user, q: str, size: int) -> Found:
    """Persons shared with the partner's organisations, by number or by the names the sharing shows."""
    number = _CASE_SEQUENCE.sub("", q)
    qs = (access.shared_persons(user)
          .filter(Q(case_number__icontains=number) | Q(last_name__icontains=q) | Q(first_name__icontains=q))
          .only("id", "case_number", "first_name", "last_name", "access_point_id")
          .order_by("last_name", "first_name", "id"))
    rows, count = _first(qs, size)
    return Found(PERSONS, [(person, True) for person in rows], count, shared=True)


def _organisations(user, q: str, size: int) -> Found:
    rows, count = _first(network_selectors.organisation_list(user=user, search=q), size)
    return Found(ORGANISATIONS, rows, count, list_q=q)


def find(user, q: str, *, size: int = SIZE) -> Findings:
    """The first ``size`` matches of each kind the user may search."""
    q = (q or "").strip()
    kinds = kinds_for(user)
    groups = []
    if CASES in kinds:
        if grants_for(user).has_role(PERSON_ROLES):
            identity_aps = person_access_point_ids(user, identity=True)
            groups += [_staff_cases(user, q, identity_aps, size), _staff_persons(user, q, identity_aps, size)]
        else:
            groups += [_shared_cases(user, q, size), _shared_persons(user, q, size)]
    if ORGANISATIONS in kinds:
        groups.append(_organisations(user, q, size))
    return Findings(q=q, groups=groups)
