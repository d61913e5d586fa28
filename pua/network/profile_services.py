"""Writes on organisation profiles: the local service catalogue, sites,
contact persons, network links and offerings.

Each function is the one way to make its change — the HTML views and the API
call the same one — and each writes its audit entry. Authorization is the
caller's (``user.has_perm`` in the view); these functions check that the data
holds together (a service of the right level, a site of the same
organisation, territories within reach).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import access, geo
from .models import ContactPerson, NetworkLink, NetworkRelation, Offering, Organisation, Service, ServiceLevel, Site
from .profile_selectors import service_by_code
from .reference.catalogue import sort_key as catalogue_sort_key
from .search_text import search_text

PROFILE_FIELDS = ["legal_form", "sector", "description"]
SITE_FIELDS = ["name", "address", "municipality", "latitude", "longitude", "phone"]
CONTACT_PERSON_FIELDS = ["name", "role", "phone", "email"]
NETWORK_LINK_FIELDS = [
    "relation", "role", "contributes_awareness", "contributes_outreach", "contributes_promotion",
    "contributes_services", "since",
]
OFFERING_FIELDS = [
    "service", "site", "description", "opening_hours", "capacity", "availability", "documents_required",
    "legal_status", "cost", "cost_notes", "referral_phone", "referral_email", "referral_url", "referral_notes",
]
SERVICE_FIELDS = ["code", "programme", "parent", "level", "label_it", "label_en", "description", "for_persons",
                  "is_local", "retired_at"]

LOCAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _pks(objects) -> list[int]:
    return sorted(o.pk for o in objects)


# --- the catalogue ---------------------------------------------------------------------------

def _local_sort_key(code: str, parent: Service) -> str:
    """Under its area in the tree: ``F2.4.z`` sorts as the shared codes do;
    any other code goes after the area's shared services."""
    if code.upper().startswith(f"{parent.code.upper()}."):
        key = catalogue_sort_key(code)
    else:
        key = f"{parent.sort_key}.~{code.lower()}"
    return key[:60]


@transaction.atomic
def service_create(*, by, programme, parent: Service, code: str, label_it: str, label_en: str,
                   for_persons: bool = True, description: str = "", request=None) -> Service:
    """A local catalogue entry of ``programme``: a service under one of the
    catalogue's areas. Its code must be new to the programme and must not
    be a code (or an earlier code) of the shared catalogue."""
    code = (code or "").strip()
    errors = {}
    if not LOCAL_CODE.match(code):
        errors["code"] = _("Use letters, digits, dots, hyphens and underscores only.")
    elif service_by_code(code, programme_id=programme.pk) is not None:
        errors["code"] = _("This code is already in the catalogue.")
    if parent.level != ServiceLevel.AREA or parent.retired_at is not None or parent.programme_id not in (
        None, programme.pk
    ):
        errors["parent"] = _("Choose an active area of the catalogue.")
    if errors:
        raise ValidationError(errors)
    service = Service(
        code=code, programme=programme, parent=parent, level=ServiceLevel.SERVICE, label_it=label_it,
        label_en=label_en, description=description, for_persons=for_persons, is_local=True,
        sort_key=_local_sort_key(code, parent), search_text=search_text(label_it, label_en),
    )
    service.full_clean()
    service.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=service, request=request,
                 changes=diff({}, snapshot(service, SERVICE_FIELDS)))
    return service


@transaction.atomic
def service_retire(*, service: Service, by, request=None, expected_version: int | None = None) -> Service:
    """Catalogue entries are never deleted — history and indicators use their
    codes — they are retired: no new offering or record may use them."""
    if service.retired_at is None:
        service.retired_at = timezone.now()
        claim(service, expected_version)
        service.save(update_fields=["retired_at"])
        audit_change(action=AuditAction.UPDATE, actor=by, obj=service, request=request,
                     changes={"retired_at": [None, service.retired_at.isoformat()]})
    return service


@transaction.atomic
def service_reactivate(*, service: Service, by, request=None, expected_version: int | None = None) -> Service:
    if service.retired_at is not None:
        before = service.retired_at.isoformat()
        service.retired_at = None
        claim(service, expected_version)
        service.save(update_fields=["retired_at"])
        audit_change(action=AuditAction.UPDATE, actor=by, obj=service, request=request,
                     changes={"retired_at": [before, None]})
    return service


# --- the organisation's profile --------------------------------------------------------------

