import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from pua.core.models import Versioned


class User(Versioned, AbstractUser):
    """A person who works with PUA: an operator, a partner, a board member.

    Users are never deleted (the audit trail points at them); they are
    deactivated. What a user may do comes from their memberships of
    organisations (see ``pua.network``)."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def has_perm(self, perm, obj=None):
        """Permissions of the role rules are answered by the rules alone.

        Django answers every permission with yes for an active superuser
        before asking any backend, and its model backend grants a superuser
        every model permission. The rules (``pua.*.access``) are where an
        administrator's powers are written down, and they give no access to
        persons or cases: a superuser is held to them like anyone else. Other
        permissions (the Django admin's model permissions) keep Django's
        behaviour."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class ApiToken(models.Model):
    """A key for the API, one of possibly several per user.

    Only a SHA-256 digest of the secret is stored: the secret is shown once,
    when the token is created, and cannot be read back by anyone — not by an
    administrator nor from a database dump. The first characters (the
    prefix) are kept in clear so that a person can tell their keys apart.
    A token works until it expires or is revoked; changing the password
    revokes every token of the user, and a deactivated user's tokens are
    refused."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
