"""One error body for every API failure.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}

``fields`` is present for validation errors and maps each field (or
``non_field_errors``) to its messages.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def _first_code(detail):
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_code(value)
    if isinstance(detail, list) and detail:
        return _first_code(detail[0])
    return getattr(detail, "code", "error")


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body.update(code="invalid", message=str(_("The data sent is not valid.")), fields=detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body.update(code=getattr(detail, "code", _first_code(detail)), message=str(detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        body["code"] = "not_authenticated" if body["code"] == "error" else body["code"]
    response.data = {"error": body}
    return response


def _(text):
    from django.utils.translation import gettext

    return gettext(text)
