"""Privacy notices, their delivery to people, and consents by purpose.

A consent is never deleted: withdrawing it records when and by whom, and
from that moment the sharing it allowed stops (``pua.cases.access`` looks
only at consents with no ``withdrawn_at``). A sharing consent names one
organisation of the access point's network. A notice that has been given
keeps its text: a new text is a new version.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from .case_services import event_record
from .models import (
    Case,
    CaseEventKind,
    CaseStatus,
    Consent,
    ConsentPurpose,
    PrivacyNotice,
    PrivacyNoticeDelivery,
)

NOTICE_FIELDS = ["version", "language", "title", "text", "valid_from", "is_active"]
# What may still change once a notice has been given to someone.
NOTICE_FIELDS_AFTER_DELIVERY = frozenset({"is_active"})


def _open_case(person_id) -> Case | None:
    return Case.objects.filter(person_id=person_id).exclude(status=CaseStatus.CLOSED).first()


def _on_case(person_id, *, by, message: str, data: dict, obj, at=None) -> None:
    case = _open_case(person_id)
    if case is not None:
        event_record(case=case, kind=CaseEventKind.CONSENT, actor=by, message=message, data=data, obj=obj,
                     occurred_at=at)


def _lock_person(person):
    locked = type(person).objects.select_for_update().get(pk=person.pk)
    if locked.merged_into_id:
        raise ValidationError(_("This record was merged into another one: record it there."), code="merged")
    return locked


def _local(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- consents --------------------------------------------------------------------------------

@transaction.atomic
def consent_give(*, person, purpose, organisation=None, notice=None, given_at=None, by, notes="",
                 request=None) -> Consent:
    """Record a consent. Refuses a second active consent for the same purpose
    (and organisation): the first must be withdrawn before."""
    person = _lock_person(person)  # serialises two recordings of the same consent
    given_at = given_at or timezone.now()
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose the purpose of the consent.")
    elif purpose == ConsentPurpose.SHARING and organisation is None:
        errors["organisation"] = _("Name the organisation the data may be shared with.")
    elif purpose != ConsentPurpose.SHARING and organisation is not None:
        errors["organisation"] = _("Only a consent to sharing names an organisation.")
    elif organisation is not None and not (
            organisation.is_active and organisation.access_points.filter(pk=person.access_point_id).exists()):
        errors["organisation"] = _("Choose an active organisation of the access point's network.")
    if notice is not None and notice.access_point_id != person.access_point_id:
        errors["notice"] = _("Choose a privacy notice of the person's access point.")
    if given_at > timezone.now():
        errors["given_at"] = _("A consent cannot be given in the future.")
    if errors:
        raise ValidationError(errors)
    existing = Consent.objects.filter(person=person, purpose=purpose, organisation=organisation,
                                      withdrawn_at__isnull=True).first()
    if existing is not None:
        raise ValidationError(
            _("This consent is already active (given on %(date)s). Withdraw it before recording a new one.")
            % {"date": _local(existing.given_at)}, code="duplicate")
    consent = Consent(person=person, purpose=purpose, organisation=organisation, notice=notice, given_at=given_at,
                      recorded_by=by, notes=(notes or "").strip())
    consent.full_clean()
    consent.save()
    changes = {k: [None, v] for k, v in snapshot(consent, ["person", "purpose", "organisation", "notice",
                                                            "given_at", "recorded_by"]).items() if v is not None}
    if consent.notes:
        changes["notes"] = [None, "[set]"]
    audit_change(action=AuditAction.CREATE, actor=by, obj=consent, access_point_id=consent.person.access_point_id,
                 changes=changes, request=request)
    _on_case(person.pk, by=by, obj=consent, at=given_at, message="consent_given",
             data={"consent_id": consent.pk, "purpose": purpose, "organisation_id": consent.organisation_id,
                   "action": "given"})
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, at=None, request=None, expected_version: int | None = None) -> Consent:
    """Withdraw a consent from ``at`` (now by default); sharing stops from then."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    at = at or timezone.now()
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn on %(date)s.") % {"date": _local(consent.withdrawn_at)},
                              code="already_withdrawn")
    if at > timezone.now():
        raise ValidationError({"withdrawn_at": _("A withdrawal cannot be recorded in the future.")}, code="future")
    if at < consent.given_at:
        raise ValidationError({"withdrawn_at": _("The withdrawal cannot come before the consent was given.")},
                              code="before_given")
    consent.withdrawn_at, consent.withdrawn_by = at, by
    claim(consent, expected_version)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=consent, access_point_id=consent.person.access_point_id,
                 request=request,
                 changes={"withdrawn_at": [None, at.isoformat()], "withdrawn_by": [None, by.pk]})
    _on_case(consent.person_id, by=by, obj=consent, at=at, message="consent_withdrawn",
             data={"consent_id": consent.pk, "purpose": consent.purpose, "organisation_id": consent.organisation_id,
                   "action": "withdrawn"})
    return consent


