"""Admins administer; they don't read people.

Nobody grants themselves a role, by any path; a role that reads persons
takes two people (a director of the access point, or a pending grant that a
director or another administrator approves); a superuser is held to the role
rules like anyone else."""

import pytest
from django.urls import reverse

from pua.api.tests.clients import ConditionalAPIClient
from pua.cases.tests.factories import CaseFactory
from pua.core.models import AuditEntry
from pua.network.models import Membership, Role
from pua.network.tests.factories import MembershipFactory, UserFactory
from pua.people.services import person_create

MEMBERSHIPS = "/api/v1/memberships/"
PERSONS = "/api/v1/persons/"


@pytest.fixture
def api_as():
    """``api_as(user)``: a fresh API client signed in as ``user``."""

    def _as(user):
        client = ConditionalAPIClient()  # sends If-Match, as a client that read the record
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def person(world):
    return person_create(by=world.users["director"], access_point=world.ap_a, first_name="Lia", last_name="Neri")


@pytest.fixture
def second_admin(world):
    user = UserFactory(username="admin_bis")
    MembershipFactory(user=user, organisation=world.home_org_a, role=Role.ADMIN)
    return user


@pytest.fixture
def newcomer(world):
    return UserFactory(username="nuovo_arrivato")


def _grant(client, user, organisation, role, access_points):
    return client.post(MEMBERSHIPS, {"user": user.pk, "organisation": organisation.pk, "role": role,
                                     "access_points": [ap.pk for ap in access_points]}, format="json")


def _approve(client, membership):
    return client.post(f"{MEMBERSHIPS}{membership.pk}/approve/", format="json")


# --- nobody grants themselves a role -----------------------------------------------------

def test_it_refuses_a_self_grant_through_the_api(api_as, world, english_personas):
    admin = world.users["admin"]

    response = _grant(api_as(admin), admin, world.home_org_a, Role.DIRECTOR, [world.ap_a])

    assert response.status_code == 400
    assert "Nobody can grant themselves a role" in str(response.json()["error"])
    assert list(admin.memberships.values_list("role", flat=True)) == [Role.ADMIN]


def test_it_refuses_a_self_grant_through_the_membership_page(world, login, english_personas):
    admin = world.users["admin"]
    client = login(admin)

    response = client.post(reverse("network:membership_add", args=[admin.pk]), {
        "organisation": world.home_org_a.pk, "role": Role.DIRECTOR, "access_points": [world.ap_a.pk],
    })

    assert response.status_code == 200
    assert "Nobody can grant themselves a role" in response.content.decode()
    assert not admin.memberships.filter(role=Role.DIRECTOR).exists()
    page = client.get(reverse("network:user_detail", args=[admin.pk])).content.decode()
    assert reverse("network:membership_add", args=[admin.pk]) not in page


def test_it_refuses_a_director_widening_their_own_membership(api_as, world, login):
    director = world.users["director"]
    own = director.memberships.get()
    world.home_org_b.access_points.add(world.ap_a)

    page = login(director).get(reverse("network:membership_edit", args=[own.pk]))
    response = api_as(director).patch(f"{MEMBERSHIPS}{own.pk}/", {"role": Role.SOCIAL_EXPERT}, format="json")

    assert page.status_code == 403
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == Role.DIRECTOR


