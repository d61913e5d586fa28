"""Reads for first contacts, scoped through ``pua.cases.access``.

Lists show the case number of a linked person, never names; the detail and
the journey page decide about names with ``people.view_person_identity``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from pua.people.access import PERSON_ROLES
from pua.people.models import Person
from pua.people.selectors import person_list

from .access import visible_contacts
from .models import Contact

# The person picker of the link page: a short list, refined by typing.
PICKER_LIMIT = 20


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def contact_list(user, *, channel: str = "", date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None, anonymous_only: bool = False, operator=None,
                 person=None) -> QuerySet[Contact]:
    """The user's visible contacts, newest first; dates are local days, both ends included."""
    qs = visible_contacts(user)
    if channel:
        qs = qs.filter(channel=channel)
    if date_from:
        qs = qs.filter(occurred_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    if anonymous_only:
        qs = qs.filter(person__isnull=True)
    if operator is not None:
        qs = qs.filter(operator=operator)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.select_related("access_point", "person", "operator", "municipality", "language").order_by(
        "-occurred_at", "-id")


def contact_get(user, pk) -> Contact | None:
    """One visible contact with everything its page shows, or None."""
    return (
        visible_contacts(user)
        .select_related("access_point", "person", "person__access_point", "operator", "municipality", "language",
                        "created_by")
        .prefetch_related("materials_languages")
        .filter(pk=pk)
        .first()
    )


def contacts_for_person(user, person) -> list[Contact]:
    """The person's contacts the user may see, newest first (journey page)."""
    return list(
        visible_contacts(user).filter(person=person)
        .select_related("operator", "municipality", "language")
        .order_by("-occurred_at", "-id")
    )


def contact_operators(access_point, *, include_id: int | None = None) -> QuerySet:
    """Who may be named as the operator of a contact at ``access_point``
    (plus ``include_id``, the operator already recorded)."""
    User = get_user_model()
    staff = User.objects.filter(
        is_active=True, memberships__is_active=True, memberships__organisation__is_active=True,
        memberships__role__in=PERSON_ROLES, memberships__access_points=access_point,
    ).values("pk")
    condition = Q(pk__in=staff)
    if include_id is not None:
        condition |= Q(pk=include_id)
    return User.objects.filter(condition).order_by("last_name", "first_name", "username")


def operators_with_contacts(user) -> QuerySet:
    """The operators of the contacts the user may see (for the list filter)."""
    return get_user_model().objects.filter(pk__in=visible_contacts(user).values("operator_id")).order_by(
        "last_name", "first_name", "username")


def link_candidates(user, contact: Contact, q: str) -> list[Person]:
    """Persons the contact may be linked to: visible, of the contact's access
    point, not merged; ``q`` matches the case number, and names only where
    the user may see identities (``pua.people.selectors.person_list``)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = person_list(user, q=q, access_point=contact.access_point).filter(merged_into__isnull=True)
    return list(qs[:PICKER_LIMIT])
