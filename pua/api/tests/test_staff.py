"""Users and memberships: directors manage the staff of their access points,
administrators everyone; nobody else gets in."""

import pytest
from django.contrib.auth import get_user_model

from pua.network.models import Membership, Role
from pua.network.tests.factories import MembershipFactory, UserFactory

from .assertions import assert_error, audit_entries, ids

User = get_user_model()
USERS = "/api/v1/users/"
MEMBERSHIPS = "/api/v1/memberships/"
NOT_STAFF_MANAGERS = ["social_expert", "labour_expert", "outreach_operator", "partner_operator", "board_viewer",
                      "regional_coordinator"]


def _new_user(world, **membership):
    return {
        "username": "nuova_operatrice", "first_name": "Giulia", "last_name": "Neri",
        "email": "giulia.neri@example.org", "preferred_language": "it",
        "membership": {"organisation": world.home_org_a.pk, "role": "outreach_operator",
                       "access_points": [world.ap_a.pk], **membership},
    }


@pytest.mark.parametrize("role", NOT_STAFF_MANAGERS)
@pytest.mark.parametrize("url", [USERS, MEMBERSHIPS])
def test_it_closes_the_staff_to_roles_that_do_not_manage_it(api_as, world, role, url):
    api = api_as(world.users[role])

    assert_error(api.get(url), 403, "permission_denied")
    # Not even one's own account: that is what /me/ is for.
    assert_error(api.get(f"{USERS}{world.users[role].pk}/"), 403)


@pytest.mark.parametrize("role", NOT_STAFF_MANAGERS)
def test_it_forbids_other_roles_to_create_staff(api_as, world, role):
    api = api_as(world.users[role])

    assert_error(api.post(USERS, _new_user(world), format="json"), 403)
    membership = {"user": world.users[role].pk, "organisation": world.org_a.pk, "role": "director",
                  "access_points": [world.ap_a.pk]}
    assert_error(api.post(MEMBERSHIPS, membership, format="json"), 403)
    assert not User.objects.filter(username="nuova_operatrice").exists()
    assert not Membership.objects.filter(user=world.users[role], role="director").exists()


def test_it_lists_the_staff_of_the_directors_access_points(api_as, world):
    api = api_as(world.users["director"])

    listed = ids(api.get(USERS, {"page_size": 50}))

    at_a = {u.pk for role, u in world.users.items() if role != "admin"}
    assert listed == at_a
    assert world.other_director.pk not in listed and world.other_worker.pk not in listed
    assert_error(api.get(f"{USERS}{world.other_worker.pk}/"), 404, "not_found")


def test_it_shows_a_director_only_the_memberships_at_their_access_points(api_as, world):
    colleague = world.users["labour_expert"]
    MembershipFactory(user=colleague, organisation=world.home_org_b, role=Role.SOCIAL_EXPERT,
                      access_points=[world.ap_b])
    api = api_as(world.users["director"])

    body = api.get(f"{USERS}{colleague.pk}/").json()

    assert [(m["role"], m["organisation"]["name"], m["access_points"]) for m in body["memberships"]] == [
        ("labour_expert", "Comune Alfa", [world.ap_a.pk]),
    ]
    assert body["username"] == "labour_expert_a"
    assert "membership" not in body
    admin_view = api_as(world.users["admin"]).get(f"{USERS}{colleague.pk}/").json()
    assert len(admin_view["memberships"]) == 2


def test_it_lets_a_director_create_a_user_with_a_first_membership(api_as, world):
    response = api_as(world.users["director"]).post(USERS, _new_user(world), format="json")

    assert response.status_code == 201, response.content
    user = User.objects.get(username="nuova_operatrice")
    assert response.json()["id"] == user.pk
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.role, membership.organisation, list(membership.access_points.all())) == (
        "outreach_operator", world.home_org_a, [world.ap_a])
    assert [m["role"] for m in response.json()["memberships"]] == ["outreach_operator"]
    user_entry = audit_entries(user, "create").get()
    assert user_entry.actor_username == "director_a"
    assert user_entry.changes["email"] == [None, "giulia.neri@example.org"]
    assert audit_entries(membership, "create").get().changes["role"] == [None, "outreach_operator"]


