"""Reads of the organisation profiles: the service catalogue, sites, contact
persons, network links and offerings — already scoped to what the user may see.

Each function decides its own ``select_related``/``prefetch_related`` so that
pages and API lists run a fixed number of queries however many rows they show.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import access
from .models import (
    ContactPerson,
    Municipality,
    NetworkLink,
    Offering,
    Organisation,
    Service,
    ServiceLevel,
    Site,
)

# An offering nobody has confirmed for this long may no longer be true.
STALE_AFTER_DAYS = 180

_NAME_AND_PROVINCE = re.compile(r"^\s*(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


# --- the catalogue ---------------------------------------------------------------------------

@dataclass
class CatalogueNode:
    service: Service
    children: list[CatalogueNode] = field(default_factory=list)
    matches: bool = True


def _matches(service: Service, search: str) -> bool:
    needle = search.casefold()
    return any(needle in (value or "").casefold() for value in (service.code, service.label_it, service.label_en,
                                                                 service.aliases))


def catalogue_tree(*, user, search: str = "", include_retired: bool = False) -> list[CatalogueNode]:
    """Phases → areas → services, as nodes. With ``search``, the entries whose
    code or label contains it, with their ancestors for context (those that
    do not match themselves have ``matches=False``). One query: the catalogue
    is small, the tree is built in Python."""
    services = list(access.visible_services(user).select_related("programme").order_by("sort_key", "id"))
    if not include_retired:
        services = [s for s in services if s.retired_at is None]
    by_id = {s.pk: s for s in services}
    keep: set[int] | None = None
    if search:
        keep = set()
        for service in services:
            if _matches(service, search):
                current = service
                while current is not None and current.pk not in keep:
                    keep.add(current.pk)
                    current = by_id.get(current.parent_id)
    nodes = {s.pk: CatalogueNode(s, matches=not search or _matches(s, search))
             for s in services if keep is None or s.pk in keep}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.service.parent_id)
        if parent is not None:
            parent.children.append(node)
        elif node.service.parent_id is None or node.service.parent_id not in by_id:
            roots.append(node)
    return roots


def service_list(*, user, code: str = "", level: str = "", area: str = "", search: str = "",
                 include_retired: bool = False) -> QuerySet[Service]:
    qs = access.visible_services(user).select_related("parent", "programme")
    if not include_retired:
        qs = qs.active()
    if code:
        qs = qs.filter(code__iexact=code)
    if level:
        qs = qs.filter(level=level)
    if area:
        # "F2.4" gives the area and its services, not "F2.40".
        qs = qs.filter(Q(code__iexact=area) | Q(code__istartswith=f"{area}."))
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(label_it__icontains=search) | Q(label_en__icontains=search))
    return qs.order_by("sort_key", "id")


def service_get(*, user, pk) -> Service | None:
    return access.visible_services(user).select_related("parent", "programme").filter(pk=pk).first()


def service_by_code(code: str, *, programme_id=None) -> Service | None:
    """The catalogue entry with this code — the shared one, or ``programme_id``'s
    local one — also found by one of its earlier codes (``F2.2.b`` is ``F2.5.g``)."""
    code = (code or "").strip()
    if not code:
        return None
    candidates = Service.objects.for_programme(programme_id).select_related("parent")
    # Local entries first: a programme may renumber a shared code for itself.
    exact = sorted(candidates.filter(code__iexact=code), key=lambda s: s.programme_id is None)
    if exact:
        return exact[0]
    for service in candidates.filter(aliases__icontains=code).order_by("programme_id", "sort_key"):
        if code.casefold() in {a.strip().casefold() for a in service.aliases.split(",")}:
            return service
    return None


def area_choices(*, user, programme_id) -> QuerySet[Service]:
    """Active areas a local service of ``programme_id`` may be filed under."""
    return (
        access.visible_services(user).active().for_programme(programme_id)
        .filter(level=ServiceLevel.AREA).order_by("sort_key")
    )


def offerable_services(*, user, current: Service | None = None) -> QuerySet[Service]:
    """What an offering may be of: active services (not phases or areas) of
    the catalogue the user sees — plus the offering's current one, even retired."""
    qs = access.visible_services(user).filter(level=ServiceLevel.SERVICE, retired_at__isnull=True)
    if current is not None:
        qs = qs | Service.objects.filter(pk=current.pk)
    return qs.select_related("parent").order_by("sort_key")


