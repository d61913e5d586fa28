"""Referrals (schede di invio), both ways, and their small state machine.

    sent → accepted → completed (the receiving organisation reports back)
    sent → declined (with a reason)
    sent → withdrawn (by the access point)

*Inbound*: a network organisation (SerD, therapeutic community, social
services...) sends a person to the access point; the case staff answer, and
accepting opens a case at screening unless the person already has an open one.
*Outbound*: the case team sends the person to a network organisation for a
catalogue service; that organisation's partner operators answer and report.

Every step writes an audit entry (never the free texts: they describe the
person) and, when there is a case, a ``CaseEvent`` of kind *referral* whose
``data`` holds only ids and statuses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.concurrency import check, claim
from pua.core.models import AuditAction
from pua.network.models import Organisation

from . import case_services
from .models import (
    Case,
    CaseEventKind,
    CaseStatus,
    Referral,
    ReferralDirection,
    ReferralStatus,
)

S = ReferralStatus


def _require(by, perm: str, obj) -> None:
    if not by.has_perm(perm, obj):
        raise PermissionDenied


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(message, code="required")})
    return value


def in_network(organisation, access_point_id) -> bool:
    """An active organisation of the access point's network."""
    return Organisation.objects.in_network_of([access_point_id]).filter(pk=organisation.pk, is_active=True).exists()


def _open_case_of(person) -> Case | None:
    return Case.objects.filter(person=person).exclude(status=CaseStatus.CLOSED).order_by("-opened_at", "-id").first()


def _audit_facts(referral: Referral) -> dict:
    """What the audit trail may hold about a referral: ids and statuses, no free text."""
    return {
        "direction": referral.direction, "status": referral.status, "person": referral.person_id,
        "case": referral.case_id, "organisation": referral.organisation_id, "service": referral.service_id,
        "offering": referral.offering_id, "agreement": referral.agreement_id,
    }


def _message(referral: Referral, step: str) -> str:
    """``step`` is "created" or the status the referral moved to."""
    direction = "inbound" if referral.direction == ReferralDirection.INBOUND else "outbound"
    name = {"created": "recorded" if direction == "inbound" else "sent"}.get(step, step)
    return f"referral_{direction}_{name}"


def _event(referral: Referral, step: str, by, old: str | None = None) -> None:
    if referral.case_id is None:
        return
    case_services.event_record(
        case=referral.case, kind=CaseEventKind.REFERRAL, actor=by, message=_message(referral, step), obj=referral,
        data={"referral": referral.pk, "direction": referral.direction, "from": old, "to": referral.status,
              "organisation": referral.organisation_id, "service": referral.service_id,
              # The organisation's name and the service's code, as the line said before messages existed.
              "organisation_name": referral.organisation.name,
              "service_code": referral.service.code if referral.service_id else ""},
    )


def _locked(referral: Referral, expected_version: int | None = None) -> Referral:
    """Lock and refresh the referral; refuse a step taken on a copy older than
    ``expected_version`` (when given)."""
    fresh = Referral.objects.select_for_update().get(pk=referral.pk)
    for name in ("status", "answered_at", "answered_by_id", "answer_reason", "report", "reported_at", "case_id",
                 "version"):
        setattr(referral, name, getattr(fresh, name))
    check(referral, expected_version)
    return referral


def _check_waiting(referral: Referral) -> None:
    """Answers and withdrawals need a referral still waiting for an answer."""
    if referral.status == S.SENT:
        return
    if referral.status == S.WITHDRAWN:
        raise ValidationError(_("This referral was withdrawn: it can no longer be answered."), code="withdrawn")
    raise ValidationError(
        _("This referral has already been answered (it is “%(status)s”).") % {"status": S(referral.status).label},
        code="already_answered")


def _save_step(referral: Referral, *, by, old: str, fields: list[str], step: str | None = None,
               expected_version: int | None = None) -> Referral:
    claim(referral, expected_version)
    referral.save(update_fields=fields)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=referral, access_point_id=referral.access_point_id,
                 changes={"status": [old, referral.status]})
    _event(referral, step or referral.status, by, old)
    return referral


