"""API clients for the tests."""

from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from pua.core.concurrency import etag


class ConditionalAPIClient(APIClient):
    """A client that behaves like a well-written API consumer: every change
    of an existing record sends the record's current ETag in ``If-Match``
    (unless the test sets ``HTTP_IF_MATCH`` itself, or ``if_match=None`` to
    send none)."""

    def _with_if_match(self, method, path, extra):
        if "HTTP_IF_MATCH" in extra:
            return extra
        try:
            match = resolve(str(path).split("?")[0])
        except Resolver404:
            return extra
        view = getattr(match.func, "cls", None)
        actions = getattr(match.func, "actions", None) or {}
        pk = match.kwargs.get("pk")
        if view is None or pk is None or not hasattr(view, "if_match_actions"):
            return extra
        action = actions.get(method)
        if action not in ("update", "partial_update", "destroy", *view.if_match_actions):
            return extra
        obj = view.model._base_manager.filter(pk=pk).first() if str(pk).isdigit() else None
        if obj is not None and hasattr(obj, "version"):
            extra["HTTP_IF_MATCH"] = etag(obj)
        return extra

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, **extra):
        if extra.pop("if_match", True) is not None:
            extra = self._with_if_match(method.lower(), path, extra)
        return super().generic(method, path, data, content_type, secure=secure, **extra)

