"""Registering and updating people.

Audit entries never hold identity values: directors browse the audit trail,
and it outlives the records. For identity fields only the fact that a value
was set, cleared or changed is written (``"[set]"``, ``"[redacted]"``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, snapshot
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from .duplicates import name_key
from .identity import normalise_tax_code, tax_code_mismatches
from .models import (
    CaseNumberCounter,
    Citizenship,
    Person,
    PersonAlias,
    PersonLanguage,
    ResidencePermit,
    ScreeningFlag,
)

# Fields whose values never reach the audit trail.
IDENTITY_FIELDS = frozenset({
    "first_name", "last_name", "gender_identity", "birth_date", "birth_year", "birth_place", "tax_code", "phone", "email",
    "household_notes", "aliases",
})
EDITABLE_FIELDS = (
    "first_name", "last_name", "sex", "gender_identity", "birth_date", "birth_year", "birth_place", "birth_country",
    "tax_code", "phone", "email", "residence_municipality", "domicile_municipality", "no_fixed_abode", "legal_status",
    "education_level", "employment_situation", "household_notes",
)
_AUDITED = [*EDITABLE_FIELDS, "access_point"]


def _redacted(changes: dict) -> dict:
    out = {}
    for name, (old, new) in changes.items():
        if name in IDENTITY_FIELDS:
            if old not in (None, "", []) and new not in (None, "", []):
                old = new = "[redacted]"
            else:
                old = "[set]" if old not in (None, "", []) else None
                new = "[set]" if new not in (None, "", []) else None
        out[name] = [old, new]
    return out


def person_ensure_writable(person: Person) -> None:
    """Refuse any change to a person whose processing is restricted or who was
    erased (the same rule as ``access.is_frozen``, for the services)."""
    if person.erased_at is not None:
        raise ValidationError(_("This person was erased: their record cannot be changed."), code="erased")
    if person.restricted_at is not None:
        raise ValidationError(_("The processing of this person's data is restricted: their record cannot be "
                                "changed until a director lifts the restriction."), code="restricted")


class DuplicateTaxCode(ValidationError):
    """A person with the same tax code is registered already (found before
    saving, or by the database's unique constraint when two registrations
    race); ``existing`` is that person, for the caller to show if allowed."""

    def __init__(self, existing: Person):
        super().__init__({"tax_code": [ValidationError(
            _("A person with this tax code is already registered."), code="duplicate_tax_code")]})
        self.existing = existing


def _holder_of_tax_code(tax_code: str | None) -> Person | None:
    return Person.objects.filter(tax_code=tax_code).first() if tax_code else None


def _is_tax_code_taken(error: ValidationError) -> bool:
    errors = getattr(error, "error_dict", {}).get("tax_code", [])
    return any(getattr(item, "code", None) == "unique" for item in errors)


def _next_case_number(year: int) -> str:
    """Locks the year's counter row until the transaction ends, so two
    registrations never get the same number."""
    try:
        # A savepoint, so that losing the race to create the year's row does
        # not break the caller's transaction; the row then exists.
        with transaction.atomic():
            CaseNumberCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"P-{year}-{counter.last:06d}"


def _check_fields(person: Person, exclude_pk: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if person.birth_date is not None:
        if person.birth_date > today:
            errors.setdefault("birth_date", []).append(_("The birth date cannot be in the future."))
        if person.birth_year is None:
            person.birth_year = person.birth_date.year
        elif person.birth_year != person.birth_date.year:
            errors.setdefault("birth_year", []).append(_("The birth year does not match the birth date."))
    if person.birth_year is not None and not (1900 <= person.birth_year <= today.year):
        errors.setdefault("birth_year", []).append(_("Enter a birth year between 1900 and this year."))
    person.tax_code = normalise_tax_code(person.tax_code) or None
    if person.tax_code:
        try:
            mismatches = tax_code_mismatches(
                person.tax_code, first_name=person.first_name, last_name=person.last_name, sex=person.sex,
                birth_date=person.birth_date, birth_year=person.birth_year)
        except ValidationError as exc:
            mismatches = exc.messages
        if mismatches:
            errors.setdefault("tax_code", []).extend(mismatches)
    if not (person.first_name.strip() or person.last_name.strip()) and not getattr(person, "_has_alias", False):
        errors.setdefault("last_name", []).append(_("Enter a name or at least an alias."))
    if errors:
        raise ValidationError(errors)
    # Field validation (choices, e-mail, country codes) and tax code uniqueness.
    person.full_clean(exclude=["case_number", "name_key", "created_by"])


def _clean_citizenships(citizenships) -> list[str]:
    codes = sorted({c.strip().upper() for c in citizenships if c and c.strip()})
    for code in codes:
        Citizenship(country=code).clean_fields(exclude=["person"])
    return codes


def _write_related(person, *, aliases=None, citizenships=None, languages=None, target_groups=None) -> None:
    if aliases is not None:
        person.aliases.all().delete()
        PersonAlias.objects.bulk_create(PersonAlias(person=person, alias=a) for a in aliases)
    if citizenships is not None:
        person.citizenships.all().delete()
        Citizenship.objects.bulk_create(Citizenship(person=person, country=c) for c in citizenships)
    if languages is not None:
        person.languages.all().delete()
        rows = [PersonLanguage(person=person, language=language, level=level) for language, level in languages]
        for row in rows:
            row.full_clean(exclude=["person"], validate_unique=False)
        PersonLanguage.objects.bulk_create(rows)
    if target_groups is not None:
        person.target_groups.set(target_groups)


def _clean_aliases(aliases) -> list[str]:
    return list(dict.fromkeys(a.strip() for a in aliases if a and a.strip()))


def _related_snapshot(aliases, citizenships, languages, target_groups) -> dict:
    data = {}
    if aliases is not None:
        data["aliases"] = sorted(aliases)
    if citizenships is not None:
        data["citizenships"] = sorted(citizenships)
    if languages is not None:
        data["languages"] = sorted(f"{getattr(lang, 'code', lang)}:{level}" for lang, level in languages)
    if target_groups is not None:
        data["target_groups"] = sorted(getattr(t, "code", t) for t in target_groups)
    return data


@transaction.atomic
def person_create(*, by, access_point, aliases=(), citizenships=(), languages=(), permits=(), target_groups=(),
                  request=None, **fields) -> Person:
    """Register a person at ``access_point``.

    ``languages`` is a list of ``(Language, level)``; ``permits`` a list of
    dicts of ResidencePermit fields; ``fields`` are Person fields.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    aliases = _clean_aliases(aliases)
    citizenships = _clean_citizenships(citizenships)
    person = Person(access_point=access_point, created_by=by, **fields)
    person._has_alias = bool(aliases)
    try:
        _check_fields(person)
    except ValidationError as error:
        existing = _holder_of_tax_code(person.tax_code) if _is_tax_code_taken(error) else None
        if existing is not None:
            raise DuplicateTaxCode(existing) from None
        raise
    permit_rows = [ResidencePermit(**p) for p in permits]
    for row in permit_rows:
        row.full_clean(exclude=["person"])
    person.case_number = _next_case_number(timezone.localdate().year)
    person.name_key = name_key(person.first_name, person.last_name, aliases)
    try:
        # A savepoint: losing the race for the tax code to a registration
        # made at the same moment leaves the transaction usable.
        with transaction.atomic():
            person.save()
    except IntegrityError:
        existing = _holder_of_tax_code(person.tax_code)
        if existing is None:
            raise
        raise DuplicateTaxCode(existing) from None
    _write_related(person, aliases=aliases, citizenships=citizenships, languages=list(languages),
                   target_groups=list(target_groups))
    for row in permit_rows:
        row.person = person
    ResidencePermit.objects.bulk_create(permit_rows)
    after = {**snapshot(person, _AUDITED),
             **_related_snapshot(aliases, citizenships, list(languages), list(target_groups))}
    if permit_rows:
        after["permits"] = sorted(p.kind for p in permit_rows)
    changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], False)}
    audit_change(action=AuditAction.CREATE, actor=by, obj=person, access_point_id=person.access_point_id,
                 changes=_redacted(changes), request=request)
    return person


