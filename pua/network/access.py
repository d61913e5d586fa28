"""Who may do what to which object — the one place that answers it.

A user's powers come from their active memberships: each gives a *role* at
some *access points* within an *organisation*. A permission on an object is
granted when the user holds a suitable role at one of the access points the
object belongs to (or, for partners, in the organisation itself). Objects of
an access point where the user holds no role are invisible: views answer 404
exactly as for a missing object.

Every check is exposed twice, in matching forms:
- ``rules`` permissions (``user.has_perm("network.change_organisation", org)``)
  for views, the API and commands;
- ``visible_*`` querysets for lists, so scoping is one line and one query.

``docs/permissions.md`` is the human-readable matrix; the tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from pua.core.models import AuditEntry

from .models import (
    AccessPoint,
    Agreement,
    ContactPerson,
    Membership,
    NetworkContact,
    Offering,
    Organisation,
    Programme,
    Role,
    Service,
    Territory,
)

# Roles that see the network directory of their access points.
NETWORK_VIEW_ROLES = frozenset({
    Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR,
    Role.BOARD_VIEWER, Role.REGIONAL_COORDINATOR,
})
NETWORK_MANAGE_ROLES = frozenset({Role.DIRECTOR})
STAFF_MANAGE_ROLES = frozenset({Role.DIRECTOR})
AUDIT_ROLES = frozenset({Role.DIRECTOR})
# Roles that work with people and partners day to day: they see contact
# persons and keep the network contact log.
OPERATOR_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR})
# Roles a director may hand out; admins and regional coordinators are
# appointed by an administrator.
DIRECTOR_GRANTABLE_ROLES = frozenset(Role) - {Role.ADMIN, Role.REGIONAL_COORDINATOR}
# Roles that read persons: granting one takes two people (see
# ``services.membership_create``).
PERSON_READING_ROLES = frozenset({
    Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR, Role.PARTNER_OPERATOR,
})

_CACHE_ATTR = "_pua_grants"


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    access_point_ids: frozenset[int]


@dataclass
class Grants:
    """The memberships of one user, loaded once per request."""

    grants: list[Grant]
    is_admin: bool
    _scope: dict | None = field(default=None, repr=False)

    def access_point_ids(self, roles=None) -> set[int]:
        return {ap for g in self.grants if roles is None or g.role in roles for ap in g.access_point_ids}

    def organisation_ids(self, roles=None) -> set[int]:
        return {g.organisation_id for g in self.grants if roles is None or g.role in roles}

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role_at(self, roles, access_point_ids) -> bool:
        wanted = set(access_point_ids)
        return any(g.role in roles and g.access_point_ids & wanted for g in self.grants)

    def has_role(self, roles) -> bool:
        return any(g.role in roles for g in self.grants)

    @property
    def is_partner_only(self) -> bool:
        """Partner operators and nothing else: they see only their own organisation."""
        return not self.is_admin and self.roles() == {Role.PARTNER_OPERATOR}

    def scope(self) -> dict:
        """Programme and territory ids of the user's access points."""
        if self._scope is None:
            rows = AccessPoint.objects.filter(id__in=self.access_point_ids()).values_list("programme_id", "territory_id")
            self._scope = {"programmes": {r[0] for r in rows}, "territories": {r[1] for r in rows}}
        return self._scope


_NO_GRANTS = Grants(grants=[], is_admin=False)


