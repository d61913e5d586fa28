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


# Identity fields of persons and of the rows about them, by model label (core
# depends on no app, so labels are strings). Their values never reach the
# audit trail: entries are append-only and outlive an erased person, so they
# must not hold identity in the first place. Free text (any TextField) of
# these models is masked too: it may quote a name.
PERSON_IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "people.person": frozenset({
        "first_name", "last_name", "name_key", "gender_identity", "birth_date", "birth_place", "tax_code", "phone",
        "email", "household_notes", "aliases", "restriction_reason",
    }),
    "people.personalias": frozenset({"alias"}),
    "people.residencepermit": frozenset({"number"}),
    "cases.contact": frozenset({"alias", "place_description", "gender"}),
    "cases.casedocument": frozenset({"title", "file"}),
    "governance.personrectification": frozenset({"old_value", "new_value"}),
}
MASK_SET = "[set]"
MASK_CHANGED = "[redacted]"


def _is_personal(model) -> bool:
    """Person itself, and any model with a foreign key to it."""
    if model._meta.label_lower == "people.person":
        return True
    return any(getattr(f.related_model, "_meta", None) is not None
               and f.related_model._meta.label_lower == "people.person"
               for f in model._meta.concrete_fields if f.is_relation)


def _masked_field_names(model) -> set[str]:
    names = set(PERSON_IDENTITY_FIELDS.get(model._meta.label_lower, ()))
    if _is_personal(model):
        names |= {f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)}
    return names


def _mask_value(value: Any) -> Any:
    if value in (None, "", [], {}) or value in (MASK_SET, MASK_CHANGED):
        return value
    return MASK_SET


def mask_changes(obj: models.Model | None, changes: dict | None) -> dict:
    """``changes`` with the values of identity and free-text fields of ``obj``
    replaced by a marker: the field name stays, so the trail still tells what
    changed. Callers mask already; this is the last line."""
    if not changes or obj is None:
        return changes or {}
    masked_names = _masked_field_names(obj._meta.model)  # obj may be a lazy proxy (request.user)
    out = {}
    for name, value in changes.items():
        if name in masked_names and isinstance(value, list | tuple) and len(value) == 2:
            old, new = (_mask_value(v) for v in value)
            if old == new == MASK_SET:
                old = new = MASK_CHANGED
            value = [old, new]
        elif name in masked_names:
            value = _mask_value(value)
        out[name] = value
    return out


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    """What the entry says of its object. For persons and the rows about them
    the representation is the case number or their kind and id
    (``response #12``), never a name:
    ``__str__`` of those models is non-identifying too, but is not trusted."""
    if obj is None:
        return {}
    if obj._meta.label_lower == "people.person":
        # The case number is a pseudonym, kept when the person is erased.
        representation = getattr(obj, "case_number", "") or f"person #{obj.pk}"
    elif _is_personal(obj._meta.model):
        representation = f"{obj._meta.model_name} #{obj.pk}"
    else:
        representation = str(obj)
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": representation[:200],
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
    fields = {"action": action, "changes": mask_changes(obj, changes)}
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


def audit_export(*, actor, what: str, count: int, request=None, obj: models.Model | None = None):
    """``obj``: the record exported, when the export is about one (a person's data)."""
    return audit_record(
        action=AuditAction.EXPORT,
        actor=actor,
        obj=obj,
        request=request,
        changes={"export": what, "rows": count},
    )
