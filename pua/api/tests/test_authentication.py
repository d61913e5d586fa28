"""Who gets in: anonymous requests, tokens from ``manage.py apitoken``, sessions."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from .assertions import assert_error, audit_entries, ids

LIST_URLS = [
    "/api/v1/",
    "/api/v1/programmes/",
    "/api/v1/territories/",
    "/api/v1/access-points/",
    "/api/v1/organisations/",
    "/api/v1/users/",
    "/api/v1/memberships/",
    "/api/v1/me/",
    "/api/schema/?format=json",
]


def _token_for(username):
    out = StringIO()
    call_command("apitoken", username, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("url", LIST_URLS)
def test_it_answers_anonymous_reads_with_401_and_the_error_body(api, world, url):
    response = api.get(url)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(("method", "url"), [
    ("post", "/api/v1/organisations/"),
    ("patch", "/api/v1/organisations/{org}/"),
    ("delete", "/api/v1/organisations/{org}/"),
    ("get", "/api/v1/organisations/{org}/"),
    ("patch", "/api/v1/access-points/{ap}/"),
    ("post", "/api/v1/users/"),
    ("post", "/api/v1/memberships/"),
])
def test_it_answers_anonymous_writes_and_details_with_401(api, world, method, url):
    url = url.format(org=world.org_a.pk, ap=world.ap_a.pk)

    response = getattr(api, method)(url, {"name": "Nuovo nome"}, format="json")

    assert_error(response, 401, "not_authenticated")
    world.org_a.refresh_from_db()
    assert world.org_a.is_active and world.org_a.name == "Cooperativa Alfa"


def test_it_accepts_the_token_printed_by_apitoken(api, world):
    token = _token_for("director_a")
    assert len(token) == 40

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/organisations/")

    assert world.org_a.pk in ids(response)
    assert world.org_b.pk not in ids(response)
    assert api.get("/api/v1/me/").json()["username"] == "director_a"


def test_it_lets_a_token_holder_write_and_records_who_did_it(api, world):
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token_for('director_a')}")

    response = api.patch(f"/api/v1/organisations/{world.org_a.pk}/", {"phone": "0372 123456"}, format="json")

    assert response.status_code == 200, response.content
    world.org_a.refresh_from_db()
    assert world.org_a.phone == "0372 123456"
    entry = audit_entries(world.org_a, "update").get()
    assert entry.actor_username == "director_a"
    assert entry.changes == {"phone": ["", "0372 123456"]}


def test_it_rejects_an_unknown_token_with_401(api, world):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api.get("/api/v1/me/")

    assert_error(response, 401, "authentication_failed")


def test_it_rejects_the_token_of_a_deactivated_user(api, world):
    token = _token_for("social_expert_a")
    user = world.users["social_expert"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api.get("/api/v1/me/")

    assert_error(response, 401, "authentication_failed")


def test_it_accepts_a_session_login(api, world):
    api.force_login(world.users["social_expert"])

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "social_expert_a"


def test_it_answers_a_missing_object_with_the_error_body(api_as, world):
    response = api_as(world.users["director"]).get("/api/v1/organisations/999999/")

    assert_error(response, 404, "not_found")


def test_it_lists_the_resources_at_the_root(api_as, world):
    body = api_as(world.users["social_expert"]).get("/api/v1/").json()

    assert set(body) == {
        "programmes", "territories", "access-points", "organisations", "users", "memberships",
        "services", "offerings", "sites", "contact-persons",
        "offering-search", "geojson/offerings", "geojson/organisations",
        "agreements", "network-contacts",
        "persons", "cases", "contacts", "consents", "referrals", "plans", "plan-goals", "plan-actions",
        "interventions", "tasks", "documents", "instruments", "responses",
    }


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_answers_unknown_paths_with_the_error_body(api, world, signed_in):
    if signed_in:
        api.force_login(world.users["director"])

    response = api.post("/api/v1/nothing-here/", {}, format="json")

    assert_error(response, 404, "not_found")
    assert response["Content-Type"] == "application/json"


def test_it_requires_the_csrf_token_for_writes_by_session(world):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(world.users["director"])

    response = api.patch(f"/api/v1/organisations/{world.org_a.pk}/", {"name": "X"}, format="json")

    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Cooperativa Alfa"
