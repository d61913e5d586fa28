"""Eligibility criteria of an access point and the intake decision (presa in carico).

Each access point sets its access conditions (documents required, legal
status, residence, target group, age...; seed 001). The intake decision
checks every active criterion of the case's access point — met, not met or
not applicable — and either takes the person in charge (``eligible``) or
records where the person was referred instead and closes the case
(``not_eligible``). A mandatory criterion not met forbids "eligible".
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import case_services, referrals_services
from .models import (
    Case,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    CriterionCheck,
    CriterionKind,
    EligibilityCriterion,
    IntakeCriterionCheck,
    IntakeDecision,
    IntakeOutcome,
)

CRITERION_FIELDS = ["kind", "label", "description", "is_mandatory"]
SORT_STEP = 10


def _require(by, perm: str, obj) -> None:
    if not by.has_perm(perm, obj):
        raise PermissionDenied


# --- eligibility criteria ----------------------------------------------------------------------

def _clean_criterion(criterion: EligibilityCriterion) -> None:
    criterion.label = (criterion.label or "").strip()
    criterion.description = (criterion.description or "").strip()
    errors = {}
    if not criterion.label:
        errors["label"] = ValidationError(_("Name the criterion."), code="required")
    if criterion.kind not in CriterionKind.values:
        errors["kind"] = ValidationError(_("Choose the kind of criterion."), code="invalid")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def criterion_create(*, access_point, by, kind, label, description="", is_mandatory=True) -> EligibilityCriterion:
    """A new criterion goes at the end of the access point's list."""
    _require(by, "cases.manage_eligibility", access_point)
    criterion = EligibilityCriterion(access_point=access_point, kind=kind, label=label, description=description,
                                     is_mandatory=is_mandatory)
    _clean_criterion(criterion)
    last = EligibilityCriterion.objects.filter(access_point=access_point).aggregate(last=Max("sort_order"))["last"]
    criterion.sort_order = (last or 0) + SORT_STEP
    criterion.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=criterion, access_point_id=criterion.access_point_id,
                 changes=diff({}, snapshot(criterion, CRITERION_FIELDS + ["access_point", "sort_order"])))
    return criterion


