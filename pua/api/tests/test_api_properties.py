"""Property-based tests of the whole API from its OpenAPI schema
(schemathesis): every operation, with generated valid and invalid data,
signed in as a director (every operation) and as a partner operator (what
partners read, and the status of the plan actions they provide), never
answers with a server error and always answers as its schema says.

Bounded for CI: a few examples per operation, derandomized (the same
examples on every run), no deadline.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 3


def _openapi() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = get_wsgi_application()
partner_schema = schema.include(method="GET", path_regex=r"^/api/v1/(plan-actions|persons|offerings|"
                                                          r"organisation-profiles|search|geojson|me)")
partner_updates = schema.include(method="POST", path_regex=r"^/api/v1/plan-actions/\{id\}/status/$")

HYPOTHESIS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))

CSRF = "propertiesCsrfToken0123456789abc"


def _credentials(client):
    """The session of a signed-in test client, with a CSRF cookie and header."""
    return {"cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
            "headers": {"X-CSRFToken": CSRF}}


def _signed_in(client, settings, user):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis calls the application by
    client.force_login(user)
    return _credentials(client)


@pytest.fixture
def director(client, world, settings):
    return _signed_in(client, settings, world.users["director"])


@pytest.fixture
def partner(client, world, settings):
    return _signed_in(client, settings, world.users["partner_operator"])


@pytest.fixture(autouse=True)
def _connection_stays_open():
    """The application is called directly, not through Django's test client,
    so Django would close the database connection at the end of every request:
    on PostgreSQL that is the connection holding the test's transaction. Keep
    it open for the test, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _check(case, credentials):
    response = case.call(**credentials)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


@schema.parametrize()
@HYPOTHESIS
def test_every_api_operation_answers_a_director_without_server_errors_and_as_documented(case, director):
    _check(case, director)


@partner_schema.parametrize()
@HYPOTHESIS
def test_what_partners_read_answers_without_server_errors_and_as_documented(case, partner):
    _check(case, partner)


@partner_updates.parametrize()
@HYPOTHESIS
def test_the_action_status_a_partner_sends_answers_without_server_errors_and_as_documented(case, partner):
    _check(case, partner)


@pytest.mark.parametrize("persona", ["director", "partner"])
def test_the_generated_requests_are_signed_in(request, persona):
    credentials = request.getfixturevalue(persona)
    case = schema["/api/v1/me/"]["GET"].Case()

    response = case.call(**credentials)

    assert response.status_code == 200, response.text