def grants_for(user) -> Grants:
    if user is None or not user.is_authenticated or not user.is_active:
        return _NO_GRANTS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    # Pending memberships are inactive by constraint; the approval is asked too, to say so here.
    rows = Membership.objects.filter(
        user=user, is_active=True, approved_at__isnull=False, organisation__is_active=True,
    ).values_list(
        "id", "role", "organisation_id", "access_points__id"
    )
    by_membership: dict[int, tuple[str, int, set[int]]] = {}
    for membership_id, role, organisation_id, access_point_id in rows:
        entry = by_membership.setdefault(membership_id, (role, organisation_id, set()))
        if access_point_id is not None:
            entry[2].add(access_point_id)
    grants = [Grant(role, org, frozenset(aps)) for role, org, aps in by_membership.values()]
    is_admin = user.is_superuser or any(g.role == Role.ADMIN for g in grants)
    result = Grants(grants=grants, is_admin=is_admin)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_grants(user) -> None:
    """Drop the cached grants after the user's memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _ids(obj, relation: str) -> set[int]:
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if relation in cache:
        return {o.pk for o in cache[relation]}
    return set(getattr(obj, relation).values_list("id", flat=True))


# --- predicates --------------------------------------------------------------------------

@rules.predicate
def is_admin(user) -> bool:
    return grants_for(user).is_admin


def _role_anywhere(roles):
    @rules.predicate(name=f"has_role_{'_'.join(sorted(roles))}")
    def predicate(user) -> bool:
        return grants_for(user).has_role(roles)

    return predicate


is_director = _role_anywhere(NETWORK_MANAGE_ROLES)


@rules.predicate
def works_in_programme(user, programme) -> bool:
    return programme is not None and programme.pk in grants_for(user).scope()["programmes"]


@rules.predicate
def works_in_territory(user, territory) -> bool:
    return territory is not None and territory.pk in grants_for(user).scope()["territories"]


@rules.predicate
def works_at_access_point(user, access_point) -> bool:
    return access_point is not None and access_point.pk in grants_for(user).access_point_ids()


@rules.predicate
def directs_access_point(user, access_point) -> bool:
    return access_point is not None and grants_for(user).has_role_at(NETWORK_MANAGE_ROLES, {access_point.pk})


@rules.predicate
def sees_organisation_network(user, organisation) -> bool:
    if organisation is None:
        return False
    return grants_for(user).has_role_at(NETWORK_VIEW_ROLES, _ids(organisation, "access_points"))


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in grants_for(user).organisation_ids()


@rules.predicate
def is_partner_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in grants_for(user).organisation_ids({Role.PARTNER_OPERATOR})


@rules.predicate
def manages_organisation_network(user, organisation) -> bool:
    if organisation is None:
        return False
    return grants_for(user).has_role_at(NETWORK_MANAGE_ROLES, _ids(organisation, "access_points"))


@rules.predicate
def manages_membership(user, membership) -> bool:
    if membership is None:
        return False
    if membership.role not in DIRECTOR_GRANTABLE_ROLES:
        return False
    return grants_for(user).has_role_at(STAFF_MANAGE_ROLES, _ids(membership, "access_points"))


@rules.predicate
def holds_membership(user, membership) -> bool:
    """Nobody changes their own roles, not even an administrator."""
    return membership is not None and membership.user_id == user.pk


def directs_all_access_points(user, access_point_ids) -> bool:
    """Whether ``user`` is a director at every one of the access points."""
    wanted = set(access_point_ids)
    return bool(wanted) and wanted <= grants_for(user).access_point_ids(STAFF_MANAGE_ROLES)


@rules.predicate
def may_approve_membership(user, membership) -> bool:
    """The second person of the two-person rule: a director of every access
    point of the grant, or an administrator — never the grantee nor the
    person who made the grant."""
    if membership is None or not membership.is_pending:
        return False
    if user.pk in (membership.user_id, membership.granted_by_id):
        return False
    if grants_for(user).is_admin:
        return True
    return membership.role in DIRECTOR_GRANTABLE_ROLES and directs_all_access_points(
        user, _ids(membership, "access_points")
    )


@rules.predicate
def is_self(user, other) -> bool:
    return other is not None and other.pk == user.pk


@rules.predicate
def manages_user(user, other) -> bool:
    if other is None:
        return False
    aps = grants_for(user).access_point_ids(STAFF_MANAGE_ROLES)
    if not aps:
        return False
    # Someone a director could not appoint is not theirs to manage either.
    memberships = Membership.objects.filter(user=other)
    if memberships.exclude(role__in=DIRECTOR_GRANTABLE_ROLES).exists():
        return False
    return memberships.filter(access_points__in=aps).exists()


def user_openable_from_list(viewer, other) -> bool:
    """``accounts.view_user`` for a user of the list, from the memberships the
    list prefetched (no query per row): the list shows colleagues a director
    may not manage (administrators, regional coordinators), without a link."""
    if grants_for(viewer).is_admin or other.pk == viewer.pk:
        return True
    aps = grants_for(viewer).access_point_ids(STAFF_MANAGE_ROLES)
    memberships = list(other.memberships.all())
    if not aps or any(m.role not in DIRECTOR_GRANTABLE_ROLES for m in memberships):
        return False
    return any(ap.pk in aps for m in memberships for ap in m.access_points.all())


rules.add_perm("network.view_programme", is_admin | works_in_programme)
rules.add_perm("network.add_programme", is_admin)
rules.add_perm("network.change_programme", is_admin)
rules.add_perm("network.view_territory", is_admin | works_in_territory)
rules.add_perm("network.add_territory", is_admin)
rules.add_perm("network.change_territory", is_admin)
rules.add_perm("network.view_accesspoint", is_admin | works_at_access_point)
rules.add_perm("network.add_accesspoint", is_admin)
rules.add_perm("network.change_accesspoint", is_admin | directs_access_point)
rules.add_perm("network.view_organisation", is_admin | sees_organisation_network | is_member_of_organisation)
rules.add_perm("network.add_organisation", is_admin | is_director)
rules.add_perm("network.change_organisation", is_admin | manages_organisation_network | is_partner_of_organisation)
rules.add_perm("network.delete_organisation", is_admin | manages_organisation_network)
rules.add_perm("network.view_membership", is_admin | manages_membership)
rules.add_perm("network.add_membership", is_admin | _role_anywhere(STAFF_MANAGE_ROLES))
rules.add_perm("network.change_membership", (is_admin | manages_membership) & ~holds_membership)
rules.add_perm("network.approve_membership", may_approve_membership)
rules.add_perm("accounts.view_user", is_admin | is_self | manages_user)
rules.add_perm("accounts.add_user", is_admin | _role_anywhere(STAFF_MANAGE_ROLES))
rules.add_perm("accounts.change_user", is_admin | manages_user)
rules.add_perm("core.view_auditentry", is_admin | _role_anywhere(AUDIT_ROLES))


@rules.predicate
def is_staff_member(user) -> bool:
    g = grants_for(user)
    return g.is_admin or bool(g.grants)


@rules.predicate
def directs_programme_of(user, service) -> bool:
    """Local catalogue entries belong to a programme: its directors manage them."""
    if service is None or service.programme_id is None:
        return False
    aps = grants_for(user).access_point_ids(NETWORK_MANAGE_ROLES)
    return AccessPoint.objects.filter(id__in=aps, programme_id=service.programme_id).exists()


def _organisation_of(obj):
    return obj if isinstance(obj, Organisation) else getattr(obj, "organisation", None)


@rules.predicate
def sees_offering(user, offering) -> bool:
    org = _organisation_of(offering)
    return org is not None and (sees_organisation_network(user, org) or is_member_of_organisation(user, org))


@rules.predicate
def keeps_offering(user, offering) -> bool:
    """Directors of the organisation's networks and the organisation's own
    partner operators keep its sites and offerings up to date."""
    org = _organisation_of(offering)
    return org is not None and (manages_organisation_network(user, org) or is_partner_of_organisation(user, org))


@rules.predicate
def sees_contact_persons(user, organisation) -> bool:
    org = _organisation_of(organisation)
    if org is None:
        return False
    return grants_for(user).has_role_at(OPERATOR_ROLES, _ids(org, "access_points")) or is_partner_of_organisation(
        user, org
    )


@rules.predicate
def sees_agreement(user, agreement) -> bool:
    return agreement is not None and grants_for(user).has_role_at(NETWORK_VIEW_ROLES, {agreement.access_point_id})


@rules.predicate
def manages_agreement(user, agreement) -> bool:
    return agreement is not None and grants_for(user).has_role_at(NETWORK_MANAGE_ROLES, {agreement.access_point_id})


@rules.predicate
def sees_network_contact(user, contact) -> bool:
    return contact is not None and grants_for(user).has_role_at(OPERATOR_ROLES, {contact.access_point_id})


@rules.predicate
def keeps_network_contact(user, contact) -> bool:
    if contact is None:
        return False
    g = grants_for(user)
    return g.has_role_at(NETWORK_MANAGE_ROLES, {contact.access_point_id}) or (
        contact.operator_id == user.pk and g.has_role_at(OPERATOR_ROLES, {contact.access_point_id})
    )


rules.add_perm("network.view_service", is_admin | is_staff_member)
rules.add_perm("network.add_service", is_admin | is_director)
rules.add_perm("network.change_service", is_admin | directs_programme_of)
rules.add_perm("network.view_offering", is_admin | sees_offering)
rules.add_perm("network.add_offering", is_admin | is_director | _role_anywhere({Role.PARTNER_OPERATOR}))
rules.add_perm("network.change_offering", is_admin | keeps_offering)
rules.add_perm("network.change_site", is_admin | keeps_offering)
rules.add_perm("network.view_contactperson", is_admin | sees_contact_persons)
rules.add_perm("network.change_contactperson", is_admin | keeps_offering)
rules.add_perm("network.change_networklink", is_admin | manages_organisation_network)
rules.add_perm("network.view_agreement", is_admin | sees_agreement)
rules.add_perm("network.add_agreement", is_admin | is_director)
rules.add_perm("network.change_agreement", is_admin | manages_agreement)
rules.add_perm("network.view_networkcontact", is_admin | sees_network_contact)
rules.add_perm("network.add_networkcontact", is_admin | _role_anywhere(OPERATOR_ROLES))
rules.add_perm("network.change_networkcontact", is_admin | keeps_network_contact)
rules.add_perm("network.add_importjob", is_admin | is_director)


# --- scoped querysets ---------------------------------------------------------------------

def visible_programmes(user) -> QuerySet[Programme]:
    g = grants_for(user)
    if g.is_admin:
        return Programme.objects.all()
    return Programme.objects.filter(id__in=g.scope()["programmes"])


def visible_territories(user) -> QuerySet[Territory]:
    g = grants_for(user)
    if g.is_admin:
        return Territory.objects.all()
    return Territory.objects.filter(id__in=g.scope()["territories"])


def visible_access_points(user) -> QuerySet[AccessPoint]:
    g = grants_for(user)
    if g.is_admin:
        return AccessPoint.objects.all()
    return AccessPoint.objects.filter(id__in=g.access_point_ids())


def managed_access_points(user) -> QuerySet[AccessPoint]:
    """Access points where the user may manage the network and the staff."""
    g = grants_for(user)
    if g.is_admin:
        return AccessPoint.objects.all()
    return AccessPoint.objects.filter(id__in=g.access_point_ids(NETWORK_MANAGE_ROLES))


def visible_organisations(user) -> QuerySet[Organisation]:
    g = grants_for(user)
    if g.is_admin:
        return Organisation.objects.all()
    network_aps = g.access_point_ids(NETWORK_VIEW_ROLES)
    links = Organisation.access_points.through.objects.filter(
        organisation_id=OuterRef("pk"), accesspoint_id__in=network_aps
    )
    return Organisation.objects.filter(Exists(links) | Q(id__in=g.organisation_ids()))


def visible_memberships(user) -> QuerySet[Membership]:
    g = grants_for(user)
    if g.is_admin:
        return Membership.objects.all()
    aps = g.access_point_ids(STAFF_MANAGE_ROLES)
    links = Membership.access_points.through.objects.filter(membership_id=OuterRef("pk"), accesspoint_id__in=aps)
    return Membership.objects.filter(Exists(links), role__in=DIRECTOR_GRANTABLE_ROLES)


def visible_users(user) -> QuerySet:
    User = get_user_model()
    g = grants_for(user)
    if g.is_admin:
        return User.objects.all()
    aps = g.access_point_ids(STAFF_MANAGE_ROLES)
    links = Membership.access_points.through.objects.filter(
        membership__user_id=OuterRef("pk"), accesspoint_id__in=aps
    )
    return User.objects.filter(Exists(links) | Q(pk=user.pk))


def grantable_roles(user) -> list[str]:
    if grants_for(user).is_admin:
        return list(Role)
    return [r for r in Role if r in DIRECTOR_GRANTABLE_ROLES]


def visible_audit_entries(user) -> QuerySet[AuditEntry]:
    g = grants_for(user)
    if g.is_admin:
        return AuditEntry.objects.all()
    aps = g.access_point_ids(AUDIT_ROLES)
    return AuditEntry.objects.filter(access_point_id__in=aps)


def visible_services(user) -> QuerySet[Service]:
    """The shared catalogue plus the local entries of the user's programmes."""
    g = grants_for(user)
    if g.is_admin:
        return Service.objects.all()
    return Service.objects.filter(Q(programme__isnull=True) | Q(programme_id__in=g.scope()["programmes"]))


def visible_offerings(user) -> QuerySet[Offering]:
    return Offering.objects.filter(organisation__in=visible_organisations(user))


def contact_persons_visible_to(user) -> QuerySet[ContactPerson]:
    g = grants_for(user)
    if g.is_admin:
        return ContactPerson.objects.all()
    aps = g.access_point_ids(OPERATOR_ROLES)
    links = Organisation.access_points.through.objects.filter(
        organisation_id=OuterRef("organisation_id"), accesspoint_id__in=aps
    )
    own = g.organisation_ids({Role.PARTNER_OPERATOR})
    return ContactPerson.objects.filter(Exists(links) | Q(organisation_id__in=own))


def visible_agreements(user) -> QuerySet[Agreement]:
    g = grants_for(user)
    if g.is_admin:
        return Agreement.objects.all()
    return Agreement.objects.filter(access_point_id__in=g.access_point_ids(NETWORK_VIEW_ROLES))


def visible_network_contacts(user) -> QuerySet[NetworkContact]:
    g = grants_for(user)
    if g.is_admin:
        return NetworkContact.objects.all()
    return NetworkContact.objects.filter(access_point_id__in=g.access_point_ids(OPERATOR_ROLES))
