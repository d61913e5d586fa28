"""Writes on the network: organisations, access points and memberships.

Each function is the one way to make its change — views, the API and
commands all call it — and each writes its audit entry.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import geo
from .access import (
    DIRECTOR_GRANTABLE_ROLES,
    NETWORK_MANAGE_ROLES,
    PERSON_READING_ROLES,
    directs_all_access_points,
    forget_grants,
    grants_for,
)
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


def _check_not_self(*, by, user) -> None:
    if by is not None and user.pk == by.pk:
        raise ValidationError(_("Nobody can grant themselves a role or change their own: "
                                "ask another director or an administrator."))


def _needs_second_person(*, by, role: str, access_point_ids) -> bool:
    """The two-person rule: a role that reads persons takes effect only when a
    second person answers for it. A director of every access point of the
    grant is that person when they make it (the grantee is never the
    grantor); any other grant — an administrator's — waits for approval."""
    return role in PERSON_READING_ROLES and not directs_all_access_points(by, access_point_ids)


def _grant_state(*, by, needs_approval: bool) -> dict:
    if needs_approval:
        return {"is_active": False, "approved_at": None, "approved_by": None, "granted_by": by}
    return {"is_active": True, "approved_at": timezone.now(), "approved_by": by, "granted_by": by}


def _approval_changes(membership: Membership) -> dict:
    return {
        "granted_by": membership.granted_by_id,
        "approved_by": membership.approved_by_id,
        "pending": membership.is_pending,
    }


@transaction.atomic
def membership_create(*, by, user, organisation, role: str, access_points, request=None) -> Membership:
    """Give ``user`` a role. A role that reads persons granted by anyone but a
    director of its access points is created pending: inactive until
    ``membership_approve``."""
    access_points = list(access_points)
    _check_not_self(by=by, user=user)
    _check_role_grantable(by=by, role=role)
    _check_access_points_allowed(by=by, access_points=access_points)
    if not access_points and role != "admin":
        raise ValidationError({"access_points": _("Choose at least one access point.")})
    needs_approval = _needs_second_person(by=by, role=role, access_point_ids={ap.pk for ap in access_points})
    membership = Membership(user=user, organisation=organisation, role=role,
                            **_grant_state(by=by, needs_approval=needs_approval))
    membership.full_clean()
    membership.save()
    membership.access_points.set(access_points)
    forget_grants(user)
    after = {"user": user.pk, "organisation": organisation.pk, "role": role,
             "access_points": sorted(ap.pk for ap in access_points), "is_active": membership.is_active,
             **_approval_changes(membership)}
    audit_change(action=AuditAction.CREATE, actor=by, obj=membership, request=request, changes=diff({}, after))
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, by, role: str | None = None, access_points=None,
                      is_active: bool | None = None, request=None, expected_version: int | None = None) -> Membership:
    """Change a membership. A change that widens a role reading persons — to
    such a role, to more access points, or back to active — is a new grant:
    the two-person rule applies again, and until approved the membership is
    pending and gives no power."""
    _check_not_self(by=by, user=membership.user)
    stored = snapshot_stored(membership, ["role", "is_active"])
    before = {"role": stored["role"], "is_active": stored["is_active"],
              "access_points": sorted(membership.access_points.values_list("id", flat=True)),
              **_approval_changes(Membership.objects.get(pk=membership.pk))}
    after = dict(before)
    widens = False
    if role is not None and role != before["role"]:
        _check_role_grantable(by=by, role=role)
        membership.role = role
        after["role"] = role
        widens = True
    wanted_active = before["is_active"] if is_active is None else is_active
    if wanted_active and not before["is_active"]:
        widens = True
    final_aps = set(before["access_points"])
    if access_points is not None:
        access_points = list(access_points)
        wanted = {ap.pk for ap in access_points}
        current = set(before["access_points"])
        changed = [ap for ap in access_points if ap.pk not in current]
        changed += list(AccessPoint.objects.filter(pk__in=current - wanted))
        _check_access_points_allowed(by=by, access_points=changed)
        if not access_points and membership.role != "admin":
            raise ValidationError({"access_points": _("Choose at least one access point.")})
        widens = widens or bool(wanted - current)
        final_aps = wanted
        after["access_points"] = sorted(wanted)
    if not wanted_active:
        membership.is_active = False
    elif widens:
        needs_approval = _needs_second_person(by=by, role=membership.role, access_point_ids=final_aps)
        for name, value in _grant_state(by=by, needs_approval=needs_approval).items():
            setattr(membership, name, value)
    after["is_active"] = membership.is_active
    membership.full_clean()
    claim(membership, expected_version)
    membership.save()
    if access_points is not None:
        membership.access_points.set(access_points)
    after.update(_approval_changes(membership))
    forget_grants(membership.user)
    changes = diff(before, after)
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=membership, changes=changes, request=request)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by, request=None) -> Membership:
    """The second person's yes to a pending grant: the membership becomes
    active. Neither the grantee nor whoever made the grant may give it."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_pending:
        raise ValidationError(_("This membership is not waiting for approval."))
    if membership.user_id == by.pk:
        raise ValidationError(_("Nobody can approve a role granted to themselves."))
    if membership.granted_by_id == by.pk:
        raise ValidationError(_("You granted this role: another director of the access point or another "
                                "administrator must approve it."))
    if not by.has_perm("network.approve_membership", membership):
        raise ValidationError(_("Only a director of the membership's access points or an administrator "
                                "may approve it."))
    membership.is_active = True
    membership.approved_at = timezone.now()
    membership.approved_by = by
    membership.save(update_fields=["is_active", "approved_at", "approved_by"])
    forget_grants(membership.user)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=membership, request=request, changes={
        "is_active": [False, True], "approved_by": [None, by.pk], "pending": [True, False],
    })
    return membership
