"""The OpenAPI schema and its Swagger UI."""

import re
from io import StringIO

import yaml
from django.core.management import call_command

from .assertions import assert_error


def test_it_generates_a_valid_schema_without_warnings(db):
    out = StringIO()

    # --fail-on-warn makes any warning or error raise, failing the test.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    schema = yaml.safe_load(out.getvalue())
    assert schema["info"]["title"] == "PUA API"
    assert {"/api/v1/organisations/", "/api/v1/organisations/{id}/", "/api/v1/me/"} <= set(schema["paths"])
    error = schema["paths"]["/api/v1/organisations/"]["post"]["responses"]["400"]["content"]["application/json"]
    assert error["schema"]["$ref"] == "#/components/schemas/Error"


def test_it_serves_the_schema_to_signed_in_users(api_as, world):
    response = api_as(world.users["social_expert"]).get("/api/schema/?format=json")

    assert response.status_code == 200
    assert "/api/v1/access-points/{id}/" in response.json()["paths"]


def test_it_refuses_the_schema_to_anonymous_clients(api, db):
    assert_error(api.get("/api/schema/?format=json"), 401)


def test_it_serves_the_docs_without_inline_scripts(api_as, world):
    api = api_as(world.users["board_viewer"])

    page = api.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="swagger-ui"' in html
    # Every script is loaded from a URL: the Content-Security-Policy forbids inline ones.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = api.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_it_sends_anonymous_visitors_of_the_docs_to_the_login_page(api, db):
    response = api.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
