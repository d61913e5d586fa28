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
