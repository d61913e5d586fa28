"""Data-subject rights (GDPR arts. 16–18): rectification with history,
restriction of processing, legal holds and erasure by pseudonymisation.

Erasure
    The person's identity is destroyed and their case data kept, anonymous,
    for statistics (statuses, dates, target groups, services, outcomes,
    assessment scores). Which rows are "the person's" is found by walking the
    foreign keys from ``Person`` (``person_rows``), so a model added later is
    covered without being listed here. On every such row:

    * identity fields (``IDENTITY_FIELDS``) and every ``TextField`` — free
      text may quote a name — are blanked;
    * any other text (a task's title, a JSON detail) holding one of the
      person's identity tokens (names, aliases, tax code, phone, e-mail) is
      blanked too, and free-text sentences inside JSON details (a closure
      reason in a case event, a goal in a plan version, a typed answer) go;
    * aliases are deleted, document files removed from storage;
    * records merged into the person are the same human: they are erased too.

    The audit trail is append-only and cannot be rewritten: it never holds
    identity in the first place (``pua.core.audit.mask_changes``).

    Erasure is refused while a legal hold is in force or while a document
    kind's legal minimum retention runs (``RETENTION["document"]["minimum_years"]``).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, deque

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, audit_export, audit_record
from pua.core.models import AuditAction
from pua.people import services as people_services
from pua.people.models import Person, PersonAlias

from .models import LegalHold, PersonRectification

# CharFields that hold identity, by model label: blanked on erasure.
IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "people.person": frozenset({"first_name", "last_name", "name_key", "gender_identity", "birth_place", "phone",
                                "email"}),
    "people.residencepermit": frozenset({"number"}),
    "cases.contact": frozenset({"alias", "place_description", "gender"}),
    "cases.casedocument": frozenset({"title"}),
    "cases.task": frozenset({"location"}),
}
# JSON fields kept as they are (but for identity tokens): statistics.
KEPT_JSON_FIELDS = frozenset({("assessments.response", "score")})
# Identity fields a director or an expert may rectify, with their old values
# kept in the rectification history.
RECTIFIABLE_FIELDS = ("first_name", "last_name", "gender_identity", "birth_date", "birth_place", "tax_code", "phone",
                      "email")
ERASED_MARK = "[erased]"


def _now():
    return timezone.now()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# --- restriction -----------------------------------------------------------------------------------

@transaction.atomic
def person_restrict(*, person: Person, reason: str, by, request=None) -> Person:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the restriction.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.erased_at is not None:
        raise ValidationError(_("This person was erased: their record cannot be changed."))
    if person.restricted_at is not None:
        raise ValidationError(_("The processing of this person's data is already restricted."))
    person.restricted_at, person.restricted_by, person.restriction_reason = _now(), by, reason
    person.save(update_fields=["restricted_at", "restricted_by", "restriction_reason"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=person, request=request,
                 changes={"restricted_at": [None, _iso(person.restricted_at)], "restriction_reason": [None, reason]})
    return person


@transaction.atomic
def person_restriction_lift(*, person: Person, by, request=None) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.restricted_at is None:
        raise ValidationError(_("The processing of this person's data is not restricted."))
    old = person.restricted_at
    person.restricted_at, person.restricted_by, person.restriction_reason = None, None, ""
    person.save(update_fields=["restricted_at", "restricted_by", "restriction_reason"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=person, request=request,
                 changes={"restricted_at": [_iso(old), None], "restriction_reason": ["[set]", None]})
    return person


# --- legal holds -----------------------------------------------------------------------------------

@transaction.atomic
def legal_hold_set(*, person: Person, reason: str, until: datetime.date | None, by, request=None) -> LegalHold:
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the legal hold.")
    if until is not None and until < timezone.localdate():
        errors["until"] = _("The end of the hold cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    if person.erased_at is not None:
        raise ValidationError(_("This person was erased: their record cannot be changed."))
    hold = LegalHold.objects.create(person=person, reason=reason, until=until, set_by=by)
    audit_change(action=AuditAction.CREATE, actor=by, obj=hold, request=request,
                 changes={"person": [None, person.pk], "until": [None, _iso(until)], "reason": [None, reason]})
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, by, request=None) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(_("This legal hold was already lifted."))
    hold.lifted_at, hold.lifted_by = _now(), by
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=hold, request=request,
                 changes={"lifted_at": [None, _iso(hold.lifted_at)]})
    return hold


# --- rectification ---------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def person_rectify(*, person: Person, values: dict, reason: str, by, request=None) -> list[PersonRectification]:
    """Correct identity fields: the people service changes them (and audits
    the field names), and here the old and new values are kept with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    unknown = set(values) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be rectified here: %(fields)s."),
                              params={"fields": ", ".join(sorted(unknown))})
    before = {name: getattr(person, name) for name in values}
    changed = {name: value for name, value in values.items() if _text(before[name]) != _text(value)}
    if not changed:
        raise ValidationError(_("Nothing was changed."))
    updated = people_services.person_update(person, by=by, request=request, **changed)
    rows = [
        PersonRectification(person=updated, field=name, old_value=_text(before[name]),
                            new_value=_text(getattr(updated, name)), reason=reason, rectified_by=by)
        for name in changed
    ]
    PersonRectification.objects.bulk_create(rows)
    return rows


