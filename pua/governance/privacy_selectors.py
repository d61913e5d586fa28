"""Reading what PUA holds about one person, for the subject-access export
(GDPR art. 15) and the data-protection page.

Everything is found from the foreign keys that lead to the person
(``privacy_services.person_rows``), so the export stays complete when a model
is added. Restricted notes and interventions are included: they are the
person's data and no legal limit applies by default; a director who must
withhold a part (e.g. a judicial authority's request of secrecy) removes it
from the file before handing it over, and the export's audit entry records
that it was produced.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from pua.core.models import AuditEntry
from pua.people.access import visible_persons
from pua.people.models import Person

from .models import LegalHold, PersonRectification
from .privacy_services import person_rows

# The order of the sections in the export, by model label; models not listed
# (added later) come after, in label order.
SECTION_ORDER = (
    "people.person", "people.personalias", "people.citizenship", "people.personlanguage", "people.residencepermit",
    "cases.contact", "cases.privacynoticedelivery", "cases.consent", "cases.referral", "cases.case",
    "cases.caseteammember", "cases.caseevent", "cases.casenote", "cases.intakedecision",
    "cases.intakecriterioncheck", "cases.plan", "cases.plangoal", "cases.planaction", "cases.planversion",
    "cases.planreview", "cases.intervention", "cases.task", "cases.casedocument", "assessments.response",
    "assessments.answerfact", "governance.personrectification", "governance.legalhold",
)


def person_for_director(user, pk) -> Person:
    """A person the user sees, else 404 (the view then checks the permission)."""
    person = visible_persons(user).select_related("access_point", "restricted_by").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row_data(obj: models.Model) -> dict[str, Any]:
    """Every concrete field of ``obj`` (foreign keys as ids) and its many-to-many ids."""
    data = {field.attname: _plain(getattr(obj, field.attname)) for field in obj._meta.concrete_fields}
    for field in obj._meta.many_to_many:
        data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def row_readable(obj: models.Model) -> list[tuple[str, str]]:
    """(field label, shown value) pairs of the filled fields, for the summary."""
    pairs = []
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.attname)
        if value in (None, "", [], {}):
            continue
        if field.choices:
            shown = str(getattr(obj, f"get_{field.name}_display")())
        elif field.is_relation:
            related = getattr(obj, field.name, None)
            shown = _related_label(related)
        elif isinstance(value, bool):
            shown = "✓" if value else "–"
        elif isinstance(value, datetime.datetime):
            shown = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, models.fields.files.FieldFile):
            shown = value.name.rsplit("/", 1)[-1]
        else:
            shown = str(_plain(value))
        pairs.append((str(field.verbose_name), shown))
    return pairs


def _related_label(related) -> str:
    if related is None:
        return ""
    if hasattr(related, "get_full_name"):
        return related.get_full_name() or related.get_username()
    return str(related)


def _ordered(models_rows):
    order = {label: i for i, label in enumerate(SECTION_ORDER)}
    return sorted(models_rows.items(), key=lambda item: (order.get(item[0]._meta.label_lower, len(order)),
                                                         item[0]._meta.label_lower))


def person_audit_entries(rows) -> list[AuditEntry]:
    """Who read or changed the record, and when: entries about the person's rows,
    and list pages that showed one of them."""
    condition = Q(pk__in=[])
    wanted: dict[str, set[str]] = {}
    for model, ids in rows.items():
        label = model._meta.label_lower
        wanted[label] = {str(i) for i in ids}
        condition |= Q(object_type=label, object_id__in=wanted[label])
    entries = list(AuditEntry.objects.filter(condition))
    listed = AuditEntry.objects.filter(object_type__in=list(wanted), object_id="")
    for entry in listed.iterator(chunk_size=500):
        ids = entry.changes.get("ids") if isinstance(entry.changes, dict) else None
        if ids and wanted[entry.object_type] & {str(i) for i in ids}:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.at, e.pk))


def subject_access_data(person: Person) -> dict[str, Any]:
    """Everything held about the person: ``sections`` (model label → rows as
    dicts and as readable pairs), ``documents`` and ``access_log``."""
    rows = person_rows([person.pk])
    sections = []
    documents = []
    for model, ids in _ordered(rows):
        objects = list(model._default_manager.filter(pk__in=ids).order_by("pk"))
        sections.append({
            "label": model._meta.label_lower,
            "title": str(model._meta.verbose_name_plural),
            "rows": [row_data(obj) for obj in objects],
            "readable": [row_readable(obj) for obj in objects],
        })
        if model._meta.label_lower == "cases.casedocument":
            documents = [obj for obj in objects if obj.file]
    access_log = [
        {"at": _plain(e.at), "who": e.actor_username, "action": e.action, "object_type": e.object_type,
         "object_id": e.object_id, "object": e.object_repr}
        for e in person_audit_entries(rows)
    ]
    return {"person": person, "sections": sections, "documents": documents, "access_log": access_log}


def rectifications_for_person(person: Person):
    return PersonRectification.objects.filter(person=person).select_related("rectified_by")


def legal_holds_for_person(person: Person):
    return LegalHold.objects.filter(person=person).select_related("set_by", "lifted_by")
