"""Where can I send this person? — the offering search and the map data.

Every read starts from ``access.visible_offerings`` / ``access.visible_organisations``:
an offering of an organisation outside the user's networks never shows up,
whatever the filters. Distances and free-text relevance (``search_text``)
are computed in SQL so that ranking, paging and counting stay one query
each on PostgreSQL and SQLite.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from . import access, geo, profile_selectors, search_text
from .models import (
    Availability,
    Cost,
    Language,
    LegalStatusRequirement,
    Municipality,
    Offering,
    Organisation,
    Service,
    ServiceLevel,
    Site,
    TargetGroup,
    Territory,
)

# A person's legal status satisfies every requirement up to its own level.
LEGAL_STATUS_ORDER = [
    LegalStatusRequirement.NONE,
    LegalStatusRequirement.PERMIT_OR_APPLICATION,
    LegalStatusRequirement.VALID_PERMIT,
    LegalStatusRequirement.CITIZEN,
]
# Offerings that can still take someone, now or after a wait.
OPEN_AVAILABILITY = (Availability.AVAILABLE, Availability.LIMITED, Availability.WAITING_LIST)
# An offering nobody has confirmed for this long may be out of date (the
# same period as on the organisations' pages).
STALE_AFTER_DAYS = profile_selectors.STALE_AFTER_DAYS
# Where the free text is looked for: the offering's description, the
# catalogue service's labels, the organisation's name.
TEXT_FIELDS = ["search_text", "service__search_text", "organisation__search_text"]


def requirements_met_by(status: str) -> list[str]:
    """The offering requirements a person with legal ``status`` satisfies."""
    return [str(level) for level in LEGAL_STATUS_ORDER[: LEGAL_STATUS_ORDER.index(status) + 1]]


def search_services(*, user) -> QuerySet[Service]:
    """Areas and services a person can be sent to, in catalogue order."""
    return (
        access.visible_services(user)
        .active()
        .filter(level__in=[ServiceLevel.AREA, ServiceLevel.SERVICE], for_persons=True)
        .order_by("sort_key", "code", "id")
    )


_NAME_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)$")


def municipality_resolve(text: str) -> list[Municipality]:
    """Municipalities matching an ISTAT code, a name, or "Name (PR)".

    Returns every match, so that the caller can tell "unknown" (none) from
    "ambiguous" (several: Italy has municipalities with the same name)."""
    text = " ".join((text or "").split())
    if not text:
        return []
    if text.isdigit():
        return list(Municipality.objects.filter(istat_code=text.zfill(6)))
    match = _NAME_WITH_PROVINCE.match(text)
    if match:
        return list(Municipality.objects.filter(name__iexact=match["name"], province__iexact=match["province"]))
    return list(Municipality.objects.filter(name__iexact=text))


def default_origin(access_point) -> Municipality | None:
    """Where distances are measured from when nothing is chosen: the access
    point's municipality, else the first municipality of its territory."""
    if access_point is None:
        return None
    if access_point.municipality_id:
        return access_point.municipality
    return access_point.territory.municipalities.order_by("name", "id").first()


def _origin(point, municipality) -> tuple[float, float] | None:
    if point is not None:
        return float(point[0]), float(point[1])
    if municipality is not None and municipality.latitude is not None and municipality.longitude is not None:
        return municipality.latitude, municipality.longitude
    return None


def _service_filter(service) -> Q:
    return Q(service=service) if isinstance(service, Service) else Q(service__code=service)


def _area_filter(area) -> Q:
    """The area itself and everything under it (an area's services, or a
    phase's areas and their services)."""
    if isinstance(area, Service):
        return Q(service=area) | Q(service__parent=area) | Q(service__parent__parent=area)
    return Q(service__code=area) | Q(service__parent__code=area) | Q(service__parent__parent__code=area)


def _territory_filter(territory) -> Q:
    """Delivered in one of the territory's municipalities, or by an
    organisation that declares it covers the territory."""
    territory_id = territory.pk if isinstance(territory, Territory) else territory
    in_municipality = Territory.municipalities.through.objects.filter(
        territory_id=territory_id, municipality_id=OuterRef("municipality_id")
    )
    covering = Organisation.territories.through.objects.filter(
        territory_id=territory_id, organisation_id=OuterRef("organisation_id")
    )
    return Q(Exists(in_municipality)) | Q(Exists(covering))


def _language_filter(language) -> Q:
    links = Offering.languages.through.objects.filter(offering_id=OuterRef("pk"))
    links = links.filter(language=language) if isinstance(language, Language) else links.filter(language__code=language)
    return Q(Exists(links))


def _target_group_filter(target_group) -> Q:
    """Offerings for this group, and those open to everyone (no group set)."""
    links = Offering.target_groups.through.objects.filter(offering_id=OuterRef("pk"))
    if isinstance(target_group, TargetGroup):
        chosen = links.filter(targetgroup=target_group)
    else:
        chosen = links.filter(targetgroup__code=target_group)
    return Q(Exists(chosen)) | ~Q(Exists(links))


