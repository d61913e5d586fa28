"""Reads on the network contact log, scoped to what the user may see.

The counts by actor type are the NAUTILUS indicator "contacts with local
businesses" (and its siblings): they are aggregated in SQL.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils import timezone

from . import access
from .models import ActorType, NetworkContact

# A follow-up is "due" when its date has passed or falls within this many days.
FOLLOW_UP_HORIZON_DAYS = 7


def follow_up_horizon(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS)


def _in_period(qs: QuerySet[NetworkContact], date_from=None, date_to=None) -> QuerySet[NetworkContact]:
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def network_contact_list(*, user, actor_type: str = "", date_from=None, date_to=None, organisation=None,
                         operator=None, follow_ups_due: bool = False) -> QuerySet[NetworkContact]:
    qs = _in_period(access.visible_network_contacts(user), date_from, date_to)
    if actor_type:
        qs = qs.filter(actor_type=actor_type)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if operator is not None:
        qs = qs.filter(operator=operator)
    if follow_ups_due:
        qs = qs.filter(next_step_due__lte=follow_up_horizon())
    qs = qs.select_related("organisation", "operator", "access_point")
    if follow_ups_due:
        return qs.order_by("next_step_due", "id")
    return qs.order_by("-date", "-id")


def network_contact_get(*, user, pk) -> NetworkContact | None:
    return (
        access.visible_network_contacts(user)
        .select_related("organisation", "operator", "access_point")
        .filter(pk=pk)
        .first()
    )


def network_contact_summary(*, user, date_from=None, date_to=None) -> dict:
    """Contacts by actor type in the period: every type, zero included."""
    rows = (
        _in_period(access.visible_network_contacts(user), date_from, date_to)
        .order_by()
        .values("actor_type")
        .annotate(count=Count("id"))
    )
    counts = {row["actor_type"]: row["count"] for row in rows}
    by_type = [{"actor_type": value, "label": label, "count": counts.get(value, 0)} for value, label in ActorType.choices]
    return {"by_actor_type": by_type, "total": sum(counts.values()), "date_from": date_from, "date_to": date_to}


def operators_with_contacts(*, user) -> QuerySet:
    """The people who logged contacts the user may see (for filters)."""
    operator_ids = access.visible_network_contacts(user).values("operator_id")
    return get_user_model().objects.filter(pk__in=operator_ids).order_by("last_name", "first_name", "username")


def follow_ups_due(*, user, limit: int = 10) -> list[NetworkContact]:
    """The user's own contacts whose next step is due (or overdue)."""
    qs = (
        access.visible_network_contacts(user)
        .filter(operator=user, next_step_due__lte=follow_up_horizon())
        .select_related("organisation")
        .order_by("next_step_due", "id")
    )
    return list(qs[:limit])