def service_filter_choices(*, user) -> QuerySet[Service]:
    """Areas and services, to filter offerings by."""
    return access.visible_services(user).filter(level__in=[ServiceLevel.AREA, ServiceLevel.SERVICE]).order_by(
        "sort_key"
    )


# --- municipalities --------------------------------------------------------------------------

def municipality_resolve(text: str) -> Municipality | None:
    """The municipality named by an ISTAT code, "Name (PR)" or a name that only
    one municipality has; ``None`` if there is no such single municipality."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return Municipality.objects.filter(istat_code=text.zfill(6)).first()
    match = _NAME_AND_PROVINCE.match(text)
    if match:
        qs = Municipality.objects.filter(name__iexact=match["name"], province__iexact=match["province"])
    else:
        qs = Municipality.objects.filter(name__iexact=text)
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def municipality_search(query: str, limit: int = 20) -> list[Municipality]:
    query = (query or "").strip()
    if len(query) < 2:
        return []
    if query.isdigit():
        return list(Municipality.objects.filter(istat_code__startswith=query).order_by("istat_code")[:limit])
    return list(Municipality.objects.filter(name__istartswith=query).order_by("name", "province")[:limit])


# --- sites, contact persons, network links ---------------------------------------------------

def site_get(*, user, pk) -> Site | None:
    return (
        Site.objects.filter(organisation__in=access.visible_organisations(user))
        .select_related("organisation", "municipality")
        .prefetch_related("organisation__access_points")
        .annotate(offering_count=Count("offerings"))
        .filter(pk=pk)
        .first()
    )


def site_list(*, user, organisation_id=None) -> QuerySet[Site]:
    qs = Site.objects.filter(organisation__in=access.visible_organisations(user)).select_related("municipality")
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("organisation_id", "name", "id")


def sites_of(organisation: Organisation) -> QuerySet[Site]:
    """The organisation's sites, for a form's choices (the caller may see it)."""
    return Site.objects.filter(organisation=organisation).select_related("municipality").order_by("name")


def contact_person_list(*, user, organisation_id=None) -> QuerySet[ContactPerson]:
    qs = access.contact_persons_visible_to(user)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("organisation_id", "name", "id")


def contact_person_get(*, user, pk) -> ContactPerson | None:
    return (
        access.contact_persons_visible_to(user)
        .select_related("organisation")
        .prefetch_related("organisation__access_points")
        .filter(pk=pk)
        .first()
    )


def network_link_get(*, user, pk) -> NetworkLink | None:
    """A link the user may see: of a visible organisation, at a visible access point."""
    return (
        NetworkLink.objects.filter(organisation__in=access.visible_organisations(user),
                                   accesspoint__in=access.visible_access_points(user))
        .select_related("organisation", "accesspoint")
        .prefetch_related("organisation__access_points")
        .filter(pk=pk)
        .first()
    )


# --- offerings -------------------------------------------------------------------------------

def confirmation_age(offering: Offering, now: datetime.datetime | None = None) -> tuple[int | None, bool]:
    """``(days since last confirmed, stale?)``."""
    if offering.last_confirmed_at is None:
        return None, True
    age = (now or timezone.now()) - offering.last_confirmed_at
    # The same test as the ``stale`` filters run in SQL.
    return age.days, age > datetime.timedelta(days=STALE_AFTER_DAYS)


def with_confirmation_age(offerings) -> list[Offering]:
    """The offerings as a list, each with ``confirmed_days_ago`` and ``is_stale``."""
    now = timezone.now()
    rows = list(offerings)
    for offering in rows:
        offering.confirmed_days_ago, offering.is_stale = confirmation_age(offering, now)
    return rows


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)


def offering_list(*, user, service: Service | None = None, organisation_id=None, availability: str = "",
                  active: str = "1", search: str = "", stale: bool = False) -> QuerySet[Offering]:
    """Offerings of the organisations the user sees. ``service`` may be an area
    (its services' offerings) or a service."""
    qs = access.visible_offerings(user).select_related(
        "organisation", "service", "site__municipality", "municipality",
    )
    if service is not None:
        if service.level == ServiceLevel.SERVICE:
            qs = qs.filter(service=service)
        else:
            qs = qs.filter(Q(service__parent=service) | Q(service__parent__parent=service))
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if availability:
        qs = qs.filter(availability=availability)
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    if search:
        qs = qs.filter(
            Q(organisation__name__icontains=search) | Q(service__code__iexact=search)
            | Q(service__label_it__icontains=search) | Q(service__label_en__icontains=search)
            | Q(description__icontains=search)
        )
    if stale:
        qs = qs.filter(last_confirmed_at__lt=_stale_before())
    return qs.order_by("service__sort_key", "organisation__name", "id")


def offering_api_list(*, user) -> QuerySet[Offering]:
    return access.visible_offerings(user).select_related("service", "site", "last_confirmed_by").prefetch_related(
        "target_groups", "languages",
    ).order_by("service__sort_key", "organisation__name", "id")


def offering_get(*, user, pk) -> Offering | None:
    return (
        access.visible_offerings(user)
        .select_related("organisation", "service__parent", "site__municipality", "municipality", "last_confirmed_by")
        .prefetch_related("target_groups", "languages", "organisation__access_points")
        .filter(pk=pk)
        .first()
    )


# --- the organisation page -------------------------------------------------------------------

def organisation_profile(*, user, organisation: Organisation) -> dict:
    """Everything the organisation page shows beyond the organisation itself,
    in a fixed number of queries. Contact persons are ``None`` for users who
    may not see them; network links are limited to visible access points."""
    links = (
        NetworkLink.objects.filter(organisation=organisation,
                                   accesspoint__in=access.visible_access_points(user))
        .select_related("accesspoint").order_by("accesspoint__name")
    )
    managed = set(access.managed_access_points(user).values_list("id", flat=True))
    link_rows = [(link, link.accesspoint_id in managed) for link in links]
    can_see_contacts = user.has_perm("network.view_contactperson", organisation)
    sites = list(
        Site.objects.filter(organisation=organisation).select_related("municipality")
        .annotate(offering_count=Count("offerings")).order_by("name")
    )
    offerings = with_confirmation_age(
        Offering.objects.filter(organisation=organisation)
        .select_related("service", "site").order_by("-is_active", "service__sort_key", "id")
    )
    return {
        "sites": sites,
        "offerings": offerings,
        "contact_persons": list(organisation.contact_persons.order_by("name")) if can_see_contacts else None,
        "network_links": link_rows,
        "languages": list(organisation.languages.order_by("name_en")),
        "territories": list(organisation.territories.order_by("name")),
        "stale_after_days": STALE_AFTER_DAYS,
    }


def organisation_profile_get(*, user, pk) -> Organisation | None:
    """An organisation with what its profile resource shows, prefetched."""
    return (
        access.visible_organisations(user)
        .prefetch_related(
            "access_points", "territories", "languages",
            Prefetch("sites", queryset=Site.objects.select_related("municipality").order_by("name")),
            Prefetch("network_links",
                     queryset=NetworkLink.objects.filter(accesspoint__in=access.visible_access_points(user))
                     .select_related("accesspoint").order_by("accesspoint__name")),
        )
        .filter(pk=pk)
        .first()
    )
