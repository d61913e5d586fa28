"""Reads on agreements, scoped to what the user may see.

An agreement's *state* is derived, never stored: a terminated agreement is
"terminated"; otherwise one whose ``valid_until`` has passed is "expired"; an
agreement in force ending within ``AGREEMENT_EXPIRY_ALERT_DAYS`` (60 unless
set) is "expiring"; anything else keeps its status (draft, active). The state
is computed by the database (``with_state``) so lists can filter on it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Agreement, AgreementStatus, Organisation, Service

DEFAULT_EXPIRY_ALERT_DAYS = 60
EXPIRED = "expired"
EXPIRING = "expiring"
STATE_CHOICES = [
    (AgreementStatus.DRAFT.value, AgreementStatus.DRAFT.label),
    (AgreementStatus.ACTIVE.value, AgreementStatus.ACTIVE.label),
    (EXPIRING, _("Expiring soon")),
    (EXPIRED, _("Expired")),
    (AgreementStatus.TERMINATED.value, AgreementStatus.TERMINATED.label),
]
STATE_LABELS = dict(STATE_CHOICES)


def expiry_alert_days() -> int:
    return getattr(settings, "AGREEMENT_EXPIRY_ALERT_DAYS", DEFAULT_EXPIRY_ALERT_DAYS)


def with_state(queryset: QuerySet[Agreement], *, today: datetime.date | None = None) -> QuerySet[Agreement]:
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=expiry_alert_days())
    return queryset.annotate(state=Case(
        When(status=AgreementStatus.TERMINATED, then=Value(AgreementStatus.TERMINATED.value)),
        When(valid_until__lt=today, then=Value(EXPIRED)),
        When(status=AgreementStatus.ACTIVE, valid_until__lte=horizon, then=Value(EXPIRING)),
        default="status",
        output_field=CharField(),
    ))


def _for_display(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return with_state(queryset).select_related("access_point").prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.only("id", "name").order_by("name")),
    )


def agreement_list(*, user, kind: str = "", state: str = "", party=None, expiring: bool = False,
                   search: str = "") -> QuerySet[Agreement]:
    qs = _for_display(access.visible_agreements(user))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if expiring:
        qs = qs.filter(state=EXPIRING)
    if party is not None:
        qs = qs.filter(parties=party)
    if search:
        qs = qs.filter(Q(subject__icontains=search) | Q(notes__icontains=search))
    return qs.order_by("valid_until", "id")


def agreement_get(*, user, pk) -> Agreement | None:
    return (
        _for_display(access.visible_agreements(user))
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("sort_key")))
        .filter(pk=pk)
        .first()
    )


def agreements_expiring(*, user, limit: int = 10) -> list[Agreement]:
    """Agreements in force ending within the alert window, soonest first."""
    qs = with_state(access.visible_agreements(user)).filter(state=EXPIRING).select_related("access_point")
    return list(qs.order_by("valid_until", "id")[:limit])