# --- privacy notices -------------------------------------------------------------------------

def _check_notice(notice: PrivacyNotice) -> None:
    notice.version = (notice.version or "").strip()
    notice.title = (notice.title or "").strip()
    errors: dict = {}
    try:
        notice.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    if "version" not in errors and notice.language_id and PrivacyNotice.objects.filter(
            access_point_id=notice.access_point_id, version__iexact=notice.version, language_id=notice.language_id,
    ).exclude(pk=notice.pk).exists():
        errors["version"] = [ValidationError(
            _("Version %(version)s in this language already exists at this access point.")
            % {"version": notice.version}, code="duplicate")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def privacy_notice_create(*, by, access_point, version, language, title, valid_from, text="", is_active=True,
                          request=None) -> PrivacyNotice:
    notice = PrivacyNotice(access_point=access_point, version=version, language=language, title=title, text=text,
                           valid_from=valid_from, is_active=is_active)
    _check_notice(notice)
    notice.save()
    changes = {k: [None, v] for k, v in snapshot(notice, [*NOTICE_FIELDS, "access_point"]).items()
               if v not in (None, "")}
    audit_change(action=AuditAction.CREATE, actor=by, obj=notice, access_point_id=notice.access_point_id,
                 changes=changes, request=request)
    return notice


@transaction.atomic
def privacy_notice_update(*, notice: PrivacyNotice, by, request=None, **values) -> PrivacyNotice:
    """Change a notice; once given to someone, only whether it is active."""
    unknown = set(values) - set(NOTICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown notice fields: {sorted(unknown)}")
    notice = PrivacyNotice.objects.select_for_update().get(pk=notice.pk)
    before = snapshot(notice, NOTICE_FIELDS)
    for name, value in values.items():
        setattr(notice, name, value)
    after = snapshot(notice, NOTICE_FIELDS)
    frozen = [k for k in diff(before, after) if k not in NOTICE_FIELDS_AFTER_DELIVERY]
    if frozen and notice.deliveries.exists():
        raise ValidationError(
            _("This notice has already been given to people: its content cannot change. "
              "Create a new version instead."), code="already_given")
    _check_notice(notice)
    notice.save()
    changes = diff(before, snapshot(notice, NOTICE_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=notice, access_point_id=notice.access_point_id,
                     changes=changes, request=request)
    return notice


@transaction.atomic
def privacy_notice_give(*, person, notice: PrivacyNotice, given_on, by, request=None) -> PrivacyNoticeDelivery:
    """Record that ``notice`` was given to ``person`` on ``given_on``."""
    person = _lock_person(person)
    errors: dict[str, str] = {}
    if notice.access_point_id != person.access_point_id:
        errors["notice"] = _("Choose a privacy notice of the person's access point.")
    if given_on is None:
        errors["given_on"] = _("Enter the date the notice was given.")
    elif given_on > timezone.localdate():
        errors["given_on"] = _("The date cannot be in the future.")
    elif given_on < notice.valid_from:
        errors["given_on"] = _("This notice is valid only from %(date)s.") % {
            "date": formats.date_format(notice.valid_from, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    delivery = PrivacyNoticeDelivery.objects.create(person=person, notice=notice, given_on=given_on, given_by=by)
    audit_change(action=AuditAction.CREATE, actor=by, obj=delivery, access_point_id=delivery.person.access_point_id,
                 request=request,
                 changes={"person": [None, person.pk], "notice": [None, notice.pk],
                          "given_on": [None, given_on.isoformat()]})
    _on_case(person.pk, by=by, obj=delivery, message="privacy_notice_given",
             data={"notice_id": notice.pk, "version": notice.version, "language": notice.language_id,
                   "given_on": given_on.isoformat()})
    return delivery