# --- erasure -----------------------------------------------------------------------------------------

def _retention_minimums() -> dict[str, int]:
    from .retention import retention  # the retention command erases through this module

    return retention("document").get("minimum_years", {}) or {}


def _years_ago(years: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def erasure_obstacles(person: Person, *, today: datetime.date | None = None) -> list[str]:
    """Why the person cannot be erased now (empty: they can)."""
    today = today or timezone.localdate()
    obstacles = []
    persons = _merged_family(person)
    if LegalHold.objects.active(today).filter(person__in=persons).exists():
        obstacles.append(_("A legal hold is in force on this person."))
    Document = apps.get_model("cases", "CaseDocument")
    for kind, years in sorted(_retention_minimums().items()):
        since = _years_ago(int(years), today)
        if Document.objects.filter(person__in=persons, kind=kind, uploaded_at__date__gt=since).exists():
            obstacles.append(_("A document of a kind the law requires to keep for %(years)s years is still within "
                               "that period.") % {"years": years})
    if person.erased_at is not None:
        obstacles.append(_("This person was already erased."))
    return obstacles


def _merged_family(person: Person) -> list[Person]:
    """The person and every record merged into them (directly or not)."""
    family, queue, seen = [], deque([person]), set()
    while queue:
        current = queue.popleft()
        if current.pk in seen:
            continue
        seen.add(current.pk)
        family.append(current)
        queue.extend(Person.objects.filter(merged_into_id=current.pk))
    return family


def _own_models():
    return [m for m in apps.get_models() if m.__module__.startswith("pua.") and m._meta.label_lower not in {
        "core.auditentry", "people.person"}]


def person_rows(person_ids) -> dict[type[models.Model], set]:
    """Every row of our apps that belongs to these persons: rows with a foreign
    key to a person, then rows with a foreign key to those, and so on."""
    collected: dict[type[models.Model], set] = {Person: set(person_ids)}
    changed = True
    candidates = _own_models()
    while changed:
        changed = False
        for model in candidates:
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation and (field.many_to_one or field.one_to_one) else None
                if target is None or target not in collected or target is model:
                    continue
                ids = set(model._default_manager.filter(**{f"{field.name}__in": collected[target]})
                          .values_list("pk", flat=True))
                new = ids - collected.get(model, set())
                if new:
                    collected.setdefault(model, set()).update(new)
                    changed = True
    return collected


def identity_tokens(persons) -> list[str]:
    """The strings that identify the persons, for the sweep of the other text."""
    tokens = set()
    for person in persons:
        for value in (person.first_name, person.last_name, person.tax_code, person.email, person.phone,
                      f"{person.first_name} {person.last_name}", f"{person.last_name} {person.first_name}",
                      *person.aliases.values_list("alias", flat=True)):
            value = (value or "").strip()
            if len(value) >= 3:
                tokens.add(value.lower())
            for part in re.split(r"[\s,;'’-]+", value):
                if len(part) >= 3:
                    tokens.add(part.lower())
    return sorted(tokens, key=len, reverse=True)


def _has_token(value: str, tokens) -> bool:
    low = value.lower()
    return any(token in low for token in tokens)


def _scrub_json(value, tokens, *, keep_text: bool):
    if isinstance(value, dict):
        return {k: _scrub_json(v, tokens, keep_text=keep_text) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, tokens, keep_text=keep_text) for v in value]
    free_text = isinstance(value, str) and not keep_text and re.search(r"\s", value.strip())
    if isinstance(value, str) and (free_text or _has_token(value, tokens)):
        return ""
    return value


