"""Optimistic concurrency in the API: ETag and If-Match.

Every read of one record (``retrieve``) and every successful change of one
answers with its ``ETag`` (``pua.core.concurrency.etag``: the record's type,
id and version). Every change of an existing record — PATCH, PUT, DELETE and
the POST actions that move its state, listed in a viewset's
``if_match_actions`` — must send that ETag back in ``If-Match``:

- missing (or ``*``): 428 Precondition Required;
- not the current one: 412 Precondition Failed, with the current ``ETag``;
- the current one: the view passes ``self.if_match(obj)`` to the service as
  ``expected_version``, so that a change made between the check and the write
  is refused too (``StaleObject`` → 412).

Both errors have the API's usual error body (``pua.api.errors``).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status

from pua.core.concurrency import StaleObject, etag

from .schema import ApiAutoSchema

CHANGE_ACTIONS = ("update", "partial_update", "destroy")


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _("Send the ETag you last read of this record in the If-Match header.")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = _("This record changed since you read it: read it again and apply your change to the "
                       "current version (its ETag is in this response).")


def _tags(header: str) -> list[str]:
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.append(tag)
    return tags


def _versioned(model) -> bool:
    """Whether ``model`` counts its changes in an integer ``version``."""
    try:
        return model._meta.get_field("version").get_internal_type() == "PositiveIntegerField"
    except FieldDoesNotExist:
        return False


class ConcurrencyMixin:
    """For ``ApiViewSet``: ETag on reads and changes of one record, If-Match
    required on changes. Viewsets name their state-changing POST actions in
    ``if_match_actions`` and pass ``self.if_match(obj)`` to the services."""

    if_match_actions: tuple[str, ...] = ()

    def needs_if_match(self) -> bool:
        action = getattr(self, "action", None)
        return action in CHANGE_ACTIONS or action in self.if_match_actions

    def _sends_etag(self) -> bool:
        return getattr(self, "action", None) == "retrieve" or self.needs_if_match()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.needs_if_match() and request.method not in ("GET", "HEAD", "OPTIONS"):
            header = request.headers.get("If-Match", "").strip()
            if not header or header == "*":
                raise PreconditionRequired

    def if_match(self, obj) -> int | None:
        """The version the client's If-Match names, when it is ``obj``'s
        current one; 412 otherwise. None on a read."""
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        current = etag(obj)
        if current not in _tags(self.request.headers.get("If-Match", "")):
            self._stale_etag = current
            raise PreconditionFailed
        return obj.version

    def _current_etag(self) -> str | None:
        model = getattr(self, "model", None)
        pk = self.kwargs.get(getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk"))
        if model is None or pk is None or not str(pk).isdigit() or not _versioned(model):
            return None
        row = model._base_manager.filter(pk=pk).values_list("pk", "version").first()
        if row is None:
            return None
        return f'"{model._meta.label_lower}.{row[0]}.v{row[1]}"'

    def handle_exception(self, exc):
        if isinstance(exc, StaleObject):
            self._stale_etag = etag(exc.current)
            exc = PreconditionFailed()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == status.HTTP_412_PRECONDITION_FAILED:
            tag = getattr(self, "_stale_etag", None) or self._current_etag()
            if tag:
                response["ETag"] = tag
        elif (200 <= response.status_code < 300 and response.status_code != status.HTTP_204_NO_CONTENT
              and self._sends_etag()):
            tag = self._current_etag()
            if tag:
                response["ETag"] = tag
        return response


IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The ETag of the record as last read: the change is refused (412) when the record changed since.")
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=["200"],
    description="The record's current version; send it back in If-Match to change the record.")


class ConcurrencyAutoSchema(ApiAutoSchema):
    """Documents If-Match, ETag, 412 and 428 on the operations that use them."""

    def _needs_if_match(self) -> bool:
        view = self.view
        return (self.method not in ("GET", "HEAD", "OPTIONS") and hasattr(view, "needs_if_match")
                and view.needs_if_match())

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._needs_if_match():
            parameters.append(IF_MATCH)
        view = self.view
        if hasattr(view, "needs_if_match") and (getattr(view, "action", None) == "retrieve"
                                                 or self._needs_if_match()):
            parameters.append(ETAG)
        return parameters

    def _error_responses(self):
        yield from super()._error_responses()
        if self._needs_if_match():
            yield "412", "The record changed since it was read (If-Match is not its current ETag)."
            yield "428", "If-Match is missing."
