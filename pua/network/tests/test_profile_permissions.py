"""The permission matrix of the profile objects — catalogue entries,
offerings, sites, contact persons and network links — cell by cell, and
the same actions on access point B's objects, always refused."""

import pytest

from pua.network import access, profile_selectors
from pua.network.models import NetworkLink, Role, Service
from pua.network.tests.profile_factories import ContactPersonFactory, OfferingFactory, SiteFactory, catalogue

ALL = set(Role)
D = {Role.DIRECTOR}
ADMIN = {Role.ADMIN}
P = {Role.PARTNER_OPERATOR}
OPERATORS = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}
NETWORK_VIEWERS = ALL - P

# (permission, object key, roles allowed on A's object)
MATRIX = [
    ("network.view_service", "shared_service", ALL),
    ("network.add_service", None, D | ADMIN),
    ("network.change_service", "shared_service", ADMIN),
    ("network.change_service", "local_service", D | ADMIN),
    ("network.view_offering", "offering", NETWORK_VIEWERS),
    ("network.view_offering", "partner_offering", ALL),
    ("network.add_offering", None, D | P | ADMIN),
    ("network.change_offering", "offering", D | ADMIN),
    ("network.change_offering", "partner_offering", D | P | ADMIN),
    ("network.change_site", "site", D | ADMIN),
    ("network.change_site", "partner_site", D | P | ADMIN),
    ("network.view_contactperson", "organisation", OPERATORS | ADMIN),
    ("network.view_contactperson", "partner_org", OPERATORS | P | ADMIN),
    ("network.change_contactperson", "contact_person", D | ADMIN),
    ("network.change_contactperson", "partner_contact_person", D | P | ADMIN),
    ("network.change_networklink", "organisation", D | ADMIN),
]


@pytest.fixture
def objects(world):
    def build(side):
        ap = world.ap_a if side == "a" else world.ap_b
        org = world.org_a if side == "a" else world.org_b
        partner = world.partner_org if side == "a" else world.org_b
        parent = catalogue("F2.4")
        local = Service.objects.create(code=f"L-{side}", programme=ap.programme, parent=parent, level="service",
                                       label_it="L", label_en="L", is_local=True, sort_key=f"{parent.sort_key}.{side}")
        return {
            "shared_service": catalogue("F2.4.c"),
            "local_service": local,
            "organisation": org,
            "partner_org": partner,
            "offering": OfferingFactory(organisation=org),
            "partner_offering": OfferingFactory(organisation=partner),
            "site": SiteFactory(organisation=org),
            "partner_site": SiteFactory(organisation=partner),
            "contact_person": ContactPersonFactory(organisation=org),
            "partner_contact_person": ContactPersonFactory(organisation=partner),
        }

    return build


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_grants_exactly_the_matrix_on_own_access_point(world, objects, role):
    user = world.users[role.value]
    built = objects("a")
    mismatches = [
        (perm, key, role in allowed)
        for perm, key, allowed in MATRIX
        if user.has_perm(perm, built[key] if key else None) != (role in allowed)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_refuses_everything_on_another_access_point(world, objects, role):
    user = world.users[role.value]
    built = objects("b")
    granted = [
        (perm, key) for perm, key, _allowed in MATRIX
        if key and key != "shared_service" and user.has_perm(perm, built[key])
    ]
    assert granted == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_hides_profile_objects_of_another_access_point_from_every_list(world, objects, role):
    user = world.users[role.value]
    built = objects("b")
    assert built["offering"] not in access.visible_offerings(user)
    assert built["contact_person"] not in access.contact_persons_visible_to(user)
    assert built["local_service"] not in access.visible_services(user)
    link_b = NetworkLink.objects.get(organisation=world.org_b)
    assert profile_selectors.network_link_get(user=user, pk=link_b.pk) is None


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator"])
def test_it_never_shows_contact_persons_to_board_members_or_coordinators(world, objects, role):
    built = objects("a")
    assert not access.contact_persons_visible_to(world.users[role]).filter(
        pk=built["contact_person"].pk).exists()