def offering_search(*, user, q="", service=None, area=None, municipality=None, point=None, territory=None,
                    language=None, target_group=None, legal_status=None, free_only=False,
                    available_only=False) -> QuerySet[Offering]:
    """Active offerings the user may see, filtered and ranked for a referral.

    ``q`` is free text, matched against the service's labels, the offering's
    description and the organisation's name (``search_text``);
    ``service``/``area`` are Service objects or codes; ``language`` and
    ``target_group`` objects or codes; ``territory`` a Territory or its id;
    ``legal_status`` the person's status (a ``LegalStatusRequirement`` value).

    Suspended offerings come after all the others. Then the offerings that
    match more words of ``q`` come first (then those saying them in more
    places: name, service, description); among equals, those confirmed
    within ``STALE_AFTER_DAYS`` before the stale ones; then by distance from
    ``point`` (``(lat, lon)``), else from the centre of ``municipality``,
    offerings with no known place last; then by freshness. Each row has
    ``distance_km`` (None without an origin or a place) and ``relevance``
    (how many words of ``q`` it matches; 0 without ``q``)."""
    qs = access.visible_offerings(user).active()
    terms = search_text.query_terms(q)
    if terms:
        qs = qs.filter(search_text.matches_any(terms, TEXT_FIELDS)).annotate(
            relevance=search_text.relevance(terms, TEXT_FIELDS))
    else:
        qs = qs.annotate(relevance=Value(0, output_field=IntegerField()))
    if service is not None:
        qs = qs.filter(_service_filter(service))
    if area is not None:
        qs = qs.filter(_area_filter(area))
    if territory is not None:
        qs = qs.filter(_territory_filter(territory))
    if language is not None:
        qs = qs.filter(_language_filter(language))
    if target_group is not None:
        qs = qs.filter(_target_group_filter(target_group))
    if legal_status:
        qs = qs.filter(legal_status__in=requirements_met_by(legal_status))
    if free_only:
        qs = qs.filter(cost=Cost.FREE)
    if available_only:
        qs = qs.filter(availability__in=OPEN_AVAILABILITY)

    origin = _origin(point, municipality)
    if origin is not None:
        # Guarded: PostgreSQL's GREATEST/LEAST skip NULLs, so the bare
        # expression would put an offering with no place at 0 km.
        distance = Case(
            When(latitude__isnull=False, longitude__isnull=False, then=geo.distance_km_expression(*origin)),
            default=Value(None, output_field=FloatField()), output_field=FloatField(),
        )
        qs = qs.annotate(distance_km=distance)
        by_distance = [F("distance_km").asc(nulls_last=True)]
    else:
        qs = qs.annotate(distance_km=Value(None, output_field=FloatField()))
        by_distance = []
    suspended_last = Case(When(availability=Availability.SUSPENDED, then=Value(1)), default=Value(0),
                          output_field=IntegerField())
    stale_last = Case(When(last_confirmed_at__lt=timezone.now() - timedelta(days=STALE_AFTER_DAYS), then=Value(1)),
                      default=Value(0), output_field=IntegerField())
    by_relevance = ([F("relevance").desc(), search_text.field_hits(terms, TEXT_FIELDS).desc()]
                    if terms else [])
    qs = qs.order_by(suspended_last.asc(), *by_relevance, stale_last.asc(), *by_distance,
                     F("last_confirmed_at").desc(), "id")
    return qs.select_related("organisation", "service", "site", "municipality").prefetch_related(
        "languages", "target_groups"
    )


def mark_freshness(offerings, *, now=None) -> None:
    """Set ``confirmed_days_ago``, ``is_stale`` and ``is_suspended`` on
    already loaded offerings (a page of results), for display."""
    now = now or timezone.now()
    for offering in offerings:
        offering.confirmed_days_ago = max((now - offering.last_confirmed_at).days, 0)
        offering.is_stale = now - offering.last_confirmed_at > timedelta(days=STALE_AFTER_DAYS)
        offering.is_suspended = offering.availability == Availability.SUSPENDED


# --- organisations on the map -------------------------------------------------------------

def organisation_map(*, user, kind: str = "", access_point=None) -> QuerySet[Organisation]:
    """Active organisations the user may see, with what is needed to place
    them (``organisation_location``) in a fixed number of queries."""
    qs = access.visible_organisations(user).filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if access_point is not None:
        qs = qs.in_network_of([access_point.pk if hasattr(access_point, "pk") else access_point])
    sites = Site.objects.select_related("municipality").order_by("name", "id")
    return qs.select_related("municipality").prefetch_related(Prefetch("sites", queryset=sites)).order_by("name", "id")


def organisation_location(organisation) -> tuple[float | None, float | None, Municipality | None, str]:
    """``(latitude, longitude, municipality, address)`` of an organisation from
    ``organisation_map``: its first site's point, else its municipality's."""
    sites = list(organisation.sites.all())
    site = sites[0] if sites else None
    latitude, longitude, municipality = geo.offering_point(site=site, organisation=organisation)
    address = (site.address if site is not None else "") or organisation.address
    return latitude, longitude, municipality or organisation.municipality, address
