"""One error body for every API failure.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}

``fields`` is present for validation errors and maps each field (or
``non_field_errors``) to its messages; nested serializers give nested maps.

Services raise Django's ``ValidationError`` (from ``full_clean`` or their own
checks); it is turned here into DRF's, so a view can call a service and let
its errors through: the client gets the same 400 as for a serializer error.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    """DRF's ValidationError for Django's, keeping messages and codes; ``__all__``
    becomes ``non_field_errors`` as for serializer-level errors."""
    detail = get_error_detail(error)
    if isinstance(detail, dict):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): value
            for key, value in detail.items()
        }
    return exceptions.ValidationError(detail)


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
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error_from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        body.update(code="invalid", message=_("The data sent is not valid."), fields=detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body.update(code=_first_code(detail), message=str(detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED and body["code"] == "error":
        body["code"] = "not_authenticated"
    response.data = {"error": body}
    return response