@transaction.atomic
def organisation_profile_update(*, organisation: Organisation, by, territories=None, languages=None, request=None,
                                expected_version: int | None = None, **values) -> Organisation:
    """Legal form, sector, description, territories covered and languages.
    Territories added or removed must be ones the editor works in."""
    before = snapshot_stored(organisation, PROFILE_FIELDS)
    before["territories"] = sorted(organisation.territories.values_list("id", flat=True))
    before["languages"] = sorted(organisation.languages.values_list("id", flat=True))
    after = dict(before)
    for name, value in values.items():
        if name in PROFILE_FIELDS:
            setattr(organisation, name, value)
    organisation.full_clean()
    claim(organisation, expected_version)
    organisation.save()
    after.update(snapshot(organisation, PROFILE_FIELDS))
    if territories is not None:
        wanted = {t.pk for t in territories}
        changed = wanted ^ set(before["territories"])
        reachable = set(access.visible_territories(by).filter(pk__in=changed).values_list("id", flat=True))
        if changed - reachable:
            raise ValidationError({"territories": _("You cannot change territories you do not work in.")})
        organisation.territories.set(wanted)
        after["territories"] = sorted(wanted)
    if languages is not None:
        organisation.languages.set(languages)
        after["languages"] = _pks(languages)
    changes = diff(before, after)
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=organisation, changes=changes, request=request)
    return organisation


# --- sites -----------------------------------------------------------------------------------

def _check_coordinates(site: Site) -> None:
    if (site.latitude is None) != (site.longitude is None):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    if site.latitude is not None and not (-90 <= site.latitude <= 90 and -180 <= site.longitude <= 180):
        raise ValidationError({"latitude": _("These are not valid coordinates.")})


def _relocate_offerings(site: Site) -> None:
    """Offerings keep the point they are delivered at: move them with their site."""
    offerings = list(site.offerings.select_related("organisation__municipality"))
    for offering in offerings:
        offering.latitude, offering.longitude, offering.municipality = geo.offering_point(
            site=site, organisation=offering.organisation
        )
    Offering.objects.bulk_update(offerings, ["latitude", "longitude", "municipality"])


@transaction.atomic
def site_create(*, organisation: Organisation, by, request=None, **values) -> Site:
    site = Site(organisation=organisation, **{k: v for k, v in values.items() if k in SITE_FIELDS})
    _check_coordinates(site)
    site.full_clean()
    site.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=site, request=request,
                 changes=diff({}, snapshot(site, ["organisation", *SITE_FIELDS])))
    return site


@transaction.atomic
def site_update(*, site: Site, by, request=None, expected_version: int | None = None, **values) -> Site:
    before = snapshot_stored(site, SITE_FIELDS)
    for name, value in values.items():
        if name in SITE_FIELDS:
            setattr(site, name, value)
    _check_coordinates(site)
    site.full_clean()
    claim(site, expected_version)
    site.save()
    changes = diff(before, snapshot(site, SITE_FIELDS))
    if changes:
        if {"municipality", "latitude", "longitude"} & set(changes):
            _relocate_offerings(site)
        audit_change(action=AuditAction.UPDATE, actor=by, obj=site, changes=changes, request=request)
    return site


@transaction.atomic
def site_delete(*, site: Site, by, request=None) -> None:
    """Only a site no offering refers to may go."""
    if Offering.objects.filter(site=site).exists():
        raise ValidationError(_("This site has offerings: move or deactivate them first."), code="site_in_use")
    audit_change(action=AuditAction.DELETE, actor=by, obj=site, request=request,
                 changes=diff(snapshot(site, ["organisation", *SITE_FIELDS]), {}))
    site.delete()


# --- contact persons -------------------------------------------------------------------------

@transaction.atomic
def contact_person_create(*, organisation: Organisation, by, request=None, **values) -> ContactPerson:
    person = ContactPerson(organisation=organisation,
                           **{k: v for k, v in values.items() if k in CONTACT_PERSON_FIELDS})
    person.full_clean()
    person.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=person, request=request,
                 changes=diff({}, snapshot(person, ["organisation", *CONTACT_PERSON_FIELDS])))
    return person


