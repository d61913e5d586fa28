"""Organisations: scoped lists and details, creation and edits through the
services (audited), deactivation instead of deletion."""

import pytest
from stdnum.it import codicefiscale

from pua.network.models import Organisation

from .assertions import assert_error, audit_entries, ids

URL = "/api/v1/organisations/"
VALID_TAX_CODE = "00743110157"  # 11 digits, valid check digit (stdnum.it.iva / codicefiscale)
OTHER_VALID_TAX_CODE = "02748960321"
INVALID_TAX_CODE = "12345678901"  # wrong check digit


def _new_organisation(world, **extra):
    return {"name": "Cooperativa Gamma", "kind": "social_coop_a", "tax_code": VALID_TAX_CODE,
            "access_points": [world.ap_a.pk], **extra}


def test_it_uses_tax_codes_that_stdnum_judges_as_the_tests_expect():
    assert codicefiscale.is_valid(VALID_TAX_CODE) and codicefiscale.is_valid(OTHER_VALID_TAX_CODE)
    assert not codicefiscale.is_valid(INVALID_TAX_CODE)


@pytest.mark.parametrize("role", ["director", "social_expert", "outreach_operator", "board_viewer"])
def test_it_lists_the_network_of_the_users_access_points_only(api_as, world, role):
    response = api_as(world.users[role]).get(URL)

    assert ids(response) == {world.org_a.pk, world.partner_org.pk, world.home_org_a.pk}


def test_it_shows_a_partner_only_their_own_organisation(api_as, world):
    api = api_as(world.users["partner_operator"])

    assert ids(api.get(URL)) == {world.partner_org.pk}
    assert api.get(f"{URL}{world.partner_org.pk}/").json()["name"] == "Associazione Partner"
    assert_error(api.get(f"{URL}{world.org_a.pk}/"), 404)


def test_it_hides_the_organisations_of_another_access_point(api_as, world):
    api = api_as(world.other_director)

    assert world.org_a.pk not in ids(api.get(URL))
    assert_error(api.get(f"{URL}{world.org_a.pk}/"), 404, "not_found")
    assert_error(api.patch(f"{URL}{world.org_a.pk}/", {"name": "X"}, format="json"), 404)
    assert_error(api.delete(f"{URL}{world.org_a.pk}/"), 404)
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Cooperativa Alfa" and world.org_a.is_active


