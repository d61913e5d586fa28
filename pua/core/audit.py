"""Writing the audit trail.

Services call ``audit_change`` after every create/update/delete of a domain
object; views call ``audit_read`` whenever someone opens a sensitive record.
Nothing here logs to files: personal data never reaches the application log.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from .models import AuditAction, AuditEntry

SESSION_ACCESS_POINT_KEY = "current_access_point_id"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance``, ready to be compared."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _plain(getattr(instance, field.attname))
    return data


def snapshot_stored(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values as stored in the database — not as an edit form may already
    have changed them on ``instance``."""
    stored = instance._meta.model._default_manager.get(pk=instance.pk)
    return snapshot(stored, fields)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as ``{name: [old, new]}``."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _actor_fields(actor, request) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if actor is not None and getattr(actor, "is_authenticated", False):
        fields["actor"] = actor
        fields["actor_username"] = actor.get_username()
    if request is not None:
        fields["ip_address"] = request.META.get("REMOTE_ADDR") or None
        access_point = getattr(request, "access_point", None)
        if access_point is not None:
            fields["access_point_id"] = access_point.pk
        elif getattr(request, "session", None) is not None:
            fields["access_point_id"] = request.session.get(SESSION_ACCESS_POINT_KEY)
    return fields


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
    }


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    changes: dict | None = None,
    request=None,
    access_point_id: int | None = None,
    actor_username: str = "",
) -> AuditEntry:
    fields = {"action": action, "changes": changes or {}}
    fields.update(_object_fields(obj))
    fields.update(_actor_fields(actor, request))
    if access_point_id is not None:
        fields["access_point_id"] = access_point_id
    if actor_username and not fields.get("actor_username"):
        fields["actor_username"] = actor_username[:150]
    return AuditEntry.objects.create(**fields)


def audit_change(*, action: str, actor, obj: models.Model, changes: dict | None = None, request=None,
                 access_point_id: int | None = None):
    """Record a change of ``obj``. Services pass the access point the object
    belongs to, so that the entry reaches that access point's audit page even
    when no request is at hand (a command, a background job)."""
    return audit_record(action=action, actor=actor, obj=obj, changes=changes, request=request,
                        access_point_id=access_point_id)


def audit_read(*, actor, obj: models.Model, request=None):
    """Record that ``actor`` opened ``obj``. Call it from every view or API
    endpoint that shows a sensitive record."""
    return audit_record(action=AuditAction.READ, actor=actor, obj=obj, request=request)


def audit_list(*, actor, model, ids, query: dict | None = None, request=None):
    """Record that ``actor`` was shown a page of ``model`` records.

    One entry per page shown, naming the query that produced it and the ids of
    the records on it — never their names. ``query`` holds the filters and the
    page; free-text search terms are identifying, so callers pass only that
    there was one (``{"q": True}``), never the words. Nothing is written for an
    empty page."""
    ids = [str(i) for i in ids]
    if not ids:
        return None
    return AuditEntry.objects.create(
        action=AuditAction.READ,
        object_type=model._meta.label_lower,
        object_repr=f"{len(ids)} × {model._meta.verbose_name_plural}"[:200],
        changes={"list": {k: _plain(v) for k, v in sorted((query or {}).items())}, "ids": ids},
        **_actor_fields(actor, request),
    )


def audit_export(*, actor, what: str, count: int, request=None):
    return audit_record(
        action=AuditAction.EXPORT,
        actor=actor,
        request=request,
        changes={"export": what, "rows": count},
    )
