"""Where to send the user after a form: only ever back to this site."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate, fallback: str = "home") -> str:
    """``candidate`` (a ``next`` parameter) when it points at this site, else
    the URL of ``fallback`` (a URL name or path).

    Absolute URLs to other hosts, scheme-relative ``//host`` and
    ``javascript:`` addresses are all refused."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(fallback)