def _scrub_row(obj, tokens) -> list[str]:
    """Blank identity and free text on one row; the names of the fields changed."""
    label = obj._meta.label_lower
    identity = IDENTITY_FIELDS.get(label, frozenset())
    changed = []
    for field in obj._meta.concrete_fields:
        if field.is_relation or field.primary_key:
            continue
        value = getattr(obj, field.attname)
        new = value
        if isinstance(field, models.FileField):
            if value:
                field.storage.delete(value.name)
                new = ""
        elif isinstance(field, models.JSONField):
            new = _scrub_json(value, tokens, keep_text=(label, field.name) in KEPT_JSON_FIELDS)
        elif isinstance(field, models.TextField) or field.name in identity:
            new = value if value is None else ""
        elif (isinstance(field, models.CharField) and not field.choices and isinstance(value, str)
              and _has_token(value, tokens)):
            new = ""
        if new != value:
            setattr(obj, field.attname, new)
            changed.append(field.attname)
    return changed


def _erase_person_fields(person: Person) -> None:
    for name in IDENTITY_FIELDS["people.person"]:
        setattr(person, name, "")
    person.tax_code = None
    person.birth_year = person.birth_year or (person.birth_date.year if person.birth_date else None)
    person.birth_date = None
    person.household_notes = ""
    person.restriction_reason = ""
    person.erased_at = _now()


@transaction.atomic
def person_erase(*, person: Person, by, request=None, reason: str = "request") -> dict[str, int]:
    """Erase the person by pseudonymisation (see the module docstring).
    Returns how many rows of each kind were touched (no identities)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    obstacles = erasure_obstacles(person)
    if obstacles:
        raise ValidationError(obstacles)
    family = _merged_family(person)
    tokens = identity_tokens(family)
    rows = person_rows([p.pk for p in family])
    counts: Counter = Counter()
    aliases = PersonAlias.objects.filter(person__in=family)
    counts["people.personalias"] = aliases.count()
    aliases.delete()
    rows.pop(PersonAlias, None)
    for model, ids in rows.items():
        if model is Person:
            continue
        for obj in model._default_manager.filter(pk__in=ids).iterator(chunk_size=500):
            changed = _scrub_row(obj, tokens)
            if changed:
                model._default_manager.filter(pk=obj.pk).update(
                    **{name: getattr(obj, name) for name in changed})
                counts[model._meta.label_lower] += 1
    for member in family:
        member = Person.objects.select_for_update().get(pk=member.pk)
        _erase_person_fields(member)
        _scrub_row(member, tokens)
        member.save()
        counts["people.person"] += 1
    audit_record(action=AuditAction.DELETE, actor=by, obj=person, request=request,
                 actor_username="" if by is not None else "apply_retention",
                 changes={"erased": [None, True], "reason": reason, "rows": dict(sorted(counts.items()))})
    return dict(counts)


# --- subject-access export -----------------------------------------------------------------------

def _export_json(data: dict) -> bytes:
    import json

    payload = {
        "format": "pua-subject-access/1",
        "generated_at": _now().isoformat(),
        "person": data["person"].pk,
        "case_number": data["person"].case_number,
        "records": {section["label"]: section["rows"] for section in data["sections"]},
        "documents": [{"id": d.pk, "path": _document_path(d)} for d in data["documents"]],
        "access_log": data["access_log"],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


def _document_path(document) -> str:
    name = document.file.name.rsplit("/", 1)[-1]
    return f"documents/{document.pk}-{name}"


def _export_pdf(data: dict, language: str) -> bytes:
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("governance/privacy/summary_pdf.html", {**data, "generated_at": _now()})
    return HTML(string=html).write_pdf()


def subject_access_export(*, person: Person, by, request=None):
    """Write the person's subject-access ZIP (``summary.pdf``, ``data.json``,
    ``documents/``) into a temporary file and return it, positioned at the
    start. Read in one transaction (repeatable read on PostgreSQL), so the
    parts agree with each other; the export is audited."""
    import tempfile
    import zipfile

    from django.db import connection

    from .privacy_selectors import subject_access_data

    language = getattr(by, "preferred_language", "") or settings.LANGUAGE_CODE
    with transaction.atomic():
        if connection.vendor == "postgresql" and connection.in_atomic_block and not connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        data = subject_access_data(person)
        target = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", _export_json(data))
            archive.writestr("summary.pdf", _export_pdf(data, language))
            for document in data["documents"]:
                try:
                    with document.file.open("rb") as source, archive.open(_document_path(document), "w") as out:
                        while chunk := source.read(1 << 16):
                            out.write(chunk)
                except FileNotFoundError:
                    continue
        audit_export(actor=by, what="subject_access", count=sum(len(s["rows"]) for s in data["sections"]),
                     request=request, obj=person)
    target.seek(0)
    return target
