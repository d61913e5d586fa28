"""Writes on API keys: create, revoke, rotate, and the revocations that
follow a password change.

The secret of a key exists only in the return value of ``api_token_create``;
what is stored (and audited) is its prefix and a SHA-256 digest. A key made of
160 random bits needs no slow hash: the digest cannot be reversed by trying
candidates, and it lets the key be looked up with one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.models import AuditAction

from .models import ApiToken

# How stale ``last_used_at`` may get: at most one write a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to its owner, never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


@transaction.atomic
def api_token_create(*, user, name: str, by, request=None) -> IssuedToken:
    """A new key for ``user``, valid ``API_TOKEN_TTL_DAYS`` days."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, e.g. the program that will use it.")})
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot have API keys."))
    secret = secrets.token_hex(20)
    token = ApiToken(user=user, name=name, prefix=secret[:ApiToken.PREFIX_LENGTH], digest=token_digest(secret),
                     expires_at=timezone.now() + _ttl())
    token.full_clean()
    token.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=token, request=request, changes={
        "user": [None, user.pk], "name": [None, name], "prefix": [None, token.prefix],
        "expires_at": [None, token.expires_at.isoformat()],
    })
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by, request=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_change(action=AuditAction.DELETE, actor=by, obj=token, request=request,
                     changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token


@transaction.atomic
def api_token_rotate(*, token: ApiToken, by, request=None) -> IssuedToken:
    """Revoke ``token`` and issue a new one with the same name."""
    api_token_revoke(token=token, by=by, request=request)
    return api_token_create(user=token.user, name=token.name, by=by, request=request)


@transaction.atomic
def api_tokens_revoke_all(*, user, by, request=None) -> int:
    """Revoke every live key of ``user`` (after a password change)."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_for_update())
    for token in tokens:
        api_token_revoke(token=token, by=by, request=request)
    return len(tokens)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable key whose secret is ``secret``, with its user, or None.

    Records the use at most once a minute, so that busy clients do not turn
    every read into a write."""
    if not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
