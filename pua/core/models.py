"""The audit trail: an append-only record of who did what, and when.

Entries are written only through ``pua.core.audit``. They are never updated or
deleted: the model refuses it, the admin offers no way to do it, and on the
database a trigger rejects UPDATE (and DELETE on PostgreSQL, whose test flush
uses TRUNCATE) so that not even raw SQL can rewrite history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as typed so that failed logins and later renames stay readable.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The access point the actor was working at; a plain id so that core
    # depends on no other app. Used to scope who may browse the entry.
    access_point_id = models.BigIntegerField(_("access point"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
            models.Index(fields=["action", "at"], name="audit_action_idx"),
            models.Index(fields=["access_point_id", "at"], name="audit_ap_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")


class Versioned(models.Model):
    """A row that people edit: ``version`` goes up by one with every change,
    so that a write made on what the writer saw can be refused when someone
    else changed the row meanwhile (``pua.core.concurrency``)."""

    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True
