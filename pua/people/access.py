"""Who may see and edit people.

A person belongs to the access point that registered them. Operators who
work with people there (director, social and labour experts, outreach
operators) see and edit the record, shown by its case number; the real
names, aliases and tax code ("identity") are for the director and the two
experts only. Partner operators, board members, regional coordinators and
technical administrators see no person at all (for now: sharing with the
follow-up group of a case comes with cases).

The screening flag
    The risk flag drawn from the exploitation screening (``Person.screening_flag``,
    ``Case.screening_flag``) tells the outcome of that screening, so it is for
    the roles that read the screening's outcome at the person's access point:
    the director and the two experts (the shipped screening's read roles).
    One rule for pages and lists, decided per access point, never per row.

Special categories
    Target groups (disability, addiction, victim of trafficking, former
    detainee…), legal status and residence permit are special-category and
    judicial data (GDPR articles 9 and 10). They are for the case team of the
    person's access point only: the director and the two experts, the same
    roles that read the screening flag (``people.view_special_categories``).
    Outreach operators see the rest of the profile; partner operators see the
    shared view only. The fields each audience gets are listed once, in
    ``pua.people.fields``.

Restriction of processing (GDPR art. 18)
    While a director has restricted a person's processing
    (``Person.restricted_at``), the record is seen only by the directors of
    its access point (everyone else gets the 404 of an invisible record) and
    changed by nobody: ``is_frozen`` is false for every change permission,
    here and in ``pua.cases.access``. An erased person is frozen too.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pua.network.access import grants_for
from pua.network.models import AccessPoint, Role

from .models import Person

PERSON_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR})
RESTRICTED_ROLES = frozenset({Role.DIRECTOR})
IDENTITY_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT})
SCREENING_FLAG_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT})
SPECIAL_CATEGORY_ROLES = SCREENING_FLAG_ROLES


def _access_point_id(obj) -> int | None:
    if isinstance(obj, Person):
        return obj.access_point_id
    if isinstance(obj, AccessPoint):
        return obj.pk
    return None


def may_see_restricted(user, person: Person) -> bool:
    """A restricted person is seen only by the directors of their access point."""
    return grants_for(user).has_role_at(RESTRICTED_ROLES, {person.access_point_id})


def _hidden_by_restriction(user, obj) -> bool:
    return isinstance(obj, Person) and obj.restricted_at is not None and not may_see_restricted(user, obj)


@rules.predicate
def is_frozen(user, obj) -> bool:
    """The person is restricted or erased: nothing of theirs may change."""
    return isinstance(obj, Person) and (obj.restricted_at is not None or obj.erased_at is not None)


@rules.predicate
def works_with_person(user, obj) -> bool:
    ap = _access_point_id(obj)
    if ap is None or _hidden_by_restriction(user, obj):
        return False
    return grants_for(user).has_role_at(PERSON_ROLES, {ap})


@rules.predicate
def may_register_person(user, access_point=None) -> bool:
    """``access_point``: where the person is registered; None asks "anywhere"."""
    if access_point is None:
        return grants_for(user).has_role(PERSON_ROLES)
    return works_with_person(user, access_point)


@rules.predicate
def sees_person_identity(user, obj) -> bool:
    ap = _access_point_id(obj)
    if ap is None or _hidden_by_restriction(user, obj):
        return False
    return grants_for(user).has_role_at(IDENTITY_ROLES, {ap})


@rules.predicate
def sees_screening_flag(user, obj) -> bool:
    ap = _access_point_id(obj)
    return ap is not None and grants_for(user).has_role_at(SCREENING_FLAG_ROLES, {ap})


@rules.predicate
def sees_special_categories(user, obj) -> bool:
    ap = _access_point_id(obj)
    return ap is not None and grants_for(user).has_role_at(SPECIAL_CATEGORY_ROLES, {ap})


rules.add_perm("people.view_person", works_with_person)
rules.add_perm("people.add_person", may_register_person)
rules.add_perm("people.change_person", works_with_person & ~is_frozen)
rules.add_perm("people.view_person_identity", sees_person_identity)
rules.add_perm("people.view_screening_flag", sees_screening_flag)
rules.add_perm("people.view_special_categories", sees_special_categories)


def person_access_point_ids(user, *, identity: bool = False) -> set[int]:
    return grants_for(user).access_point_ids(IDENTITY_ROLES if identity else PERSON_ROLES)


def screening_flag_access_point_ids(user) -> set[int]:
    """Where ``user`` sees the screening flag (``people.view_screening_flag``), for lists."""
    return grants_for(user).access_point_ids(SCREENING_FLAG_ROLES)


def special_category_access_point_ids(user) -> set[int]:
    """Where ``user`` sees special-category data (``people.view_special_categories``), for lists."""
    return grants_for(user).access_point_ids(SPECIAL_CATEGORY_ROLES)


def restriction_condition(user, person_ref: str = "") -> Q:
    """Rows whose person (through ``person_ref``, e.g. ``"person__"``) is not
    restricted, or is restricted at an access point ``user`` directs."""
    directed = grants_for(user).access_point_ids(RESTRICTED_ROLES)
    return Q(**{f"{person_ref}restricted_at__isnull": True}) | Q(**{f"{person_ref}access_point_id__in": directed})


def visible_persons(user) -> QuerySet[Person]:
    return Person.objects.filter(access_point_id__in=person_access_point_ids(user)).filter(
        restriction_condition(user))
