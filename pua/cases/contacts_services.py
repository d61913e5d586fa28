"""Recording first contacts and linking them to a person.

A contact belongs to the access point where it happened. It may stay
anonymous (alias, approximate age, gender, nationality) and be linked to a
person later, an existing one or one registered from what the contact
knows. What the person said and what was written about them never reaches
the audit trail: only the fact that a value was set or changed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot
from pua.core.concurrency import claim
from pua.core.models import AuditAction
from pua.people.services import person_create

from .case_services import event_record
from .models import Case, CaseEventKind, CaseStatus, Contact

CONTACT_FIELDS = [
    "occurred_at", "channel", "municipality", "place_description", "operator", "language", "interpreter_present",
    "needs_expressed", "information_given", "follow_up_agreed", "alias", "approximate_age", "gender", "nationality",
]
# Free text and what describes the person: the audit says only "[set]" / "[redacted]".
PRIVATE_FIELDS = frozenset({
    "place_description", "needs_expressed", "information_given", "follow_up_agreed", "alias", "approximate_age",
    "gender", "nationality",
})
MAX_AGE = 120
# Clocks of phones drift: a contact "now" may be a little ahead of the server.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)


def _redacted(changes: dict) -> dict:
    out = {}
    for name, (old, new) in changes.items():
        if name in PRIVATE_FIELDS:
            if old not in (None, "") and new not in (None, ""):
                old = new = "[redacted]"
            else:
                old = "[set]" if old not in (None, "") else None
                new = "[set]" if new not in (None, "") else None
        out[name] = [old, new]
    return out


def _audited(contact: Contact, languages) -> dict:
    data = snapshot(contact, [*CONTACT_FIELDS, "access_point", "person"])
    data["materials_languages"] = sorted(getattr(lang, "pk", lang) for lang in languages)
    return data


def _open_case(person_id) -> Case | None:
    return Case.objects.filter(person_id=person_id).exclude(status=CaseStatus.CLOSED).first()


def _record_on_case(contact: Contact, *, by, linked: bool) -> None:
    case = _open_case(contact.person_id)
    if case is None:
        return
    event_record(case=case, kind=CaseEventKind.CONTACT, actor=by, obj=contact,
                 message="contact_linked" if linked else "contact_recorded",
                 data={"contact_id": contact.pk, "channel": contact.channel, "linked": linked},
                 occurred_at=contact.occurred_at)


def _check_person(contact: Contact, person) -> None:
    if person.merged_into_id:
        raise ValidationError({"person": _("This record was merged into another one: choose that one.")},
                              code="merged")
    if person.access_point_id != contact.access_point_id:
        raise ValidationError(
            {"person": _("Choose a person registered at the access point of the contact.")}, code="other_access_point")


def _check(contact: Contact) -> None:
    errors: dict[str, list] = {}
    if contact.occurred_at and contact.occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors.setdefault("occurred_at", []).append(
            ValidationError(_("The time of a contact cannot be in the future."), code="future"))
    if contact.approximate_age is not None and contact.approximate_age > MAX_AGE:
        errors.setdefault("approximate_age", []).append(
            ValidationError(_("Enter an age between 0 and %(max)d.") % {"max": MAX_AGE}, code="age"))
    if contact.operator_id and not contact.operator.has_perm("cases.add_contact", contact.access_point):
        errors.setdefault("operator", []).append(
            ValidationError(_("The operator must work with people at this access point."), code="operator"))
    for name in ("place_description", "needs_expressed", "information_given", "follow_up_agreed", "alias", "gender"):
        setattr(contact, name, (getattr(contact, name) or "").strip())
    contact.nationality = (contact.nationality or "").strip().upper()
    try:
        contact.full_clean(exclude=[*errors, "created_by"])
    except ValidationError as clean_error:
        for name, messages in clean_error.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_create(*, by, access_point, person=None, materials_languages=(), request=None, **values) -> Contact:
    """Record a contact at ``access_point``; the operator defaults to ``by``,
    the time to now. With ``person`` the contact is linked from the start."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    operator = values.pop("operator", None) or by
    occurred_at = values.pop("occurred_at", None) or timezone.now()
    contact = Contact(access_point=access_point, operator=operator, occurred_at=occurred_at, created_by=by, **values)
    if person is not None:
        _check_person(contact, person)
        contact.person = person
    _check(contact)
    contact.save()
    languages = list(materials_languages or [])
    contact.materials_languages.set(languages)
    changes = {k: v for k, v in diff({}, _audited(contact, languages)).items() if v[1] not in (None, "", [], False)}
    audit_change(action=AuditAction.CREATE, actor=by, obj=contact, access_point_id=contact.access_point_id,
                 changes=_redacted(changes), request=request)
    if contact.person_id:
        _record_on_case(contact, by=by, linked=False)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by, materials_languages=None, request=None,
                   expected_version: int | None = None, **values) -> Contact:
    """Correct what was recorded; the person link changes only through ``contact_link``."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    old_languages = list(contact.materials_languages.values_list("pk", flat=True))
    before = _audited(contact, old_languages)
    for name, value in values.items():
        if name == "operator" and value is None:
            continue
        setattr(contact, name, value)
    _check(contact)
    claim(contact, expected_version)
    contact.save()
    languages = old_languages if materials_languages is None else list(materials_languages)
    if materials_languages is not None:
        contact.materials_languages.set(languages)
    changes = diff(before, _audited(contact, languages))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=contact, access_point_id=contact.access_point_id,
                     changes=_redacted(changes), request=request)
    return contact


@transaction.atomic
def contact_link(*, contact: Contact, person, by, request=None, expected_version: int | None = None) -> Contact:
    """Link a contact to a person of its access point (or move it to another
    one, when it was linked by mistake). The open case, if any, records it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _check_person(contact, person)
    if contact.person_id == person.pk:
        raise ValidationError({"person": _("The contact is already linked to this person.")}, code="already_linked")
    old = contact.person_id
    contact.person = person
    claim(contact, expected_version)
    contact.save(update_fields=["person"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=contact, access_point_id=contact.access_point_id,
                 changes={"person": [old, person.pk]},
                 request=request)
    _record_on_case(contact, by=by, linked=True)
    return contact


@transaction.atomic
def contact_link_new_person(*, contact: Contact, by, request=None, **person_data):
    """Register a person at the contact's access point (``pua.people.services.person_create``)
    and link the contact to them, in one transaction."""
    person = person_create(by=by, access_point=contact.access_point, request=request, **person_data)
    contact_link(contact=contact, person=person, by=by, request=request)
    return person