def test_it_shows_an_organisation_with_its_network(api_as, world):
    response = api_as(world.users["social_expert"]).get(f"{URL}{world.org_a.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Cooperativa Alfa"
    assert body["access_points"] == [world.ap_a.pk]
    assert body["is_active"] is True


def test_it_lets_a_director_create_an_organisation_in_their_network(api_as, world):
    response = api_as(world.users["director"]).post(URL, _new_organisation(world, vat_number="00743110157"),
                                                   format="json")

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.name == "Cooperativa Gamma"
    assert list(organisation.access_points.all()) == [world.ap_a]
    entry = audit_entries(organisation, "create").get()
    assert entry.actor_username == "director_a"
    assert entry.changes["name"] == [None, "Cooperativa Gamma"]
    assert entry.changes["tax_code"] == [None, VALID_TAX_CODE]
    assert entry.changes["access_points"] == [None, [world.ap_a.pk]]


def test_it_normalises_identifiers_through_the_service(api_as, world):
    response = api_as(world.users["director"]).post(
        URL, _new_organisation(world, tax_code="007 4311 0157"), format="json")

    # The validators ignore the spaces; the service stores the compact form.
    assert response.status_code == 201, response.content
    assert response.json()["tax_code"] == VALID_TAX_CODE


def test_it_rejects_an_invalid_tax_code_with_field_errors(api_as, world):
    response = api_as(world.users["director"]).post(URL, _new_organisation(world, tax_code=INVALID_TAX_CODE),
                                                   format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["tax_code"]
    assert error["fields"]["tax_code"]
    assert not Organisation.objects.filter(name="Cooperativa Gamma").exists()


def test_it_rejects_a_tax_code_already_in_use(api_as, world):
    world.org_b.tax_code = VALID_TAX_CODE
    world.org_b.save()

    response = api_as(world.users["director"]).post(URL, _new_organisation(world), format="json")

    error = assert_error(response, 400, "invalid")
    assert "tax_code" in error["fields"]


def test_it_refuses_to_create_an_organisation_in_another_network(api_as, world):
    response = api_as(world.users["director"]).post(
        URL, _new_organisation(world, access_points=[world.ap_b.pk]), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["access_points"]
    assert not Organisation.objects.filter(name="Cooperativa Gamma").exists()


def test_it_requires_at_least_one_access_point(api_as, world):
    response = api_as(world.users["director"]).post(URL, _new_organisation(world, access_points=[]),
                                                   format="json")

    assert "access_points" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("role", ["social_expert", "board_viewer", "partner_operator", "regional_coordinator"])
def test_it_forbids_other_roles_to_create_organisations(api_as, world, role):
    response = api_as(world.users[role]).post(URL, _new_organisation(world), format="json")

    assert_error(response, 403, "permission_denied")
    assert not Organisation.objects.filter(name="Cooperativa Gamma").exists()


def test_it_lets_an_administrator_create_an_organisation_anywhere(api_as, world):
    response = api_as(world.users["admin"]).post(
        URL, _new_organisation(world, access_points=[world.ap_a.pk, world.ap_b.pk]), format="json")

    assert response.status_code == 201, response.content
    assert sorted(response.json()["access_points"]) == sorted([world.ap_a.pk, world.ap_b.pk])


def test_it_updates_an_organisation_through_the_service_and_audits_the_changes(api_as, world):
    response = api_as(world.users["director"]).patch(
        f"{URL}{world.org_a.pk}/", {"name": "Cooperativa Alfa Nuova", "tax_code": OTHER_VALID_TAX_CODE},
        format="json")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Cooperativa Alfa Nuova"
    world.org_a.refresh_from_db()
    assert world.org_a.tax_code == OTHER_VALID_TAX_CODE
    entry = audit_entries(world.org_a, "update").get()
    assert entry.changes == {"name": ["Cooperativa Alfa", "Cooperativa Alfa Nuova"],
                             "tax_code": ["", OTHER_VALID_TAX_CODE]}


def test_it_rejects_an_invalid_update_without_changing_anything(api_as, world):
    response = api_as(world.users["director"]).patch(f"{URL}{world.org_a.pk}/",
                                                    {"vat_number": "12345678901"}, format="json")

    assert "vat_number" in assert_error(response, 400, "invalid")["fields"]
    world.org_a.refresh_from_db()
    assert world.org_a.vat_number == ""
    assert not audit_entries(world.org_a, "update").exists()


def test_it_lets_a_partner_edit_their_organisation_but_not_switch_it_off(api_as, world):
    api = api_as(world.users["partner_operator"])
    url = f"{URL}{world.partner_org.pk}/"

    assert api.patch(url, {"phone": "0372 1"}, format="json").status_code == 200
    assert_error(api.patch(url, {"is_active": False}, format="json"), 403)
    assert_error(api.delete(url), 403)
    world.partner_org.refresh_from_db()
    assert world.partner_org.phone == "0372 1" and world.partner_org.is_active


def test_it_forbids_a_board_viewer_to_edit_an_organisation_it_sees(api_as, world):
    api = api_as(world.users["board_viewer"])

    assert_error(api.patch(f"{URL}{world.org_a.pk}/", {"name": "X"}, format="json"), 403, "permission_denied")
    assert_error(api.delete(f"{URL}{world.org_a.pk}/"), 403)
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Cooperativa Alfa"


def test_it_moves_an_organisation_only_between_networks_the_director_manages(api_as, world):
    api = api_as(world.users["director"])

    response = api.patch(f"{URL}{world.org_a.pk}/", {"access_points": [world.ap_b.pk]}, format="json")

    assert "access_points" in assert_error(response, 400)["fields"]
    assert list(world.org_a.access_points.all()) == [world.ap_a]


def test_it_deactivates_an_organisation_on_delete(api_as, world):
    api = api_as(world.users["director"])

    response = api.delete(f"{URL}{world.org_a.pk}/")

    assert response.status_code == 204
    world.org_a.refresh_from_db()
    assert world.org_a.is_active is False
    assert audit_entries(world.org_a, "delete").get().changes == {"is_active": [True, False]}
    # Still there, and reactivated by a PATCH.
    assert api.get(f"{URL}{world.org_a.pk}/").json()["is_active"] is False
    assert api.patch(f"{URL}{world.org_a.pk}/", {"is_active": True}, format="json").json()["is_active"] is True
    assert audit_entries(world.org_a, "update").get().changes == {"is_active": [False, True]}


def test_it_filters_organisations(api_as, world):
    world.org_b.is_active = False
    world.org_b.tax_code = VALID_TAX_CODE
    world.org_b.save()
    api = api_as(world.users["admin"])

    assert ids(api.get(URL, {"kind": "public_body"})) == {world.home_org_a.pk, world.home_org_b.pk}
    assert ids(api.get(URL, {"is_active": "false"})) == {world.org_b.pk}
    assert ids(api.get(URL, {"access_point": world.ap_b.pk})) == {world.org_b.pk, world.home_org_b.pk}
    assert ids(api.get(URL, {"search": "partner"})) == {world.partner_org.pk}
    assert ids(api.get(URL, {"search": VALID_TAX_CODE})) == {world.org_b.pk}
    names = [row["name"] for row in api.get(URL, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)


def test_it_rejects_a_filter_on_an_access_point_the_user_cannot_see(api_as, world):
    response = api_as(world.users["director"]).get(URL, {"access_point": world.ap_b.pk})

    assert "access_point" in assert_error(response, 400, "invalid")["fields"]


def test_it_creates_an_inactive_organisation_when_asked(api_as, world):
    response = api_as(world.users["director"]).post(URL, _new_organisation(world, is_active=False), format="json")

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.is_active is False
    assert audit_entries(organisation, "create").exists() and audit_entries(organisation, "delete").exists()