@transaction.atomic
def criterion_update(*, criterion, by, expected_version: int | None = None, **values) -> EligibilityCriterion:
    """Change the wording or kind; decisions already taken keep pointing at the criterion."""
    _require(by, "cases.manage_eligibility", criterion)
    before = snapshot_stored(criterion, CRITERION_FIELDS)
    for name, value in values.items():
        if name in CRITERION_FIELDS:
            setattr(criterion, name, value)
    _clean_criterion(criterion)
    claim(criterion, expected_version)
    criterion.save(update_fields=CRITERION_FIELDS)
    changes = diff(before, snapshot(criterion, CRITERION_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=criterion, access_point_id=criterion.access_point_id,
                     changes=changes)
    return criterion


@transaction.atomic
def criterion_set_active(*, criterion, by, active: bool, expected_version: int | None = None) -> EligibilityCriterion:
    """Criteria are deactivated, never deleted: past decisions refer to them."""
    _require(by, "cases.manage_eligibility", criterion)
    if criterion.is_active != active:
        criterion.is_active = active
        claim(criterion, expected_version)
        criterion.save(update_fields=["is_active"])
        audit_change(action=AuditAction.UPDATE, actor=by, obj=criterion, access_point_id=criterion.access_point_id,
                     changes={"is_active": [not active, active]})
    return criterion


@transaction.atomic
def criterion_move(*, criterion, by, direction: str) -> EligibilityCriterion:
    """Swap a criterion with its neighbour ("up" or "down") among the active
    ones of its access point, renumbering them so the order is unambiguous."""
    _require(by, "cases.manage_eligibility", criterion)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a criterion up or down."), code="invalid")
    siblings = list(EligibilityCriterion.objects.select_for_update().filter(
        access_point_id=criterion.access_point_id, is_active=True).order_by("sort_order", "id"))
    ids = [c.pk for c in siblings]
    if criterion.pk not in ids:
        raise ValidationError(_("Only active criteria can be reordered."), code="inactive")
    index = ids.index(criterion.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.sort_order != position * SORT_STEP:
            sibling.sort_order = position * SORT_STEP
            sibling.save(update_fields=["sort_order"])
    new_position = [c.pk for c in siblings].index(criterion.pk) + 1
    criterion.sort_order = new_position * SORT_STEP
    if new_position != index + 1:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=criterion, access_point_id=criterion.access_point_id,
                     changes={"position": [index + 1, new_position]})
    return criterion


# --- the intake decision ----------------------------------------------------------------------

def _checked(criteria, checks: dict) -> tuple[dict[int, tuple[str, str]], dict]:
    """Every active criterion with a valid result; returns the checks keyed by id, and errors."""
    checks = {int(k): v for k, v in (checks or {}).items()}
    errors = {}
    known = {c.pk for c in criteria}
    unknown = set(checks) - known
    if unknown:
        errors["checks"] = ValidationError(_("Some checks are not about the active criteria of this access point."),
                                           code="unknown_criterion")
    result: dict[int, tuple[str, str]] = {}
    missing = []
    for criterion in criteria:
        value, note = (tuple(checks.get(criterion.pk) or ("", "")) + ("",))[:2]
        if value not in CriterionCheck.values:
            missing.append(criterion.label)
            continue
        result[criterion.pk] = (value, (note or "").strip()[:300])
    if missing:
        errors.setdefault("checks", ValidationError(
            _("Say whether each criterion is met, not met or not applicable (missing: %(labels)s).")
            % {"labels": ", ".join(missing)}, code="unchecked"))
    return result, errors


@transaction.atomic
def intake_decide(*, case, outcome, rationale, checks: dict, by, referred_to=None, referred_to_note="",
                  referral_service=None) -> IntakeDecision:
    """Decide on taking the person of ``case`` in charge.

    ``checks`` maps each active criterion's id to ``(result, note)``. Eligible:
    the case is taken in charge. Not eligible: the person is referred
    elsewhere — ``referred_to`` (an organisation of the network, with an
    outbound referral when ``referral_service`` is given) and/or
    ``referred_to_note`` — and the case is closed as "not eligible"."""
    _require(by, "cases.decide_intake", case)
    # Locked, so that two operators cannot decide on the same case at once.
    case.status = Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
    if case.status not in (CaseStatus.CONTACT, CaseStatus.SCREENING):
        raise ValidationError(
            _("The intake decision is taken at contact or screening; this case is “%(status)s”.")
            % {"status": CaseStatus(case.status).label}, code="illegal_transition")
    criteria = list(EligibilityCriterion.objects.filter(access_point_id=case.access_point_id, is_active=True)
                    .order_by("sort_order", "id"))
    results, errors = _checked(criteria, checks)
    rationale = (rationale or "").strip()
    referred_to_note = (referred_to_note or "").strip()
    if outcome not in IntakeOutcome.values:
        errors["outcome"] = ValidationError(_("Choose the decision: eligible or not eligible."), code="required")
    if not rationale:
        errors["rationale"] = ValidationError(_("Explain the decision."), code="required")
    if outcome == IntakeOutcome.NOT_ELIGIBLE:
        if referred_to is None and not referred_to_note:
            errors["referred_to"] = ValidationError(
                _("Say where the person is referred: choose an organisation or write a note."), code="required")
        if referred_to is not None and not referrals_services.in_network(referred_to, case.access_point_id):
            errors["referred_to"] = ValidationError(
                _("Choose an active organisation of the access point's network."), code="not_in_network")
        if referral_service is not None and referred_to is None:
            errors["referral_service"] = ValidationError(
                _("A referral for a service needs the organisation it is sent to."), code="required")
    if errors:
        raise ValidationError(errors)
    not_met = [c for c in criteria if results[c.pk][0] == CriterionCheck.NOT_MET]
    mandatory_not_met = [c.label for c in not_met if c.is_mandatory]
    if outcome == IntakeOutcome.ELIGIBLE and mandatory_not_met:
        raise ValidationError(
            _("The person cannot be declared eligible: mandatory criteria are not met (%(labels)s).")
            % {"labels": ", ".join(mandatory_not_met)}, code="mandatory_not_met")
    eligible = outcome == IntakeOutcome.ELIGIBLE
    decision = IntakeDecision.objects.create(
        case=case, outcome=outcome, rationale=rationale, decided_at=timezone.now(), decided_by=by,
        referred_to=None if eligible else referred_to, referred_to_note="" if eligible else referred_to_note[:300],
    )
    IntakeCriterionCheck.objects.bulk_create([
        IntakeCriterionCheck(decision=decision, criterion=c, result=results[c.pk][0], note=results[c.pk][1])
        for c in criteria
    ])
    facts = {"outcome": outcome, "criteria": len(criteria), "not_met": len(not_met),
             "referred_to": decision.referred_to_id}
    audit_change(action=AuditAction.CREATE, actor=by, obj=decision, access_point_id=case.access_point_id,
                 changes={**{k: [None, v] for k, v in facts.items()}, "case": [None, case.pk]})
    case_services.event_record(case=case, kind=CaseEventKind.INTAKE_DECISION, actor=by,
                               message="intake_eligible" if eligible else "intake_not_eligible",
                               data={"decision": decision.pk, **facts}, obj=decision, occurred_at=decision.decided_at)
    if eligible:
        case_services.case_take_in_charge(case=case, by=by, data={"intake_decision": decision.pk})
        return decision
    if referral_service is not None:
        referrals_services.referral_create_outbound(
            case=case, organisation=referred_to, service=referral_service, by=by,
            reason=referred_to_note or rationale)
    case_services.case_close(case=case, by=by, reason=ClosureReason.NOT_ELIGIBLE, outcome=rationale)
    return decision