# --- creating ------------------------------------------------------------------------------

@transaction.atomic
def referral_create_inbound(*, person, organisation, reason, work_done="", referrer_name="", referrer_contact="",
                            agreement=None, sent_at=None, by) -> Referral:
    """Record a referral a network organisation sent to the person's access point.

    Linked at once to the person's open case, if there is one (its timeline
    shows the referral); otherwise accepting it opens the case."""
    _require(by, "cases.add_referral", person)
    if person.merged_into_id:
        raise ValidationError(_("This record was merged into another one: record the referral there."),
                              code="merged")
    errors = {}
    if organisation is None or not in_network(organisation, person.access_point_id):
        errors["organisation"] = ValidationError(
            _("Choose the referring body among the active organisations of the access point's network."),
            code="not_in_network")
    if agreement is not None:
        if agreement.access_point_id != person.access_point_id:
            errors["agreement"] = ValidationError(_("Choose an agreement of this access point."),
                                                  code="other_access_point")
        elif organisation is not None and not agreement.parties.filter(pk=organisation.pk).exists():
            errors["agreement"] = ValidationError(_("The referring body is not a party to this agreement."),
                                                  code="not_a_party")
    sent_at = sent_at or timezone.now()
    if sent_at > timezone.now():
        errors["sent_at"] = ValidationError(_("The referral date cannot be in the future."), code="future_date")
    if not (reason or "").strip():
        errors["reason"] = ValidationError(_("Say why the person is referred."), code="required")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        direction=ReferralDirection.INBOUND, access_point_id=person.access_point_id, person=person,
        case=_open_case_of(person), organisation=organisation, agreement=agreement,
        referrer_name=referrer_name.strip(), referrer_contact=referrer_contact.strip(), reason=reason.strip(),
        work_done=(work_done or "").strip(), sent_at=sent_at, created_by=by,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=referral, access_point_id=referral.access_point_id,
                 changes={k: [None, v] for k, v in
                                                                             _audit_facts(referral).items()})
    _event(referral, "created", by)
    return referral


@transaction.atomic
def referral_create_outbound(*, case, offering=None, organisation=None, service, reason, by) -> Referral:
    """Refer the person of an open case to a network organisation for a catalogue service.

    With an ``offering`` (picked in the directory) the organisation and the
    service are the offering's; without one, ``organisation`` is required."""
    _require(by, "cases.add_referral", case)
    if case.is_closed:
        raise ValidationError(_("The case is closed: reopen it before referring the person."), code="case_closed")
    if case.person.merged_into_id:
        raise ValidationError(_("This record was merged into another one: refer the person from there."),
                              code="merged")
    errors = {}
    if service is None and offering is not None:
        service = offering.service
    if offering is not None:
        if organisation is not None and organisation.pk != offering.organisation_id:
            errors["offering"] = ValidationError(_("The offering belongs to another organisation."),
                                                 code="offering_mismatch")
        elif service is not None and service.pk != offering.service_id:
            errors["offering"] = ValidationError(_("The offering is for another service."), code="offering_mismatch")
        elif not offering.is_active:
            errors["offering"] = ValidationError(_("This offering is no longer active."), code="inactive")
        organisation = offering.organisation
    if service is None:
        errors["service"] = ValidationError(_("Choose the service the person is referred for."), code="required")
    elif service.is_retired:
        errors["service"] = ValidationError(_("This service has been retired from the catalogue."), code="retired")
    if organisation is None:
        errors.setdefault("organisation", ValidationError(
            _("Choose an offering from the directory or an organisation."), code="required"))
    elif not in_network(organisation, case.access_point_id):
        errors["organisation"] = ValidationError(
            _("Choose an active organisation of the access point's network."), code="not_in_network")
    if not (reason or "").strip():
        errors["reason"] = ValidationError(_("Say why the person is referred."), code="required")
    if errors:
        raise ValidationError(errors)
    duplicate = Referral.objects.filter(
        case=case, direction=ReferralDirection.OUTBOUND, organisation=organisation, service=service,
        status__in=(S.SENT, S.ACCEPTED)).exists()
    if duplicate:
        raise ValidationError(
            _("This case already has an open referral to this organisation for this service."), code="duplicate")
    referral = Referral.objects.create(
        direction=ReferralDirection.OUTBOUND, access_point_id=case.access_point_id, person_id=case.person_id,
        case=case, organisation=organisation, service=service, offering=offering, reason=reason.strip(),
        sent_at=timezone.now(), created_by=by,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=referral, access_point_id=referral.access_point_id,
                 changes={k: [None, v] for k, v in
                                                                             _audit_facts(referral).items()})
    _event(referral, "created", by)
    return referral


