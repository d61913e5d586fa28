"""Optimistic concurrency: no change is made on a stale copy of a record.

Every editable record carries a ``version`` (``pua.core.models.Versioned``).
An update service takes the version its caller saw (``expected_version``;
internal callers leave it out) and calls ``claim`` inside its transaction,
before writing anything else. ``claim`` is one conditional UPDATE::

    UPDATE ... SET version = version + 1 WHERE id = %s AND version = %s

It is atomic on PostgreSQL (the row stays locked until the transaction ends)
and on SQLite (the database is locked for writing), so of two writers that
saw the same version exactly one succeeds; the other gets ``StaleObject``
and its whole transaction is rolled back. ``StaleObject`` is a
``ValidationError``: the pages show it as a conflict (``save_form``), the API
as 412 Precondition Failed (``pua.api.concurrency``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditAction, AuditEntry

STALE_CODE = "stale"


def etag(obj) -> str:
    """The strong entity tag of a record's current version."""
    return f'"{obj._meta.label_lower}.{obj.pk}.v{obj.version}"'


def last_change(obj):
    """``(who, when)`` of the latest recorded change of ``obj``: from the
    audit trail, else ``(None, None)``."""
    entry = (AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                       action__in=(AuditAction.CREATE, AuditAction.UPDATE))
             .select_related("actor").order_by("-at", "-id").first())
    if entry is None:
        return None, None
    who = entry.actor.get_full_name() if entry.actor is not None else ""
    return who or entry.actor_username or None, entry.at


class StaleObject(ValidationError):
    """The record changed since the caller read it. Carries the record as it
    is now (``current``), who changed it last and when."""

    def __init__(self, current, expected_version=None):
        self.current = current
        self.expected_version = expected_version
        self.changed_by, self.changed_at = last_change(current)
        super().__init__(self.describe(), code=STALE_CODE)

    def describe(self) -> str:
        who = self.changed_by or _("someone else")
        if self.changed_at is None:
            return _("Changed by %(who)s since you opened it.") % {"who": who}
        when = timezone.localtime(self.changed_at).strftime("%H:%M")
        return _("Changed by %(who)s at %(time)s since you opened it.") % {"who": who, "time": when}


def parse_version(value) -> int | None:
    """A version number sent back by a client, or None when missing or not one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def claim(obj, expected_version: int | None = None) -> int:
    """Take the next version of ``obj`` for the change being made, if its
    stored version is still ``expected_version`` (any, when None); raise
    ``StaleObject`` otherwise. Call it inside the service's transaction and
    before saving ``obj``, whose ``version`` is set to the new number."""
    model = obj._meta.model
    rows = model._base_manager.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        current = model._base_manager.filter(pk=obj.pk).first()
        if current is None:
            raise ValidationError(_("This record no longer exists."), code="gone")
        raise StaleObject(current, expected_version)
    if expected_version is not None:
        obj.version = expected_version + 1
    else:
        obj.version = model._base_manager.filter(pk=obj.pk).values_list("version", flat=True).get()
    return obj.version


def check(obj, expected_version: int | None) -> None:
    """Refuse a change made on a stale copy of ``obj`` without taking a new
    version: for rows whose version the service bumps itself (the plan).
    The row must be locked (``select_for_update``) and ``obj`` fresh."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleObject(obj._meta.model._base_manager.get(pk=obj.pk), expected_version)