@transaction.atomic
def contact_person_update(*, contact_person: ContactPerson, by, request=None, expected_version: int | None = None,
                          **values) -> ContactPerson:
    before = snapshot_stored(contact_person, CONTACT_PERSON_FIELDS)
    for name, value in values.items():
        if name in CONTACT_PERSON_FIELDS:
            setattr(contact_person, name, value)
    contact_person.full_clean()
    claim(contact_person, expected_version)
    contact_person.save()
    changes = diff(before, snapshot(contact_person, CONTACT_PERSON_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=contact_person, changes=changes, request=request)
    return contact_person


@transaction.atomic
def contact_person_delete(*, contact_person: ContactPerson, by, request=None) -> None:
    audit_change(action=AuditAction.DELETE, actor=by, obj=contact_person, request=request,
                 changes=diff(snapshot(contact_person, ["organisation", *CONTACT_PERSON_FIELDS]), {}))
    contact_person.delete()


# --- network links ---------------------------------------------------------------------------

@transaction.atomic
def network_link_update(*, link: NetworkLink, by, request=None, expected_version: int | None = None,
                        **values) -> NetworkLink:
    """How an organisation takes part in one access point's network: a formal
    partner with its role or contract, or the informal network with what it
    contributes."""
    before = snapshot_stored(link, NETWORK_LINK_FIELDS)
    for name, value in values.items():
        if name in NETWORK_LINK_FIELDS:
            setattr(link, name, value)
    if link.relation == NetworkRelation.FORMAL_PARTNER and not link.role.strip():
        raise ValidationError({"role": _("Describe the role or contract of a formal partner.")})
    link.full_clean()
    claim(link, expected_version)
    link.save()
    changes = diff(before, snapshot(link, NETWORK_LINK_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=link, changes=changes, request=request)
    return link


# --- offerings -------------------------------------------------------------------------------

def _check_offering(*, organisation: Organisation, by, service: Service | None, site: Site | None,
                    current_service_id=None) -> None:
    errors = {}
    if service is not None and service.pk != current_service_id:
        usable = (
            service.level == ServiceLevel.SERVICE and service.retired_at is None
            and access.visible_services(by).filter(pk=service.pk).exists()
        )
        if not usable:
            errors["service"] = _("Choose an active service of the catalogue.")
    if site is not None and site.organisation_id != organisation.pk:
        errors["site"] = _("Choose one of the organisation's sites.")
    if errors:
        raise ValidationError(errors)


def _place(offering: Offering) -> None:
    offering.latitude, offering.longitude, offering.municipality = geo.offering_point(
        site=offering.site, organisation=offering.organisation
    )


def _offering_snapshot(offering: Offering, stored: bool = False) -> dict:
    data = (snapshot_stored if stored else snapshot)(offering, OFFERING_FIELDS + ["is_active"])
    data["target_groups"] = sorted(offering.target_groups.values_list("id", flat=True))
    data["languages"] = sorted(offering.languages.values_list("id", flat=True))
    return data


@transaction.atomic
def offering_create(*, organisation: Organisation, by, service: Service, site: Site | None = None,
                    target_groups=(), languages=(), request=None, **values) -> Offering:
    """A new offering counts as confirmed by its author, today."""
    _check_offering(organisation=organisation, by=by, service=service, site=site)
    offering = Offering(
        organisation=organisation, service=service, site=site,
        **{k: v for k, v in values.items() if k in OFFERING_FIELDS},
        last_confirmed_at=timezone.now(), last_confirmed_by=by,
    )
    offering.search_text = search_text(offering.description)
    _place(offering)
    offering.full_clean()
    offering.save()
    offering.target_groups.set(target_groups)
    offering.languages.set(languages)
    after = snapshot(offering, ["organisation", *OFFERING_FIELDS])
    after.update(target_groups=_pks(target_groups), languages=_pks(languages))
    audit_change(action=AuditAction.CREATE, actor=by, obj=offering, changes=diff({}, after), request=request)
    return offering


@transaction.atomic
def offering_update(*, offering: Offering, by, target_groups=None, languages=None, request=None,
                    expected_version: int | None = None, **values) -> Offering:
    before = _offering_snapshot(offering, stored=True)
    for name, value in values.items():
        if name in OFFERING_FIELDS:
            setattr(offering, name, value)
    _check_offering(organisation=offering.organisation, by=by, service=offering.service, site=offering.site,
                    current_service_id=before["service"])
    offering.search_text = search_text(offering.description)
    _place(offering)
    offering.full_clean()
    claim(offering, expected_version)
    offering.save()
    if target_groups is not None:
        offering.target_groups.set(target_groups)
    if languages is not None:
        offering.languages.set(languages)
    changes = diff(before, _offering_snapshot(offering))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=offering, changes=changes, request=request)
    return offering


@transaction.atomic
def offering_confirm(*, offering: Offering, by, request=None, expected_version: int | None = None) -> Offering:
    """Someone checked that the offering is still as described."""
    before = [offering.last_confirmed_at.isoformat() if offering.last_confirmed_at else None,
              offering.last_confirmed_by_id]
    offering.last_confirmed_at = timezone.now()
    offering.last_confirmed_by = by
    claim(offering, expected_version)
    offering.save(update_fields=["last_confirmed_at", "last_confirmed_by"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=offering, request=request, changes={
        "last_confirmed_at": [before[0], offering.last_confirmed_at.isoformat()],
        "last_confirmed_by": [before[1], by.pk],
    })
    return offering


@transaction.atomic
def offering_set_active(*, offering: Offering, active: bool, by, request=None,
                        expected_version: int | None = None) -> Offering:
    """Offerings are deactivated, not deleted: referrals and history point at them."""
    if offering.is_active != active:
        offering.is_active = active
        claim(offering, expected_version)
        offering.save(update_fields=["is_active"])
        audit_change(action=AuditAction.UPDATE if active else AuditAction.DELETE, actor=by, obj=offering,
                     changes={"is_active": [not active, active]}, request=request)
    return offering