# --- answering -------------------------------------------------------------------------------

def _link_case(referral: Referral, by) -> None:
    """An accepted inbound referral belongs to the person's open case, opened now if needed."""
    if referral.case_id is not None and not referral.case.is_closed:
        return
    case = _open_case_of(referral.person)
    if case is None:
        case = case_services.case_open(person=referral.person, by=by, case_manager=by, status=CaseStatus.SCREENING)
    referral.case = case


@transaction.atomic
def referral_accept(*, referral, by, reason="", expected_version: int | None = None) -> Referral:
    _require(by, "cases.answer_referral", referral)
    referral = _locked(referral, expected_version)
    _check_waiting(referral)
    old = referral.status
    fields = ["status", "answered_at", "answered_by", "answer_reason"]
    if referral.direction == ReferralDirection.INBOUND:
        _link_case(referral, by)
        fields.append("case")
    referral.status = S.ACCEPTED
    referral.answered_at, referral.answered_by = timezone.now(), by
    referral.answer_reason = (reason or "").strip()
    return _save_step(referral, by=by, old=old, fields=fields, expected_version=expected_version)


@transaction.atomic
def referral_decline(*, referral, by, reason, expected_version: int | None = None) -> Referral:
    _require(by, "cases.answer_referral", referral)
    referral = _locked(referral, expected_version)
    _check_waiting(referral)
    reason = _required_text(reason, "reason", _("Say why the referral is declined."))
    old = referral.status
    referral.status = S.DECLINED
    referral.answered_at, referral.answered_by, referral.answer_reason = timezone.now(), by, reason
    return _save_step(referral, by=by, old=old, fields=["status", "answered_at", "answered_by", "answer_reason"],
                      expected_version=expected_version)


@transaction.atomic
def referral_report(*, referral, by, report, expected_version: int | None = None) -> Referral:
    """The receiving organisation reports back on an accepted outbound referral; it is then completed."""
    _require(by, "cases.report_referral", referral)
    referral = _locked(referral, expected_version)
    if referral.direction != ReferralDirection.OUTBOUND:
        raise ValidationError(_("Only the organisation a person was referred to reports back."), code="inbound")
    if referral.status != S.ACCEPTED:
        raise ValidationError(
            _("Only an accepted referral can be reported on (this one is “%(status)s”).")
            % {"status": S(referral.status).label}, code="not_accepted")
    report = _required_text(report, "report", _("Write the report for the access point."))
    old = referral.status
    referral.status = S.COMPLETED
    referral.report, referral.reported_at = report, timezone.now()
    return _save_step(referral, by=by, old=old, fields=["status", "report", "reported_at"],
                      expected_version=expected_version)


@transaction.atomic
def referral_withdraw(*, referral, by, expected_version: int | None = None) -> Referral:
    """The access point takes a referral back while it is still waiting for an answer."""
    _require(by, "cases.withdraw_referral", referral)
    referral = _locked(referral, expected_version)
    if referral.status != S.SENT:
        raise ValidationError(
            _("Only a referral waiting for an answer can be withdrawn (this one is “%(status)s”).")
            % {"status": S(referral.status).label}, code="not_waiting")
    old = referral.status
    referral.status = S.WITHDRAWN
    return _save_step(referral, by=by, old=old, fields=["status"], expected_version=expected_version)
