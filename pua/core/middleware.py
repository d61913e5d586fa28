"""Middleware of the whole site.

``NoStoreMiddleware`` keeps personal data out of caches.
``ControlCharacterMiddleware`` refuses control characters in the address of
every request: NUL and the other C0 control characters (tab, CR and LF aside) have no
place in a path or a query string; PostgreSQL refuses NUL in text, so a
filter or an id holding one would otherwise fail deep in a query. The API
gets its usual JSON error body, pages a plain 400 page.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from pua.core.text import has_control_characters


class NoStoreMiddleware:
    """Keep personal data out of browser and proxy caches.

    Every response to a signed-in user and every API response is marked
    ``Cache-Control: no-store`` (with ``private`` and an expiry in the past).
    Static files keep their own long-lived caching: WhiteNoise answers them
    before this middleware runs, and their path is left alone here too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/"):
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


def _address_is_clean(request) -> bool:
    if has_control_characters(request.path):
        return False
    for key, values in request.GET.lists():
        if has_control_characters(key) or any(has_control_characters(value) for value in values):
            return False
    return True


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _address_is_clean(request):
            return self.get_response(request)
        message = _("The address holds control characters (such as NUL), which are not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"status": 400, "code": "control_characters", "message": message}},
                                status=400)
        return render(request, "400.html", {"message": message}, status=400)
