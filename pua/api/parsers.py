"""Request body parsers of the API: bounded JSON, and text without control
characters in every body (JSON, form, multipart).

The JSON parser reads at most ``API_JSON_MAX_BYTES`` (413 beyond) and
measures the nesting of the document before decoding it, so a body nested
thousands of levels deep is refused with a 400 instead of exhausting the
interpreter's recursion. Every string of the decoded body — keys included —
is then checked by ``pua.core.text.find_control_character``: NUL and the C0
control characters other than tab, carriage return and line feed are
refused with the field where they were found.
"""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

from pua.core.text import find_control_character

DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_BYTES = 1024 * 1024

# A JSON string (escapes included) or one bracket: strings are skipped, so
# brackets inside them do not count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__(_("The request body is larger than %(limit)d bytes.") % {"limit": limit})


def max_depth() -> int:
    return getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def max_bytes() -> int:
    return getattr(settings, "API_JSON_MAX_BYTES", DEFAULT_MAX_BYTES)


def nesting_depth(text: str, limit: int) -> int:
    """How deeply arrays and objects nest in ``text``, counted up to ``limit + 1``."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def _path(parts) -> str:
    return ".".join(str(part) for part in parts) or "non_field_errors"


def check_text(data, path=()) -> None:
    """Refuse ``data`` (decoded JSON or a QueryDict) when any string in it holds
    a control character; the 400 names where."""
    if isinstance(data, str):
        if find_control_character(data) is not None:
            raise exceptions.ValidationError({_path(path): [_("Control characters (such as NUL) are not allowed.")]})
    elif isinstance(data, dict):
        for key, value in data.items():
            check_text(key, (*path, "<key>"))
            check_text(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_text(value, (*path, index))


def _check_query_dict(data) -> None:
    for key, values in data.lists():
        check_text(key, ("<key>",))
        for value in values:
            check_text(value, (key,))


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a size limit, a depth limit and no control characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = max_bytes()
        request = parser_context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise RequestTooLarge(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(limit)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from None
        depth_limit = max_depth()
        if nesting_depth(text, depth_limit) > depth_limit:
            raise exceptions.ParseError(
                _("The JSON body nests deeper than %(limit)d levels.") % {"limit": depth_limit})
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from None
        check_text(data)
        return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


class FormParser(parsers.FormParser):
    """DRF's form parser, without control characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_query_dict(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, without control characters in the text parts."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_query_dict(result.data)
        return result
