"""Recording the interventions delivered to a person (the diary): interviews,
accompaniment, mediation, visits, calls.

A *joint* intervention has a social services expert and a labour policy
expert present together — an indicator of the programme, so it is checked
here, against the operators' roles at the case's access point, rather than
trusted from a tick box.

Each write leaves a ``CaseEvent`` (kind ``intervention``) whose summary says
only the kind and whether it was joint; the event is restricted when the
notes are. Notes never reach the audit trail.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.concurrency import claim
from pua.core.models import AuditAction
from pua.network.models import Role

from . import case_services
from .interventions_selectors import roles_at
from .models import CaseEventKind, CaseStatus, Intervention, InterventionKind
from .plan_selectors import catalogue_for_plans

MAX_DURATION_MINUTES = 24 * 60


def _check(case, *, occurred_on, kind, operators, duration_minutes, joint, plan_action, service,
           current: Intervention | None = None) -> None:
    """Every rule at once, so that the form shows all the errors together."""
    errors: dict[str, ValidationError] = {}
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to record interventions."), code="case_closed")
    if occurred_on is None:
        errors["occurred_on"] = ValidationError(_("Enter the date of the intervention."), code="required")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = ValidationError(_("The date cannot be in the future."), code="future_date")
    elif occurred_on < timezone.localtime(case.opened_at).date():
        errors["occurred_on"] = ValidationError(
            _("The date cannot come before the case was opened (%(date)s).")
            % {"date": date_format(timezone.localtime(case.opened_at).date(), "SHORT_DATE_FORMAT")},
            code="before_case")
    if kind not in InterventionKind.values:
        errors["kind"] = ValidationError(_("Choose the kind of intervention."), code="invalid_kind")
    if duration_minutes is not None and not (1 <= duration_minutes <= MAX_DURATION_MINUTES):
        errors["duration_minutes"] = ValidationError(_("Enter a duration between 1 minute and 24 hours."),
                                                     code="invalid_duration")
    operators = list(operators or [])
    roles = roles_at(case.access_point_id, [u.pk for u in operators])
    kept = set(current.operators.values_list("pk", flat=True)) if current is not None else set()
    if not operators:
        errors["operators"] = ValidationError(_("Choose at least one operator who was present."), code="required")
    elif any(u.pk not in roles and u.pk not in kept for u in operators):
        errors["operators"] = ValidationError(_("The operators present must work at the case's access point."),
                                              code="operator_not_staff")
    elif joint and not _is_joint(operators, roles):
        errors["joint"] = ValidationError(
            _("A joint intervention needs a social services expert and a labour policy expert present together: "
              "choose both among the operators present, or untick “joint”."), code="not_joint")
    if plan_action is not None and plan_action.plan.case_id != case.pk:
        errors["plan_action"] = ValidationError(_("Choose an action of this case's plan."), code="action_not_in_plan")
    if service is not None and not (current is not None and current.service_id == service.pk) and not (
            catalogue_for_plans(case.access_point.programme_id).filter(pk=service.pk).exists()):
        errors["service"] = ValidationError(_("Choose a service of the catalogue (at the service level)."),
                                            code="invalid_service")
    if errors:
        raise ValidationError(errors)


def _is_joint(operators, roles: dict[int, set[str]]) -> bool:
    """Two different people: one a social services expert, the other a labour policy expert."""
    social = {u.pk for u in operators if Role.SOCIAL_EXPERT in roles.get(u.pk, ())}
    labour = {u.pk for u in operators if Role.LABOUR_EXPERT in roles.get(u.pk, ())}
    return any(s != lab for s in social for lab in labour)


def _audit_values(intervention: Intervention, operator_ids) -> dict:
    return {
        "occurred_on": intervention.occurred_on.isoformat() if intervention.occurred_on else None,
        "kind": intervention.kind, "joint": intervention.joint, "duration_minutes": intervention.duration_minutes,
        "operators": sorted(operator_ids), "plan_action": intervention.plan_action_id,
        "service": intervention.service_id, "notes": "[set]" if intervention.notes else None,
        "notes_restricted": intervention.notes_restricted,
    }


@transaction.atomic
def intervention_record(*, case, occurred_on: datetime.date, kind: str, operators, by, duration_minutes=None,
                        joint: bool = False, plan_action=None, service=None, notes: str = "",
                        notes_restricted: bool = False) -> Intervention:
    """Record an intervention; the service defaults to the plan action's."""
    if service is None and plan_action is not None:
        service = plan_action.service
    _check(case, occurred_on=occurred_on, kind=kind, operators=operators, duration_minutes=duration_minutes,
           joint=joint, plan_action=plan_action, service=service)
    intervention = Intervention.objects.create(
        case=case, occurred_on=occurred_on, kind=kind, duration_minutes=duration_minutes, joint=joint,
        plan_action=plan_action, service=service, notes=(notes or "").strip(), notes_restricted=notes_restricted,
        created_by=by)
    intervention.operators.set(operators)
    case_services.event_record(
        case=case, kind=CaseEventKind.INTERVENTION, actor=by, message="intervention_recorded", obj=intervention,
        restricted=notes_restricted,
        data={"intervention": intervention.pk, "kind": kind, "joint": joint, "duration_minutes": duration_minutes,
              "operators": len(operators), "plan_action": intervention.plan_action_id,
              "service": intervention.service_id})
    values = _audit_values(intervention, [u.pk for u in operators])
    audit_change(action=AuditAction.CREATE, actor=by, obj=intervention, access_point_id=intervention.case.access_point_id,
                 changes={k: [None, v] for k, v in values.items() if v not in (None, False, [])})
    return intervention


@transaction.atomic
def intervention_update(*, intervention: Intervention, by, occurred_on: datetime.date, kind: str, operators,
                        duration_minutes=None, joint: bool = False, plan_action=None, service=None, notes: str = "",
                        notes_restricted: bool = False, expected_version: int | None = None) -> Intervention:
    """Correct a recorded intervention (same rules as recording it)."""
    case = intervention.case
    if service is None and plan_action is not None:
        service = plan_action.service
    _check(case, occurred_on=occurred_on, kind=kind, operators=operators, duration_minutes=duration_minutes,
           joint=joint, plan_action=plan_action, service=service, current=intervention)
    before = _audit_values(intervention, intervention.operators.values_list("pk", flat=True))
    old_notes = intervention.notes
    intervention.occurred_on, intervention.kind, intervention.duration_minutes = occurred_on, kind, duration_minutes
    intervention.joint, intervention.plan_action, intervention.service = joint, plan_action, service
    intervention.notes, intervention.notes_restricted = (notes or "").strip(), notes_restricted
    after = _audit_values(intervention, [u.pk for u in operators])
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if old_notes and intervention.notes and old_notes != intervention.notes:
        changes["notes"] = ["[redacted]", "[redacted]"]
    if not changes:
        return intervention
    claim(intervention, expected_version)
    intervention.save()
    intervention.operators.set(operators)
    case_services.event_record(
        case=case, kind=CaseEventKind.INTERVENTION, actor=by, obj=intervention, restricted=notes_restricted,
        message="intervention_corrected",
        data={"intervention": intervention.pk, "kind": kind, "joint": joint, "fields": sorted(changes)})
    audit_change(action=AuditAction.UPDATE, actor=by, obj=intervention, access_point_id=intervention.case.access_point_id,
                 changes=changes)
    return intervention
