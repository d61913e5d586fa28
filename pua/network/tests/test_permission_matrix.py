"""The permission matrix of docs/permissions.md, checked cell by cell.

Rows are roles (all at access point A), columns are actions on an object of
access point A — and the same action on the equivalent object of access
point B, which must always be refused (and the object invisible).
"""

import pytest

from pua.network import access
from pua.network.models import Membership, Role
from pua.network.tests.factories import MembershipFactory, UserFactory

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
    # The admin's own membership: nobody changes their own roles.
    ("network.change_membership", "admin_membership", NONE),
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


# --- the network directory -------------------------------------------------------------

OPERATORS = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}

DIRECTORY_MATRIX = [
    ("network.view_service", "service", ALL),
    ("network.add_service", None, D | ADMIN),
    ("network.change_service", "local_service", D | ADMIN),
    ("network.change_service", "service", ADMIN),
    ("network.view_offering", "offering", NETWORK_VIEWERS),
    ("network.view_offering", "partner_offering", ALL),
    ("network.add_offering", None, D | ADMIN | {Role.PARTNER_OPERATOR}),
    ("network.change_offering", "offering", D | ADMIN),
    ("network.change_offering", "partner_offering", D | ADMIN | {Role.PARTNER_OPERATOR}),
    ("network.change_site", "partner_offering", D | ADMIN | {Role.PARTNER_OPERATOR}),
    ("network.view_contactperson", "organisation", OPERATORS | ADMIN),
    ("network.view_contactperson", "partner_org", OPERATORS | ADMIN | {Role.PARTNER_OPERATOR}),
    ("network.change_networklink", "organisation", D | ADMIN),
    ("network.view_agreement", "agreement", NETWORK_VIEWERS),
    ("network.add_agreement", None, D | ADMIN),
    ("network.change_agreement", "agreement", D | ADMIN),
    ("network.view_networkcontact", "contact", OPERATORS | ADMIN),
    ("network.add_networkcontact", None, OPERATORS | ADMIN),
    ("network.change_networkcontact", "contact", D | ADMIN),
    ("network.add_importjob", None, D | ADMIN),
]


def _directory_objects(world, side):
    from django.utils import timezone

    from pua.network.models import Agreement, NetworkContact, Offering, Service

    ap = world.ap_a if side == "a" else world.ap_b
    org = world.org_a if side == "a" else world.org_b
    partner = world.partner_org if side == "a" else world.org_b
    shared = Service.objects.get(code="F2.4.c", programme=None)
    local = Service.objects.create(code=f"L.{side}", programme=ap.programme, level="service", label_it="Locale",
                                   label_en="Local", sort_key=f"L.{side}", is_local=True)
    now = timezone.now()
    agreement = Agreement.objects.create(access_point=ap, kind="protocol", subject="Protocollo")
    contact = NetworkContact.objects.create(access_point=ap, date=now.date(), organisation=org,
                                            actor_type="local_business", channel="visit", purpose="Visita",
                                            operator=world.other_director)
    return {
        "service": shared,
        "local_service": local,
        "offering": Offering.objects.create(organisation=org, service=shared, last_confirmed_at=now),
        "partner_offering": Offering.objects.create(organisation=partner, service=shared, last_confirmed_at=now),
        "organisation": org,
        "partner_org": partner,
        "agreement": agreement,
        "contact": contact,
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_grants_exactly_the_directory_matrix_on_own_access_point(world, role):
    user = world.users[role.value]
    objects = _directory_objects(world, "a")
    mismatches = [
        (perm, key, role in allowed)
        for perm, key, allowed in DIRECTORY_MATRIX
        if user.has_perm(perm, objects[key] if key else None) != (role in allowed)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_refuses_the_directory_of_another_access_point(world, role):
    user = world.users[role.value]
    objects = _directory_objects(world, "b")
    granted = [
        (perm, key)
        for perm, key, _allowed in DIRECTORY_MATRIX
        if key and key != "service" and user.has_perm(perm, objects[key])
    ]
    assert granted == []
    assert not access.visible_offerings(user).filter(organisation=world.org_b).exists()
    assert not access.visible_agreements(user).filter(access_point=world.ap_b).exists()
    assert not access.visible_network_contacts(user).filter(access_point=world.ap_b).exists()
    assert not access.visible_services(user).filter(programme=world.ap_b.programme).exists()


def test_it_lets_an_operator_change_only_their_own_network_contacts(world):
    from django.utils import timezone

    from pua.network.models import NetworkContact

    mine = NetworkContact.objects.create(access_point=world.ap_a, date=timezone.now().date(), actor_type="third_sector",
                                         channel="phone", purpose="Telefonata", operator=world.users["labour_expert"])
    assert world.users["labour_expert"].has_perm("network.change_networkcontact", mine)
    assert not world.users["social_expert"].has_perm("network.change_networkcontact", mine)


# --- admins, tokens and grants -----------------------------------------------------------

# (permission, object key, roles allowed) — the object depends on the user.
GRANT_MATRIX = [
    # A grant another administrator made, waiting at access point A.
    ("network.approve_membership", "pending_grant", D | ADMIN),
    # The same grant when the user made it: the grantor never approves.
    ("network.approve_membership", "grant_made_by_user", NONE),
    # A grant to the user, by another administrator: the grantee never approves.
    ("network.approve_membership", "grant_to_user", NONE),
    # Nobody changes their own membership.
    ("network.change_membership", "own_membership", NONE),
]


def _pending(world, *, user, granted_by, role=Role.SOCIAL_EXPERT):
    return MembershipFactory(user=user, organisation=world.home_org_a, role=role, access_points=[world.ap_a],
                             is_active=False, approved_at=None, granted_by=granted_by)


def _grant_objects(world, user):
    other_admin = UserFactory(username="admin_bis")
    MembershipFactory(user=other_admin, organisation=world.home_org_a, role=Role.ADMIN)
    return {
        "pending_grant": _pending(world, user=UserFactory(), granted_by=other_admin),
        "grant_made_by_user": _pending(world, user=UserFactory(), granted_by=user),
        "grant_to_user": MembershipFactory(user=user, organisation=world.org_a, role=Role.LABOUR_EXPERT,
                                           access_points=[world.ap_a], is_active=False, approved_at=None,
                                           granted_by=other_admin),
        "own_membership": Membership.objects.filter(user=user).order_by("id").first(),
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_applies_the_grant_matrix(world, role):
    user = world.users[role.value]
    objects = _grant_objects(world, user)
    access.forget_grants(user)
    mismatches = [
        (perm, key, role in allowed)
        for perm, key, allowed in GRANT_MATRIX
        if user.has_perm(perm, objects[key]) != (role in allowed)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_refuses_approving_grants_of_another_access_point(world, role):
    grant = MembershipFactory(user=UserFactory(), organisation=world.home_org_b, role=Role.SOCIAL_EXPERT,
                              access_points=[world.ap_b], is_active=False, approved_at=None,
                              granted_by=world.users["admin"])
    assert not world.users[role.value].has_perm("network.approve_membership", grant)


def test_it_gives_a_pending_membership_no_power(world):
    grantee = UserFactory()
    _pending(world, user=grantee, granted_by=world.users["admin"], role=Role.DIRECTOR)
    assert access.grants_for(grantee).grants == []
    assert not grantee.has_perm("network.change_accesspoint", world.ap_a)


def test_it_holds_a_superuser_to_the_role_rules(world):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert superuser.has_perm("network.change_organisation", world.org_a)
    assert not superuser.has_perm("people.view_person")
    assert not superuser.has_perm("cases.view_case")
