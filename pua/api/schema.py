"""OpenAPI generation: every operation also documents the error body.

A serializer whose keys depend on the audience (``pua.people.fields``: the
partner's shared view, identity, special categories) names the keys every
audience gets in ``always_present``; the others are documented as optional
in responses, so the schema holds for every reader.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer


class ApiAutoSchema(AutoSchema):
    def get_tags(self):
        # One tag per resource ("organisations"), not per version ("v1").
        tokens = [t for t in self._tokenize_path() if t not in ("api", "v1")]
        return tokens[:1]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_responses():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code, direction=direction,
                )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        always = getattr(serializer, "always_present", None)
        if always is not None and direction == "response" and "required" in result:
            result["required"] = [name for name in result["required"] if name in always]
            if not result["required"]:
                del result["required"]
        return result

    def _error_responses(self):
        has_filters = getattr(self.view, "filterset_class", None) is not None and self._is_list_view()
        if self.method in ("POST", "PUT", "PATCH") or has_filters:
            yield "400", "The data or the filters sent are not valid."
        yield "401", "Not authenticated."
        yield "403", "Not allowed."
        if "{" in self.path:
            yield "404", "Not found, or not visible to you."


class SingleDocumentSchema(ApiAutoSchema):
    """For list routes that answer one document (a GeoJSON FeatureCollection),
    not an array of results."""

    def _is_list_view(self, serializer=None):
        return False
