from io import StringIO

from django.core.management import call_command

from pua.core.models import AuditEntry

from .clients import ConditionalAPIClient as APIClient


def _token_client(username):
    out = StringIO()
    call_command("apitoken", username, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return client


def test_it_scopes_token_changes_to_the_callers_access_point(world):
    client = _token_client("director_a")
    response = client.delete(f"/api/v1/organisations/{world.org_a.pk}/")
    assert response.status_code == 204
    entry = AuditEntry.objects.get(action="delete", object_id=str(world.org_a.pk))
    assert entry.access_point_id == world.ap_a.pk
    assert "sessionid" not in response.cookies


def test_it_lets_a_token_client_name_its_access_point(world):
    director = world.users["director"]
    director.memberships.get().access_points.add(world.ap_b)
    client = _token_client("director_a")
    response = client.delete(f"/api/v1/organisations/{world.org_b.pk}/", HTTP_X_ACCESS_POINT=str(world.ap_b.pk))
    assert response.status_code == 204
    assert AuditEntry.objects.get(action="delete", object_id=str(world.org_b.pk)).access_point_id == world.ap_b.pk
