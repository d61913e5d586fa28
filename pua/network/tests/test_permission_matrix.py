"""The permission matrix of docs/permissions.md, checked cell by cell.

Rows are roles (all at access point A), columns are actions on an object of
access point A — and the same action on the equivalent object of access
point B, which must always be refused (and the object invisible).
"""

import pytest

from pua.network import access
from pua.network.models import Membership, Role

ALL = set(Role)
NONE: set = set()
D = {Role.DIRECTOR}
ADMIN = {Role.ADMIN}
NETWORK_VIEWERS = ALL - {Role.PARTNER_OPERATOR}

# (permission, object key, roles allowed on A's object)
MATRIX = [
    ("network.view_programme", "programme", ALL),
    ("network.add_programme", None, ADMIN),
    ("network.change_programme", "programme", ADMIN),
    ("network.view_territory", "territory", ALL),
    ("network.add_territory", None, ADMIN),
    ("network.change_territory", "territory", ADMIN),
    ("network.view_accesspoint", "access_point", ALL),
    ("network.add_accesspoint", None, ADMIN),
    ("network.change_accesspoint", "access_point", D | ADMIN),
    ("network.view_organisation", "organisation", NETWORK_VIEWERS),
    ("network.view_organisation", "partner_org", ALL),
    ("network.add_organisation", None, D | ADMIN),
    ("network.change_organisation", "organisation", D | ADMIN),
    ("network.change_organisation", "partner_org", D | ADMIN | {Role.PARTNER_OPERATOR}),
    ("network.delete_organisation", "organisation", D | ADMIN),
    ("network.view_membership", "membership", D | ADMIN),
    ("network.add_membership", None, D | ADMIN),
    ("network.change_membership", "membership", D | ADMIN),
    ("network.change_membership", "admin_membership", ADMIN),
    ("accounts.view_user", "worker", D | ADMIN | {Role.SOCIAL_EXPERT}),
    ("accounts.add_user", None, D | ADMIN),
    ("accounts.change_user", "worker", D | ADMIN),
    ("core.view_auditentry", None, D | ADMIN),
]


def _objects(world, side):
    ap = world.ap_a if side == "a" else world.ap_b
    worker = world.users["social_expert"] if side == "a" else world.other_worker
    return {
        "programme": ap.programme,
        "territory": ap.territory,
        "access_point": ap,
        "organisation": world.org_a if side == "a" else world.org_b,
        "partner_org": world.partner_org if side == "a" else world.org_b,
        "membership": Membership.objects.get(user=worker),
        "admin_membership": Membership.objects.get(user=world.users["admin"]),
        "worker": worker,
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_grants_exactly_the_matrix_on_own_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "a")
    mismatches = []
    for perm, key, allowed in MATRIX:
        obj = objects[key] if key else None
        expected = role in allowed
        if user.has_perm(perm, obj) != expected:
            mismatches.append((perm, key, expected))
    assert mismatches == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_refuses_everything_on_another_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "b")
    granted = [
        (perm, key)
        for perm, key, _allowed in MATRIX
        if key and key != "admin_membership" and user.has_perm(perm, objects[key])
    ]
    assert granted == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_hides_objects_of_another_access_point_from_every_list(world, role):
    user = world.users[role.value]
    assert world.org_b not in access.visible_organisations(user)
    assert world.home_org_b not in access.visible_organisations(user)
    assert world.ap_b not in access.visible_access_points(user)
    assert world.ap_b.programme not in access.visible_programmes(user)
    assert world.ap_b.territory not in access.visible_territories(user)
    assert world.other_worker not in access.visible_users(user)
    assert not access.visible_memberships(user).filter(user=world.other_worker).exists()


def test_it_lets_the_admin_see_both_access_points(world):
    admin = world.users["admin"]
    assert {world.org_a, world.org_b} <= set(access.visible_organisations(admin))
    assert {world.ap_a, world.ap_b} <= set(access.visible_access_points(admin))


def test_it_shows_a_partner_only_its_own_organisation(world):
    partner = world.users["partner_operator"]
    assert list(access.visible_organisations(partner)) == [world.partner_org]


def test_it_drops_all_rights_when_the_membership_is_deactivated(world):
    director = world.users["director"]
    Membership.objects.filter(user=director).update(is_active=False)
    access.forget_grants(director)
    assert not director.has_perm("network.change_organisation", world.org_a)
    assert not access.visible_organisations(director).exists()


def test_it_gives_roles_only_where_they_are_held(world):
    """A director at A who is a plain social expert at B cannot manage B."""
    director = world.users["director"]
    Membership.objects.create(user=director, organisation=world.home_org_b, role=Role.SOCIAL_EXPERT).access_points.set(
        [world.ap_b]
    )
    access.forget_grants(director)
    assert director.has_perm("network.view_organisation", world.org_b)
    assert not director.has_perm("network.change_organisation", world.org_b)
    assert director.has_perm("network.change_organisation", world.org_a)


def test_it_keeps_directors_away_from_accounts_they_could_not_appoint(world):
    director = world.users["director"]
    coordinator = world.users["regional_coordinator"]
    assert not director.has_perm("accounts.change_user", coordinator)
    assert director.has_perm("accounts.change_user", world.users["social_expert"])
