"""/api/v1/me/: who the signed-in user is and where they work."""

from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory


def test_it_describes_the_signed_in_user(api_as, world):
    director = world.users["director"]

    body = api_as(director).get("/api/v1/me/").json()

    assert body["username"] == "director_a"
    assert (body["first_name"], body["last_name"]) == (director.first_name, director.last_name)
    assert body["email"] == "director_a@example.org"
    assert body["preferred_language"] == "it"
    assert body["is_admin"] is False
    assert body["memberships"] == [{
        "role": "director",
        "organisation": {"id": world.home_org_a.pk, "name": "Comune Alfa"},
        "access_points": [world.ap_a.pk],
    }]
    assert body["permissions"] == {"add_organisation": True, "add_user": True, "add_membership": True,
                                   "view_auditentry": True}


def test_it_lists_every_active_membership_and_no_inactive_one(api_as, world):
    worker = world.other_worker
    MembershipFactory(user=worker, organisation=world.org_b, role=Role.LABOUR_EXPERT, access_points=[world.ap_b])
    MembershipFactory(user=worker, organisation=world.org_b, role=Role.OUTREACH_OPERATOR,
                      access_points=[world.ap_b], is_active=False)

    body = api_as(worker).get("/api/v1/me/").json()

    assert sorted(m["role"] for m in body["memberships"]) == ["labour_expert", "social_expert"]
    assert body["permissions"] == {"add_organisation": False, "add_user": False, "add_membership": False,
                                   "view_auditentry": False}


def test_it_tells_an_administrator_so(api_as, world):
    body = api_as(world.users["admin"]).get("/api/v1/me/").json()

    assert body["is_admin"] is True
    assert body["memberships"][0]["role"] == "admin"
    assert body["memberships"][0]["access_points"] == []


def test_it_offers_no_way_to_change_the_user(api_as, world):
    response = api_as(world.users["social_expert"]).patch("/api/v1/me/", {"email": "x@example.org"}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
