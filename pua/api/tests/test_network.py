"""Programmes, territories and access points: read-only for all but the
contact details of an access point, which its director may edit."""

import pytest

from pua.network.tests.factories import MunicipalityFactory, ProgrammeFactory

from .assertions import assert_error, audit_entries, ids


def test_it_lists_only_the_programmes_of_the_users_access_points(api_as, world):
    ProgrammeFactory(code="prog-c", name="Programma C")
    api = api_as(world.users["outreach_operator"])

    response = api.get("/api/v1/programmes/")

    assert ids(response) == {world.ap_a.programme_id}
    assert response.json()["results"][0]["code"] == "prog-a"
    assert_error(api.get(f"/api/v1/programmes/{world.ap_b.programme_id}/"), 404, "not_found")


def test_it_shows_every_programme_to_an_administrator(api_as, world):
    response = api_as(world.users["admin"]).get("/api/v1/programmes/")

    assert ids(response) == {world.ap_a.programme_id, world.ap_b.programme_id}


def test_it_offers_no_way_to_change_a_programme(api_as, world):
    api = api_as(world.users["admin"])

    response = api.patch(f"/api/v1/programmes/{world.ap_a.programme_id}/", {"name": "X"}, format="json")

    assert_error(response, 405, "method_not_allowed")
    assert_error(api.post("/api/v1/programmes/", {"code": "x", "name": "X"}, format="json"), 405)


def test_it_lists_territories_with_their_municipality_codes(api_as, world):
    territory = world.ap_a.territory
    territory.municipalities.set([
        MunicipalityFactory(istat_code="019036", name="Cremona"),
        MunicipalityFactory(istat_code="019035", name="Crema"),
    ])
    api = api_as(world.users["social_expert"])

    response = api.get("/api/v1/territories/")

    assert ids(response) == {territory.pk}
    assert sorted(response.json()["results"][0]["municipalities"]) == ["019035", "019036"]
    detail = api.get(f"/api/v1/territories/{territory.pk}/").json()
    assert detail["name"] == "Ambito Alfa"
    assert sorted(detail["municipalities"]) == ["019035", "019036"]


def test_it_hides_the_territories_of_other_access_points(api_as, world):
    api = api_as(world.other_worker)

    assert ids(api.get("/api/v1/territories/")) == {world.ap_b.territory_id}
    assert_error(api.get(f"/api/v1/territories/{world.ap_a.territory_id}/"), 404)


def test_it_lists_only_the_users_access_points(api_as, world):
    api = api_as(world.users["labour_expert"])

    response = api.get("/api/v1/access-points/")

    assert ids(response) == {world.ap_a.pk}
    assert response.json()["results"][0]["organisation_count"] == 3
    assert_error(api.get(f"/api/v1/access-points/{world.ap_b.pk}/"), 404)


def test_it_lets_a_director_edit_their_access_point_and_audits_it(api_as, world):
    municipality = MunicipalityFactory(istat_code="019036", name="Cremona")
    api = api_as(world.users["director"])

    response = api.patch(f"/api/v1/access-points/{world.ap_a.pk}/",
                         {"phone": "0372 407111", "municipality": "019036"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0372 407111"
    assert response.json()["municipality"] == "019036"
    world.ap_a.refresh_from_db()
    assert world.ap_a.municipality == municipality
    entry = audit_entries(world.ap_a, "update").get()
    assert entry.actor_username == "director_a"
    assert entry.changes == {"municipality": [None, municipality.pk], "phone": ["", "0372 407111"]}


def test_it_rejects_an_invalid_access_point_edit_with_field_errors(api_as, world):
    api = api_as(world.users["director"])

    response = api.patch(f"/api/v1/access-points/{world.ap_a.pk}/",
                         {"email": "not-an-address", "municipality": "999999"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"email", "municipality"}
    assert not audit_entries(world.ap_a, "update").exists()


def test_it_ignores_fields_of_an_access_point_that_are_not_editable(api_as, world):
    api = api_as(world.users["director"])

    response = api.patch(f"/api/v1/access-points/{world.ap_a.pk}/",
                         {"programme": world.ap_b.programme_id, "is_active": False}, format="json")

    assert response.status_code == 200
    world.ap_a.refresh_from_db()
    assert world.ap_a.programme_id != world.ap_b.programme_id and world.ap_a.is_active


@pytest.mark.parametrize("role", ["social_expert", "board_viewer", "regional_coordinator"])
def test_it_forbids_other_roles_to_edit_an_access_point(api_as, world, role):
    response = api_as(world.users[role]).patch(f"/api/v1/access-points/{world.ap_a.pk}/",
                                              {"phone": "1"}, format="json")

    assert_error(response, 403, "permission_denied")
    world.ap_a.refresh_from_db()
    assert world.ap_a.phone == ""


def test_it_hides_another_access_point_from_its_director(api_as, world):
    response = api_as(world.other_director).patch(f"/api/v1/access-points/{world.ap_a.pk}/",
                                                  {"phone": "1"}, format="json")

    assert_error(response, 404)
    world.ap_a.refresh_from_db()
    assert world.ap_a.phone == ""
