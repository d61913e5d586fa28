"""Merging two records of the same person.

A director of the access points of *both* records chooses the one to keep.
In one transaction everything hanging off the other record moves to it —
contacts, consents, privacy notices given, referrals, cases (with their
numbers), documents, residence permits, and any later relation to Person —
while aliases, citizenships and languages are de-duplicated and target
groups joined. Empty fields of the kept record are filled from the other
one; the other record is then marked ``merged_into`` and stays, read-only,
as history: links and audit entries about it keep pointing somewhere.

Refused: a record into itself, into or from an already merged record,
across access points the director does not direct, two different tax codes
(one of them is wrong: correct it first) and two open cases (a person has
one open case at a time: close one first). Audit entries name the fields
filled and the rows moved, never their values.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.models import AuditAction
from pua.people.duplicates import name_key, normalise_name
from pua.people.models import EducationLevel, EmploymentSituation, LegalStatus, Person, PersonAlias, Sex

from .case_services import event_record, person_screening_flag_sync
from .models import OPEN_STATUSES, Case, CaseEventKind

# Copied when empty on the kept record.
FILLABLE = ("first_name", "last_name", "gender_identity", "birth_date", "birth_year", "birth_place", "birth_country",
            "phone", "email", "residence_municipality", "domicile_municipality", "household_notes")
# Copied when the kept record still has the "unknown" default.
UNKNOWN_DEFAULTS = {
    "sex": Sex.UNKNOWN,
    "legal_status": LegalStatus.UNKNOWN,
    "education_level": EducationLevel.UNKNOWN,
    "employment_situation": EmploymentSituation.UNKNOWN,
}
# Relations with a uniqueness rule per person: moved only where the kept record lacks them.
DEDUPLICATED = {"aliases", "citizenships", "languages"}


def _check(*, keep: Person, merge: Person, by) -> None:
    if keep.merged_into_id:
        raise ValidationError(_("The record to keep (%(number)s) was itself merged into another record.")
                              % {"number": keep.case_number}, code="already_merged")
    if merge.merged_into_id:
        raise ValidationError(_("Record %(number)s has already been merged into another record.")
                              % {"number": merge.case_number}, code="already_merged")
    may_keep, may_merge = by.has_perm("cases.merge_person", keep), by.has_perm("cases.merge_person", merge)
    if not may_keep and not may_merge:
        raise PermissionDenied
    if not (may_keep and may_merge):
        raise ValidationError(_("You can merge only records of access points you direct."), code="not_director")
    if keep.tax_code and merge.tax_code and keep.tax_code != merge.tax_code:
        raise ValidationError(_("The two records have different tax codes: correct the wrong one before merging."),
                              code="different_tax_codes")
    open_cases = Case.objects.filter(person__in=[keep, merge], status__in=OPEN_STATUSES)
    if open_cases.values("person_id").distinct().count() > 1:
        raise ValidationError(_("Both records have an open case: close one of them before merging."),
                              code="two_open_cases")


def _fill(keep: Person, merge: Person) -> list[str]:
    filled = []
    for name in FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(merge, name) not in (None, ""):
            if name == "birth_date" and keep.birth_year not in (None, merge.birth_date.year):
                continue  # would contradict the kept birth year
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    for name, unknown in UNKNOWN_DEFAULTS.items():
        if getattr(keep, name) == unknown and getattr(merge, name) != unknown:
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    if merge.no_fixed_abode and not keep.no_fixed_abode and keep.residence_municipality_id is None:
        keep.no_fixed_abode = True
        filled.append("no_fixed_abode")
    return filled


def _move_unique(queryset, keep: Person, key) -> tuple[int, int]:
    """Move rows of ``merge`` whose ``key`` the kept record lacks; drop the others (duplicates)."""
    model = queryset.model
    present = {key(row) for row in model.objects.filter(person=keep)}
    moved = dropped = 0
    for row in queryset:
        if key(row) in present:
            row.delete()
            dropped += 1
        else:
            present.add(key(row))
            model.objects.filter(pk=row.pk).update(person=keep)
            moved += 1
    return moved, dropped


def _move_relations(keep: Person, merge: Person) -> dict[str, int]:
    """Every row pointing at ``merge`` now points at ``keep``; counts by relation."""
    moved: dict[str, int] = {}
    for relation in Person._meta.related_objects:
        name = relation.get_accessor_name()
        if relation.related_model is Person or not relation.one_to_many:
            continue
        queryset = relation.related_model._base_manager.filter(**{relation.field.name: merge})
        if name == "aliases":
            count, _dropped = _move_unique(queryset, keep, lambda a: normalise_name(a.alias))
        elif name == "citizenships":
            count, _dropped = _move_unique(queryset, keep, lambda c: c.country)
        elif name == "languages":
            count, _dropped = _move_unique(queryset, keep, lambda pl: pl.language_id)
        else:
            count = queryset.update(**{relation.field.name: keep})
        if count:
            moved[name] = count
    groups = list(merge.target_groups.all())
    if groups:
        keep.target_groups.add(*groups)
        merge.target_groups.clear()
        moved["target_groups"] = len(groups)
    # Records merged earlier into ``merge`` now point at the record that stays.
    earlier = Person.objects.filter(merged_into=merge).update(merged_into=keep)
    if earlier:
        moved["merged_records"] = earlier
    return moved


def _keep_other_name(keep: Person, merge: Person) -> bool:
    """The other record's name becomes an alias of the kept one when it differs,
    so that a search by either spelling finds the person."""
    other = " ".join(p for p in (merge.first_name, merge.last_name) if p).strip()
    if not other:
        return False
    known = {normalise_name(f"{keep.first_name} {keep.last_name}")}
    known |= {normalise_name(a) for a in keep.aliases.values_list("alias", flat=True)}
    if normalise_name(other) in known:
        return False
    PersonAlias.objects.create(person=keep, alias=other[:200])
    return True


@transaction.atomic
def person_merge(*, keep: Person, merge: Person, by, request=None) -> Person:
    """Merge ``merge`` into ``keep``; returns ``keep``, refreshed."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A record cannot be merged into itself."), code="same_record")
    list(Person.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk"))
    keep.refresh_from_db()
    merge.refresh_from_db()
    _check(keep=keep, merge=merge, by=by)

    moved_case_ids = list(Case.objects.filter(person=merge).values_list("pk", flat=True))
    moved = _move_relations(keep, merge)
    filled = _fill(keep, merge)
    if _keep_other_name(keep, merge):
        moved["name_as_alias"] = 1
    # Different codes were refused: a code on the merged record is one the kept record lacks.
    tax_code_moved = bool(merge.tax_code)
    if tax_code_moved:
        # Unique: cleared on the merged record before the kept one takes it.
        keep.tax_code, merge.tax_code = merge.tax_code, None
        merge.save(update_fields=["tax_code", "updated_at"])
        filled.append("tax_code")
    keep.name_key = name_key(keep.first_name, keep.last_name, keep.aliases.values_list("alias", flat=True))
    keep.save()

    now = timezone.now()
    merge.merged_into, merge.merged_at = keep, now
    merge.save(update_fields=["merged_into", "merged_at", "updated_at"])

    audit_change(action=AuditAction.UPDATE, actor=by, obj=keep, access_point_id=keep.access_point_id,
                 request=request, changes={
        "merged_from": [None, merge.pk], "filled_fields": [None, sorted(filled)], "moved": [None, moved],
    })
    audit_change(action=AuditAction.UPDATE, actor=by, obj=merge, access_point_id=merge.access_point_id,
                 request=request, changes={
        "merged_into": [None, keep.pk], "merged_at": [None, now.isoformat()],
        **({"tax_code": ["[set]", None]} if tax_code_moved else {}),
    })
    for case in Case.objects.filter(person=keep).order_by("pk"):
        event_record(case=case, kind=CaseEventKind.MERGED, actor=by, obj=keep, occurred_at=now,
                     message="records_merged",
                     data={"kept": keep.pk, "merged": merge.pk, "case_moved": case.pk in moved_case_ids,
                           "kept_number": keep.case_number, "merged_number": merge.case_number})
    for person in (keep, merge):  # the cases moved: so may the flag of the open (or latest) one
        person_screening_flag_sync(person=person)
    return keep

