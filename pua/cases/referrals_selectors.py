"""Reads for the referrals feature, scoped through ``access.visible_referrals``.

Staff of an access point see its referrals in full (names only where they
may see identities). A partner operator sees the referrals made to or by
their organisation and, of the person, only the case number — plus first
name, last name and phone while the person's sharing consent with the
organisation is active (``access.shared_persons``). Never the tax code, the
case's notes, documents or other partners' referrals.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from pua.network import search_selectors
from pua.network.models import Offering, Organisation

from . import access
from .models import CaseEvent, CaseEventKind, Referral, ReferralStatus

_RELATED = ("person", "case", "organisation", "service", "offering__site", "offering__municipality", "agreement",
            "access_point", "answered_by", "created_by")
_LIST_RELATED = ("person", "organisation", "service", "access_point")


def _scoped(user) -> QuerySet[Referral]:
    return access.visible_referrals(user).filter(person__merged_into__isnull=True).select_related(*_RELATED)


def referral_list(user, *, direction: str = "", status: str = "", organisation=None, q: str = "") -> QuerySet[Referral]:
    """The user's referrals, waiting ones first, then newest; ``q`` matches case numbers only.

    Only the relations a list row shows are joined: the "waiting first" order
    cannot use an index, so the database sorts every referral of the access
    point, and narrow rows keep that sort cheap at tens of thousands.
    """
    qs = access.visible_referrals(user).filter(person__merged_into__isnull=True).select_related(*_LIST_RELATED)
    if direction:
        qs = qs.filter(direction=direction)
    if status:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(person__case_number__icontains=q) | Q(case__number__icontains=q))
    waiting_first = Case(When(status=ReferralStatus.SENT, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(waiting_first=waiting_first).order_by("waiting_first", "-sent_at", "-id")


def referral_get(user, pk) -> Referral | None:
    return _scoped(user).filter(pk=pk).first()


def referrals_for_person(user, person) -> list[Referral]:
    """What the person's journey page shows of this feature, scoped to ``user``."""
    return list(_scoped(user).filter(person=person).order_by("-sent_at", "-id"))


def referrals_waiting(user, *, limit: int = 10) -> list[Referral]:
    """Referrals waiting for this user's answer, oldest first (for "My work")."""
    qs = access.answerable_referrals(user).filter(status=ReferralStatus.SENT, person__merged_into__isnull=True)
    return list(qs.select_related(*_RELATED).order_by("sent_at", "id")[:limit])


def referral_history(referral: Referral) -> list[CaseEvent]:
    """The timeline lines about this referral (one per step), oldest first."""
    if referral.case_id is None:
        return []
    return list(CaseEvent.objects.filter(
        case_id=referral.case_id, kind=CaseEventKind.REFERRAL, object_type="referral", object_id=referral.pk,
    ).select_related("actor").order_by("occurred_at", "id"))


def partner_shared_person_ids(user, person_ids) -> set[int]:
    """Of these persons, those whose identity the partner ``user`` may see now (one query)."""
    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return set()
    return set(access.shared_persons(user).filter(pk__in=ids).values_list("pk", flat=True))


def filter_organisations(user) -> QuerySet[Organisation]:
    """Organisations offered in the list filter: the ones the user's referrals name."""
    return Organisation.objects.filter(pk__in=access.visible_referrals(user).values("organisation_id")).only(
        "id", "name").order_by("name", "id")


def network_organisations(access_point_id) -> QuerySet[Organisation]:
    """Active organisations of an access point's network, for pickers."""
    return Organisation.objects.in_network_of([access_point_id]).filter(is_active=True).only("id", "name").order_by(
        "name", "id")


def offerings_for_referral(user, *, service, access_point) -> QuerySet[Offering]:
    """Directory offerings of ``service`` by organisations of the access point's
    network, nearest to the access point first (``offering_search`` ranks them)."""
    origin = search_selectors.default_origin(access_point)
    return search_selectors.offering_search(user=user, service=service, municipality=origin).filter(
        organisation__in=Organisation.objects.in_network_of([access_point.pk]))
