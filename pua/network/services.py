"""Writes on the network: organisations, access points and memberships.

Each function is the one way to make its change — views, the API and
commands all call it — and each writes its audit entry.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import geo
from .access import DIRECTOR_GRANTABLE_ROLES, NETWORK_MANAGE_ROLES, forget_grants, grants_for
from .models import AccessPoint, Membership, Offering, Organisation
from .search_text import search_text

ORGANISATION_FIELDS = [
    "name", "kind", "tax_code", "vat_number", "municipality", "address", "email", "phone", "website",
]
ACCESS_POINT_FIELDS = ["name", "address", "municipality", "email", "phone"]


def _normalise_identifiers(values: dict) -> dict:
    for key in ("tax_code", "vat_number"):
        if key in values and values[key] is not None:
            values[key] = values[key].replace(" ", "").upper()
    return values


def _check_access_points_allowed(*, by, access_points) -> None:
    """A director may only attach objects to access points they direct."""
    g = grants_for(by)
    if g.is_admin:
        return
    allowed = g.access_point_ids(NETWORK_MANAGE_ROLES)
    wrong = [ap for ap in access_points if ap.pk not in allowed]
    if wrong:
        raise ValidationError(
            {"access_points": _("You cannot act on access point %(name)s.") % {"name": wrong[0].name}}
        )


@transaction.atomic
def organisation_create(*, by, access_points, request=None, **values) -> Organisation:
    values = _normalise_identifiers(values)
    access_points = list(access_points)
    _check_access_points_allowed(by=by, access_points=access_points)
    organisation = Organisation(**{k: v for k, v in values.items() if k in ORGANISATION_FIELDS})
    organisation.search_text = search_text(organisation.name)
    organisation.full_clean()
    organisation.save()
    organisation.access_points.set(access_points)
    after = snapshot(organisation, ORGANISATION_FIELDS)
    after["access_points"] = sorted(ap.pk for ap in access_points)
    audit_change(action=AuditAction.CREATE, actor=by, obj=organisation, changes=diff({}, after), request=request)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, access_points=None, request=None,
                        expected_version: int | None = None, **values) -> Organisation:
    values = _normalise_identifiers(values)
    before = snapshot_stored(organisation, ORGANISATION_FIELDS)
    before["access_points"] = sorted(organisation.access_points.values_list("id", flat=True))
    for name, value in values.items():
        if name in ORGANISATION_FIELDS:
            setattr(organisation, name, value)
    organisation.search_text = search_text(organisation.name)
    organisation.full_clean()
    claim(organisation, expected_version)
    organisation.save()
    after = snapshot(organisation, ORGANISATION_FIELDS)
    after["access_points"] = before["access_points"]
    if access_points is not None:
        access_points = list(access_points)
        current = set(before["access_points"])
        wanted = {ap.pk for ap in access_points}
        # Only the links that change must be within the editor's reach.
        changed = [ap for ap in access_points if ap.pk not in current]
        changed += list(AccessPoint.objects.filter(pk__in=current - wanted))
        _check_access_points_allowed(by=by, access_points=changed)
        organisation.access_points.set(access_points)
        after["access_points"] = sorted(wanted)
    changes = diff(before, after)
    if "municipality" in changes:
        _relocate_offerings_without_site(organisation)
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=organisation, changes=changes, request=request)
    return organisation


def _relocate_offerings_without_site(organisation: Organisation) -> None:
    """Offerings with no site are placed at the organisation's municipality."""
    offerings = list(organisation.offerings.filter(site__isnull=True))
    for offering in offerings:
        offering.latitude, offering.longitude, offering.municipality = geo.offering_point(organisation=organisation)
    Offering.objects.bulk_update(offerings, ["latitude", "longitude", "municipality"])


@transaction.atomic
def organisation_set_active(*, organisation: Organisation, active: bool, by, request=None,
                            expected_version: int | None = None) -> Organisation:
    """Organisations are never deleted (they are referenced by history): they
    are deactivated, which also suspends their members' access."""
    if organisation.is_active != active:
        organisation.is_active = active
        claim(organisation, expected_version)
        organisation.save(update_fields=["is_active", "updated_at"])
        audit_change(action=AuditAction.UPDATE if active else AuditAction.DELETE, actor=by, obj=organisation,
                     changes={"is_active": [not active, active]}, request=request)
    return organisation


@transaction.atomic
def access_point_update(*, access_point: AccessPoint, by, request=None, expected_version: int | None = None,
                        **values) -> AccessPoint:
    before = snapshot_stored(access_point, ACCESS_POINT_FIELDS)
    for name, value in values.items():
        if name in ACCESS_POINT_FIELDS:
            setattr(access_point, name, value)
    access_point.full_clean()
    claim(access_point, expected_version)
    access_point.save()
    changes = diff(before, snapshot(access_point, ACCESS_POINT_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=access_point, changes=changes, request=request)
    return access_point


def _check_role_grantable(*, by, role: str) -> None:
    if grants_for(by).is_admin:
        return
    if role not in DIRECTOR_GRANTABLE_ROLES:
        raise ValidationError({"role": _("You cannot grant this role.")})


@transaction.atomic
def membership_create(*, by, user, organisation, role: str, access_points, request=None) -> Membership:
    access_points = list(access_points)
    _check_role_grantable(by=by, role=role)
    _check_access_points_allowed(by=by, access_points=access_points)
    if not access_points and role != "admin":
        raise ValidationError({"access_points": _("Choose at least one access point.")})
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    membership.access_points.set(access_points)
    forget_grants(user)
    audit_change(action=AuditAction.CREATE, actor=by, obj=membership, request=request, changes={
        "user": [None, user.pk], "organisation": [None, organisation.pk], "role": [None, role],
        "access_points": [None, sorted(ap.pk for ap in access_points)],
    })
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, by, role: str | None = None, access_points=None,
                      is_active: bool | None = None, request=None, expected_version: int | None = None) -> Membership:
    stored = snapshot_stored(membership, ["role", "is_active"])
    before = {"role": stored["role"], "is_active": stored["is_active"],
              "access_points": sorted(membership.access_points.values_list("id", flat=True))}
    after = dict(before)
    if role is not None and role != before["role"]:
        _check_role_grantable(by=by, role=role)
        membership.role = role
        after["role"] = role
    if is_active is not None:
        membership.is_active = is_active
        after["is_active"] = is_active
    membership.full_clean()
    claim(membership, expected_version)
    membership.save()
    if access_points is not None:
        access_points = list(access_points)
        wanted = {ap.pk for ap in access_points}
        current = set(before["access_points"])
        changed = [ap for ap in access_points if ap.pk not in current]
        changed += list(AccessPoint.objects.filter(pk__in=current - wanted))
        _check_access_points_allowed(by=by, access_points=changed)
        if not access_points and membership.role != "admin":
            raise ValidationError({"access_points": _("Choose at least one access point.")})
        membership.access_points.set(access_points)
        after["access_points"] = sorted(wanted)
    forget_grants(membership.user)
    changes = diff(before, after)
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=membership, changes=changes, request=request)
    return membership