def test_it_offers_no_membership_or_user_editing_in_the_django_admin(client, world):
    superuser = UserFactory(username="tecnico", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/network/membership/add/").status_code == 404
    assert client.get(f"/admin/accounts/user/{superuser.pk}/change/").status_code == 404
    assert client.get("/admin/core/auditentry/").status_code == 200


# --- two people for a role that reads persons --------------------------------------------

def test_it_activates_a_directors_grant_at_once(api_as, world):
    board_member = world.users["board_viewer"]

    response = _grant(api_as(world.users["director"]), board_member, world.home_org_a, Role.SOCIAL_EXPERT,
                      [world.ap_a])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_active"] is True and body["is_pending"] is False
    assert body["approved_by"] == world.users["director"].pk


def test_it_keeps_an_admins_grant_pending_until_a_director_approves(api_as, world, newcomer, person, login):
    response = _grant(api_as(world.users["admin"]), newcomer, world.home_org_a, Role.DIRECTOR, [world.ap_a])

    assert response.status_code == 201, response.content
    assert response.json()["is_pending"] is True and response.json()["is_active"] is False
    membership = Membership.objects.get(pk=response.json()["id"])
    grantee = login(newcomer)
    assert grantee.get(reverse("people:person_detail", args=[person.pk])).status_code in (403, 404)
    assert person.pk not in [p["id"] for p in api_as(newcomer).get(PERSONS).json().get("results", [])]
    assert not newcomer.has_perm("people.view_person", person)

    director = login(world.users["director"])
    listing = director.get(reverse("network:user_list")).content.decode()
    assert reverse("network:membership_approve", args=[membership.pk]) in listing
    approved = director.post(reverse("network:membership_approve", args=[membership.pk]))

    assert approved.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active and membership.approved_by == world.users["director"]
    grantee = login(newcomer)
    assert grantee.get(reverse("people:person_detail", args=[person.pk])).status_code == 200
    entries = AuditEntry.objects.filter(object_type="network.membership", object_id=str(membership.pk))
    assert [(e.action, e.actor_username) for e in entries.order_by("id")] == [
        ("create", "admin_a"), ("update", "director_a")]


def test_it_lets_a_different_admin_approve_through_the_api(api_as, world, newcomer, second_admin):
    created = _grant(api_as(world.users["admin"]), newcomer, world.home_org_a, Role.LABOUR_EXPERT, [world.ap_a])
    membership = Membership.objects.get(pk=created.json()["id"])

    response = _approve(api_as(second_admin), membership)

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True and response.json()["approved_by"] == second_admin.pk


def test_it_refuses_the_grantor_approving_their_own_grant(api_as, world, newcomer, login, english_personas):
    admin = world.users["admin"]
    created = _grant(api_as(admin), newcomer, world.home_org_a, Role.SOCIAL_EXPERT, [world.ap_a])
    membership = Membership.objects.get(pk=created.json()["id"])

    by_api = _approve(api_as(admin), membership)
    by_page = login(admin).post(reverse("network:membership_approve", args=[membership.pk]))

    assert by_api.status_code == 400
    assert "another director" in str(by_api.json()["error"])
    assert by_page.status_code == 302
    membership.refresh_from_db()
    assert membership.is_pending and not membership.is_active
    listing = login(admin).get(reverse("network:user_list")).content.decode()
    assert reverse("network:membership_approve", args=[membership.pk]) not in listing


def test_it_refuses_the_grantee_approving_their_own_grant(api_as, world, second_admin):
    """An administrator made director by a colleague cannot approve it themselves."""
    created = _grant(api_as(world.users["admin"]), second_admin, world.home_org_a, Role.DIRECTOR, [world.ap_a])
    membership = Membership.objects.get(pk=created.json()["id"])

    response = _approve(api_as(second_admin), membership)

    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.is_pending


def test_it_refuses_approval_by_a_director_of_another_access_point(api_as, world, newcomer):
    created = _grant(api_as(world.users["admin"]), newcomer, world.home_org_a, Role.SOCIAL_EXPERT, [world.ap_a])

    response = _approve(api_as(world.other_director), Membership.objects.get(pk=created.json()["id"]))

    assert response.status_code == 404


def test_it_makes_an_admin_widening_a_role_pending_again(api_as, world):
    expert = world.users["social_expert"]
    membership = expert.memberships.get()
    world.home_org_a.access_points.add(world.ap_b)

    response = api_as(world.users["admin"]).patch(f"{MEMBERSHIPS}{membership.pk}/",
                                                   {"access_points": [world.ap_a.pk, world.ap_b.pk]}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["is_pending"] is True
    assert not expert.has_perm("network.view_accesspoint", world.ap_b)


def test_it_needs_no_second_person_for_roles_that_read_no_person(api_as, world, newcomer):
    response = _grant(api_as(world.users["admin"]), newcomer, world.home_org_a, Role.BOARD_VIEWER, [world.ap_a])

    assert response.json()["is_active"] is True and response.json()["is_pending"] is False


def test_it_lists_pending_grants_in_bounded_queries(api_as, world, login, django_assert_max_num_queries):
    admin_client = api_as(world.users["admin"])
    for n in range(6):
        _grant(admin_client, UserFactory(username=f"attesa_{n}"), world.home_org_a, Role.OUTREACH_OPERATOR,
               [world.ap_a])
    client = login(world.users["director"])

    with django_assert_max_num_queries(20):
        response = client.get(reverse("network:user_list"))

    assert response.content.decode().count('action="/network/memberships/') == 6


# --- superusers don't read persons -------------------------------------------------------

@pytest.fixture
def superuser_elsewhere(world):
    """A technical administrator who is also a director, at the other access point."""
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, organisation=world.home_org_b, role=Role.DIRECTOR, access_points=[world.ap_b])
    return user


def test_it_keeps_a_superuser_out_of_persons_and_cases_typed_by_url(superuser_elsewhere, person, login):
    case = CaseFactory(person=person)
    client = login(superuser_elsewhere)

    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code in (403, 404)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code in (403, 404)
    assert not superuser_elsewhere.has_perm("people.view_person", person)
    assert not superuser_elsewhere.has_perm("people.view_person")


def test_it_keeps_a_superuser_out_of_persons_through_the_api(superuser_elsewhere, person, api_as):
    client = api_as(superuser_elsewhere)

    listed = client.get(PERSONS)
    detail = client.get(f"{PERSONS}{person.pk}/")

    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert person.pk not in [p["id"] for p in listed.json()["results"]]
    assert detail.status_code in (403, 404)


def test_it_still_lets_a_superuser_administer(superuser_elsewhere, world, login):
    client = login(superuser_elsewhere)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get(reverse("network:organisation_detail", args=[world.org_a.pk])).status_code == 200
    assert superuser_elsewhere.has_perm("network.change_organisation", world.org_a)
