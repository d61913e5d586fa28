"""Assertions shared by the API tests."""

from pua.core.models import AuditEntry


def assert_error(response, status, code=None):
    """The response carries the one error body of pua.api.errors; returns it."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def ids(response):
    """The ids on a page of a list response."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def audit_entries(obj, action):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)
