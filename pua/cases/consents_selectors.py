"""Reads for privacy notices and consents, scoped through ``pua.cases.access``."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pua.network.access import visible_organisations
from pua.network.models import Organisation

from .access import visible_consents, visible_privacy_notices
from .models import Consent, PrivacyNotice, PrivacyNoticeDelivery


def consents_for_person(user, person) -> list[Consent]:
    """The person's consents the user may see: active ones first, then the
    withdrawn ones (kept as history), newest first within each."""
    qs = (
        visible_consents(user).filter(person=person)
        .select_related("organisation", "notice", "notice__language", "recorded_by", "withdrawn_by")
    )
    return sorted(qs, key=lambda c: (c.withdrawn_at is not None, -c.given_at.timestamp(), -c.pk))


def notices_given_to_person(user, person) -> list[PrivacyNoticeDelivery]:
    """Which privacy notices the person received, newest first."""
    return list(
        PrivacyNoticeDelivery.objects.filter(person=person, notice__in=visible_privacy_notices(user))
        .select_related("notice", "notice__language", "given_by")
        .order_by("-given_on", "-id")
    )


def consent_get(user, pk) -> Consent | None:
    return visible_consents(user).select_related("person", "organisation").filter(pk=pk).first()


def privacy_notice_list(user, access_point) -> QuerySet[PrivacyNotice]:
    """The notices of one access point, with how many times each was given."""
    return (
        visible_privacy_notices(user).filter(access_point=access_point)
        .select_related("language")
        .annotate(times_given=Count("deliveries"))
        .order_by("-is_active", "-valid_from", "version", "language__name_en")
    )


def privacy_notice_get(user, pk) -> PrivacyNotice | None:
    return visible_privacy_notices(user).select_related("access_point", "language").filter(pk=pk).first()


def active_notices(access_point) -> QuerySet[PrivacyNotice]:
    """The notices that can be given (or named in a consent) at ``access_point``."""
    return (PrivacyNotice.objects.filter(access_point=access_point, is_active=True)
            .select_related("language").order_by("-valid_from", "version"))


def sharing_organisations(user, person) -> QuerySet[Organisation]:
    """Organisations a sharing consent may name: active, in the network of the person's access point."""
    return (visible_organisations(user).filter(access_points=person.access_point_id, is_active=True)
            .distinct().order_by("name"))