def test_it_refuses_to_let_a_director_grant_the_admin_role(api_as, world):
    response = api_as(world.users["director"]).post(USERS, _new_user(world, role="admin"), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["membership"]
    assert list(error["fields"]["membership"]) == ["role"]
    assert not User.objects.filter(username="nuova_operatrice").exists()


def test_it_creates_no_user_when_the_membership_is_refused(api_as, world):
    # A membership without access points is refused by the service, after the
    # user was created: the transaction must undo both, and the error is
    # reported under "membership", where the client sent it.
    response = api_as(world.users["director"]).post(USERS, _new_user(world, access_points=[]), format="json")

    assert list(assert_error(response, 400, "invalid")["fields"]) == ["membership"]
    assert not User.objects.filter(username="nuova_operatrice").exists()


def test_it_rejects_a_taken_username_and_a_missing_email(api_as, world):
    payload = _new_user(world)
    payload.update(username="social_expert_a", email="")

    error = assert_error(api_as(world.users["director"]).post(USERS, payload, format="json"), 400)

    assert {"username", "email"} <= set(error["fields"])


def test_it_refuses_a_membership_at_another_access_point(api_as, world):
    response = api_as(world.users["director"]).post(USERS, _new_user(world, access_points=[world.ap_b.pk]),
                                                   format="json")

    assert list(assert_error(response, 400)["fields"]["membership"]) == ["access_points"]
    assert not User.objects.filter(username="nuova_operatrice").exists()


def test_it_lets_a_director_deactivate_a_colleague_and_audits_it(api_as, world):
    colleague = world.users["outreach_operator"]
    api = api_as(world.users["director"])

    response = api.patch(f"{USERS}{colleague.pk}/", {"is_active": False}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    colleague.refresh_from_db()
    assert colleague.is_active is False
    assert audit_entries(colleague, "update").get().changes == {"is_active": [True, False]}


def test_it_forbids_deactivating_oneself(api_as, world):
    director = world.users["director"]

    response = api_as(director).patch(f"{USERS}{director.pk}/", {"is_active": False}, format="json")

    assert_error(response, 403)
    director.refresh_from_db()
    assert director.is_active


def test_it_hides_other_access_points_staff_from_writes(api_as, world):
    api = api_as(world.other_director)

    assert_error(api.patch(f"{USERS}{world.users['social_expert'].pk}/", {"is_active": False}, format="json"), 404)
    world.users["social_expert"].refresh_from_db()
    assert world.users["social_expert"].is_active


def test_it_lists_the_memberships_a_director_manages(api_as, world):
    api = api_as(world.users["director"])

    listed = ids(api.get(MEMBERSHIPS, {"page_size": 50}))

    at_a = set(Membership.objects.filter(access_points=world.ap_a).exclude(
        role__in=["admin", "regional_coordinator"]).values_list("pk", flat=True))
    assert listed == at_a
    other = world.other_worker.memberships.get()
    assert other.pk not in listed
    assert_error(api.get(f"{MEMBERSHIPS}{other.pk}/"), 404)
    coordinator = world.users["regional_coordinator"].memberships.get()
    assert_error(api.get(f"{MEMBERSHIPS}{coordinator.pk}/"), 404)


def test_it_filters_memberships(api_as, world):
    api = api_as(world.users["director"])
    expert = world.users["social_expert"]

    assert ids(api.get(MEMBERSHIPS, {"user": expert.pk})) == {expert.memberships.get().pk}
    assert ids(api.get(MEMBERSHIPS, {"role": "partner_operator"})) == {
        world.users["partner_operator"].memberships.get().pk}
    assert "user" in assert_error(api.get(MEMBERSHIPS, {"user": world.other_worker.pk}), 400)["fields"]


def test_it_lets_a_director_add_a_membership_and_audits_it(api_as, world):
    person = UserFactory(username="esterno")
    MembershipFactory(user=person, organisation=world.org_a, role=Role.OUTREACH_OPERATOR, access_points=[world.ap_a])
    payload = {"user": person.pk, "organisation": world.partner_org.pk, "role": "partner_operator",
               "access_points": [world.ap_a.pk]}

    response = api_as(world.users["director"]).post(MEMBERSHIPS, payload, format="json")

    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["id"])
    assert (membership.user, membership.role) == (person, "partner_operator")
    assert audit_entries(membership, "create").get().changes == {
        "user": [None, person.pk], "organisation": [None, world.partner_org.pk],
        "role": [None, "partner_operator"], "access_points": [None, [world.ap_a.pk]], "is_active": [None, True],
        "granted_by": [None, world.users["director"].pk], "approved_by": [None, world.users["director"].pk],
        "pending": [None, False]}


def test_it_refuses_a_duplicate_membership(api_as, world):
    expert = world.users["social_expert"]
    payload = {"user": expert.pk, "organisation": world.home_org_a.pk, "role": "social_expert",
               "access_points": [world.ap_a.pk]}

    response = api_as(world.users["director"]).post(MEMBERSHIPS, payload, format="json")

    assert "non_field_errors" in assert_error(response, 400, "invalid")["fields"]
    assert expert.memberships.count() == 1


def test_it_changes_a_membership_and_audits_the_changed_fields(api_as, world):
    membership = world.users["labour_expert"].memberships.get()

    response = api_as(world.users["director"]).patch(f"{MEMBERSHIPS}{membership.pk}/",
                                                    {"role": "social_expert"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["role"] == "social_expert"
    assert response.json()["user"] == world.users["labour_expert"].pk
    membership.refresh_from_db()
    assert membership.role == "social_expert"
    director = world.users["director"].pk
    assert audit_entries(membership, "update").get().changes == {
        "role": ["labour_expert", "social_expert"], "granted_by": [None, director], "approved_by": [None, director]}


def test_it_suspends_a_membership(api_as, world):
    membership = world.users["labour_expert"].memberships.get()

    response = api_as(world.users["director"]).patch(f"{MEMBERSHIPS}{membership.pk}/",
                                                    {"is_active": False}, format="json")

    assert response.json()["is_active"] is False
    assert audit_entries(membership, "update").get().changes == {"is_active": [True, False]}
    assert api_as(world.users["labour_expert"]).get("/api/v1/me/").json()["memberships"] == []


def test_it_refuses_to_let_a_director_promote_to_admin(api_as, world):
    membership = world.users["labour_expert"].memberships.get()

    response = api_as(world.users["director"]).patch(f"{MEMBERSHIPS}{membership.pk}/", {"role": "admin"},
                                                    format="json")

    assert "role" in assert_error(response, 400, "invalid")["fields"]
    membership.refresh_from_db()
    assert membership.role == "labour_expert"


def test_it_lets_an_administrator_grant_the_admin_role(api_as, world):
    membership = world.users["labour_expert"].memberships.get()

    response = api_as(world.users["admin"]).patch(f"{MEMBERSHIPS}{membership.pk}/", {"role": "admin"},
                                                 format="json")

    assert response.status_code == 200, response.content
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_it_hides_another_access_points_memberships_from_writes(api_as, world):
    other = world.other_worker.memberships.get()

    response = api_as(world.users["director"]).patch(f"{MEMBERSHIPS}{other.pk}/", {"role": "director"},
                                                    format="json")

    assert_error(response, 404)
    other.refresh_from_db()
    assert other.role == "social_expert"
