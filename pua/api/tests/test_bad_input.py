"""Bad input to the API gets a clear 4xx in the one error body, never a 500:
deeply nested or oversized JSON, control characters, ids that are not
numbers, and a partner closing the last action they could see."""

import pytest

from pua.cases.models import ActionStatus, PlanAction
from pua.network.models import Organisation
from pua.people.models import Person

from .assertions import assert_error
from .test_plans_api import ACTIONS, _shared_action

PROFILES = "/api/v1/organisation-profiles/"
CONTACTS = "/api/v1/contacts/"


def test_it_refuses_json_nested_thousands_of_levels_deep(api_as, world):
    body = "[" * 5000 + "]" * 5000

    response = api_as(world.users["director"]).generic("PATCH", f"{PROFILES}{world.org_a.pk}/", body,
                                                       content_type="application/json")

    assert "32" in assert_error(response, 400, "parse_error")["message"]  # the limit, named in any language


def test_it_accepts_brackets_inside_strings_whatever_their_number(api_as, world):
    body = '{"description": "' + "[" * 100 + '"}'

    response = api_as(world.users["director"]).generic("PATCH", f"{PROFILES}{world.org_a.pk}/", body,
                                                       content_type="application/json")

    assert response.status_code == 200, response.content
    assert Organisation.objects.get(pk=world.org_a.pk).description == "[" * 100


def test_it_refuses_a_json_body_larger_than_the_limit(api_as, world, settings):
    settings.API_JSON_MAX_BYTES = 1000
    body = '{"description": "' + "x" * 2000 + '"}'

    response = api_as(world.users["director"]).generic("PATCH", f"{PROFILES}{world.org_a.pk}/", body,
                                                       content_type="application/json")

    assert_error(response, 413, "too_large")


@pytest.mark.parametrize("text", ["abc\x00def", "bell\x07", "esc\x1b[0m"])
def test_it_refuses_control_characters_in_json_strings_naming_the_field(api_as, world, text):
    response = api_as(world.users["director"]).patch(f"{PROFILES}{world.org_a.pk}/", {"description": text},
                                                     format="json")

    assert "description" in assert_error(response, 400, "invalid")["fields"]
    assert Organisation.objects.get(pk=world.org_a.pk).description != text


def test_it_keeps_tabs_and_new_lines_in_text(api_as, world):
    response = api_as(world.users["director"]).patch(f"{PROFILES}{world.org_a.pk}/",
                                                     {"description": "uno\tdue\r\ntre"}, format="json")

    assert response.status_code == 200, response.content


def test_it_refuses_control_characters_in_form_bodies(api_as, world):
    response = api_as(world.users["director"]).patch(f"{PROFILES}{world.org_a.pk}/", {"description": "a\x00b"},
                                                     format="multipart")

    assert "description" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "1e3", "99999999999999999999999"])
def test_it_answers_404_for_ids_that_are_not_numbers(api_as, world, pk):
    response = api_as(world.users["director"]).get(f"{PROFILES}{pk}/")

    assert_error(response, 404)


def test_it_shows_a_partner_the_action_they_have_just_closed(api_as, world):
    shared = _shared_action(world)
    partner = api_as(world.users["partner_operator"])

    response = partner.post(f"{ACTIONS}{shared.pk}/status/", {"status": "done", "outcome_note": "Concluso"},
                            format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert PlanAction.objects.get(pk=shared.pk).status == ActionStatus.DONE


@pytest.mark.parametrize("url", ["/api/v1/persons/?q=a%00b", "/api/v1/plan-actions/?status=%01",
                                 "/api/v1/organisations/?na%00me=x"])
def test_it_refuses_control_characters_in_api_query_strings(api_as, world, url):
    assert_error(api_as(world.users["director"]).get(url), 400, "control_characters")


def test_it_refuses_control_characters_in_api_paths(api_as, world):
    assert_error(api_as(world.users["director"]).get(f"{PROFILES}%00/"), 400, "control_characters")


def test_it_refuses_control_characters_in_page_addresses(client, world):
    client.force_login(world.users["director"])

    response = client.get("/people/", {"q": "Rossi\x00"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_forms_refuse_control_characters_in_every_field(client, world):
    client.force_login(world.users["director"])

    response = client.post("/people/new/", {
        "first_name": "Anna\x07", "last_name": "Rossi", "sex": "female\x00", "legal_status": "unknown",
        "education_level": "unknown", "employment_situation": "unknown", "confirm_new": "1"})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "first_name" in errors and "sex" in errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("due_at", ["0234-03-13T14:03:25-07:18", "9999-01-01T10:00:00Z"])
def test_it_refuses_dates_outside_the_years_1900_to_2100(api_as, world, due_at):
    response = api_as(world.users["director"]).post("/api/v1/tasks/", {"kind": "task", "title": "Chiamare",
                                                                       "due_at": due_at}, format="json")

    assert "due_at" in assert_error(response, 400, "invalid")["fields"]


def test_forms_refuse_dates_outside_the_years_1900_to_2100(client, world):
    client.force_login(world.users["director"])

    response = client.post("/people/new/", {
        "last_name": "Rossi", "birth_date": "1850-01-01", "legal_status": "unknown", "education_level": "unknown",
        "employment_situation": "unknown", "confirm_new": "1"})

    assert "birth_date" in response.context["form"].errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("value", ["1.3524813359003344e+44", "99999999999999999999999", "1.5", "-3"])
def test_it_refuses_id_filters_that_are_no_ids(api_as, world, value):
    response = api_as(world.users["director"]).get("/api/v1/offerings/", {"organisation": value})

    assert "organisation" in assert_error(response, 400, "invalid")["fields"]
