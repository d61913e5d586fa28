"""Data-subject rights: legal holds and the rectification history.

Both belong to a person (``pua.people.Person``) and are written only by
``pua.governance.privacy_services``. Restriction of processing lives on the
person itself (``Person.restricted_at``), because every app scopes on it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalHoldQuerySet(models.QuerySet):
    def active(self, today=None):
        """Holds in force: not lifted, and with no end date or an end date not yet past."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(lifted_at__isnull=True).filter(models.Q(until__isnull=True) | models.Q(until__gte=today))


class LegalHold(models.Model):
    """A legal reason (litigation, a request of the judicial authority, an
    inspection) to keep a person's record untouched: while it is in force the
    record cannot be erased, neither on request nor by the retention policy."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="legal_holds",
                               verbose_name=_("person"))
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"), null=True, blank=True)
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("set by"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("lifted by"))

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at", "-id"]

    def __str__(self):
        return f"legal hold #{self.pk}"


class PersonRectification(models.Model):
    """One corrected identity field (GDPR art. 16): the old and the new value,
    why, who and when. The audit trail names only the field; the values are
    here, shown to who may see the person's identity, and destroyed when the
    person is erased."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="rectifications",
                               verbose_name=_("person"))
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.TextField(_("reason"))
    rectified_at = models.DateTimeField(_("rectified at"), auto_now_add=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("rectified by"))

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-rectified_at", "-id"]

    def __str__(self):
        return f"rectification #{self.pk}"
