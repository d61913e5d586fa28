"""Reads on user accounts."""

from .models import ApiToken


def api_token_list(*, user):
    """The API keys of ``user``, newest first: a user sees only their own."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, pk) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=pk).select_related("user").first()
