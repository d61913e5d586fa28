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
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from pua.network.access import grants_for
from pua.network.models import AccessPoint, Role

from .models import Person

PERSON_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR})
IDENTITY_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT})
SCREENING_FLAG_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT})
SPECIAL_CATEGORY_ROLES = SCREENING_FLAG_ROLES


def _access_point_id(obj) -> int | None:
    if isinstance(obj, Person):
        return obj.access_point_id
    if isinstance(obj, AccessPoint):
        return obj.pk
    return None


@rules.predicate
def works_with_person(user, obj) -> bool:
    ap = _access_point_id(obj)
    return ap is not None and grants_for(user).has_role_at(PERSON_ROLES, {ap})


@rules.predicate
def may_register_person(user, access_point=None) -> bool:
    """``access_point``: where the person is registered; None asks "anywhere"."""
    if access_point is None:
        return grants_for(user).has_role(PERSON_ROLES)
    return works_with_person(user, access_point)


@rules.predicate
def sees_person_identity(user, obj) -> bool:
    ap = _access_point_id(obj)
    return ap is not None and grants_for(user).has_role_at(IDENTITY_ROLES, {ap})


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
rules.add_perm("people.change_person", works_with_person)
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


def visible_persons(user) -> QuerySet[Person]:
    return Person.objects.filter(access_point_id__in=person_access_point_ids(user))
