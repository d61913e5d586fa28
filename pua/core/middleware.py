from django.conf import settings
from django.utils.cache import add_never_cache_headers


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