@transaction.atomic
def person_update(person: Person, *, by, aliases=None, citizenships=None, languages=None, target_groups=None,
                  request=None, expected_version: int | None = None, **fields) -> Person:
    """Change the given fields; related lists given (not None) replace the stored ones."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    person_ensure_writable(person)
    before = snapshot(person, _AUDITED)
    old_related = _related_snapshot(
        [a.alias for a in person.aliases.all()] if aliases is not None else None,
        [c.country for c in person.citizenships.all()] if citizenships is not None else None,
        [(pl.language, pl.level) for pl in person.languages.select_related("language")] if languages is not None else None,
        list(person.target_groups.all()) if target_groups is not None else None,
    )
    if aliases is not None:
        aliases = _clean_aliases(aliases)
    if citizenships is not None:
        citizenships = _clean_citizenships(citizenships)
    if "birth_date" in fields and "birth_year" not in fields:
        fields["birth_year"] = fields["birth_date"].year if fields["birth_date"] else person.birth_year
    for name, value in fields.items():
        setattr(person, name, value)
    person._has_alias = bool(aliases if aliases is not None else person.aliases.exists())
    _check_fields(person)
    all_aliases = aliases if aliases is not None else [a.alias for a in person.aliases.all()]
    person.name_key = name_key(person.first_name, person.last_name, all_aliases)
    claim(person, expected_version)
    person.save()
    languages = list(languages) if languages is not None else None
    target_groups = list(target_groups) if target_groups is not None else None
    _write_related(person, aliases=aliases, citizenships=citizenships, languages=languages, target_groups=target_groups)
    after = {**snapshot(person, _AUDITED), **_related_snapshot(aliases, citizenships, languages, target_groups)}
    before = {**before, **old_related}
    changes = {k: [before.get(k), after.get(k)] for k in sorted(after) if before.get(k) != after.get(k)}
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=person, access_point_id=person.access_point_id,
                     changes=_redacted(changes), request=request)
    return person


@transaction.atomic
def residence_permit_add(person: Person, *, by, request=None, **fields) -> ResidencePermit:
    """Record a permit; a new current permit makes the earlier ones not current."""
    person_ensure_writable(person)
    permit = ResidencePermit(person=person, **fields)
    permit.full_clean()
    if permit.issued_on and permit.expires_on and permit.expires_on < permit.issued_on:
        raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})
    if permit.is_current:
        person.permits.filter(is_current=True).update(is_current=False)
    permit.save()
    changes = {k: [None, v] for k, v in snapshot(permit).items() if k not in ("id", "number") and v not in (None, "")}
    if permit.number:
        changes["number"] = [None, "[set]"]
    audit_change(action=AuditAction.CREATE, actor=by, obj=permit, access_point_id=permit.person.access_point_id,
                 changes=changes, request=request)
    return permit


def person_screening_flag_set(*, person: Person, flag: str) -> Person:
    """Write the person's screening flag: the flag of their open case, else
    of their latest case. Only ``pua.cases.case_services`` calls this (it
    decides the flag: this app cannot read cases), so that the person and
    their cases never disagree. The flag copies a screening outcome whose
    changes are audited where they happen, so it is not audited again."""
    if flag not in ScreeningFlag.values:
        raise ValueError(f"Unknown screening flag {flag!r}")
    Person.objects.filter(pk=person.pk).exclude(screening_flag=flag).update(screening_flag=flag)
    person.screening_flag = flag
    return person
