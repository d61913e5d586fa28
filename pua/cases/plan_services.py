"""Writing the personalised plan (PIP): goals, actions, the agreement with
the person, the review cadence and the reviews.

Every change of the plan's content (goals, actions, agreement, cadence) goes
through ``_new_version``: it locks the plan row, bumps ``Plan.version`` and
stores a ``PlanVersion`` with a JSON snapshot of goals and actions, so that
any earlier version can be read and compared. Each change also writes a
``CaseEvent`` (kind ``plan``) and an audit entry. Reviews do not change the
content: they write a ``PlanReview``, move ``next_review_due`` and leave a
``review`` event.

Summaries, version descriptions and audit entries name areas, statuses and
catalogue codes only: goal texts, outcome notes and review notes may hold
personal data and stay in the plan itself.
"""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.concurrency import check, claim
from pua.core.models import AuditAction
from pua.network.models import Organisation

from . import case_services
from .documents_services import document_upload
from .event_messages import message_text
from .models import (
    ActionStatus,
    CaseDocument,
    CaseEventKind,
    CaseStatus,
    DocumentKind,
    GoalArea,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanStatus,
    PlanVersion,
)
from .plan_selectors import (
    CHANGE_ACTION,
    CHANGE_AGREED,
    CHANGE_CADENCE,
    CHANGE_DRAFTED,
    CHANGE_GOAL,
    CHANGE_PROGRESS,
    catalogue_for_plans,
    staff_at,
)

# A plan is drafted once the person is taken in charge, and lives on while
# the case is followed up.
PLAN_CASE_STATUSES = (CaseStatus.TAKEN_IN_CHARGE, CaseStatus.PLAN_ACTIVE, CaseStatus.FOLLOW_UP)
MAX_REVIEW_EVERY_DAYS = 365


# --- snapshots and versions -------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value else None


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def plan_snapshot(plan: Plan) -> dict:
    """Goals and actions as they are now, self-contained (names and labels
    included, so that a version reads the same after the catalogue or the
    directory change)."""
    goals = list(plan.goals.order_by("sort_order", "id"))
    actions = list(plan.actions.select_related("service", "provider", "responsible", "offering__site")
                   .order_by("goal__sort_order", "goal_id", "planned_start", "id"))
    return {
        "status": plan.status,
        "agreed_on": _iso(plan.agreed_on),
        "agreed_language": str(plan.agreed_language) if plan.agreed_language_id else "",
        "signed_document_id": plan.signed_document_id,
        "review_every_days": plan.review_every_days,
        "goals": [
            {"id": g.pk, "area": g.area, "description": g.description, "evaluation": g.evaluation}
            for g in goals
        ],
        "actions": [
            {
                "id": a.pk, "goal_id": a.goal_id,
                "service_id": a.service_id, "service_code": a.service.code,
                "service_label": a.service.label_it, "service_label_en": a.service.label_en,
                "provider_id": a.provider_id, "provider": a.provider.name,
                "offering_id": a.offering_id,
                "site": a.offering.site.name if a.offering_id and a.offering.site_id else "",
                "responsible_id": a.responsible_id, "responsible": _user_name(a.responsible),
                "planned_start": _iso(a.planned_start), "planned_end": _iso(a.planned_end),
                "status": a.status, "outcome_note": a.outcome_note,
            }
            for a in actions
        ],
    }


def _lock(plan: Plan) -> Plan:
    """Lock the plan row for the rest of the transaction and refresh what
    the services read, so that two changes never get the same version."""
    fresh = Plan.objects.select_for_update().get(pk=plan.pk)
    for field in ("version", "status", "agreed_on", "agreed_language_id", "signed_document_id",
                  "review_every_days", "next_review_due"):
        setattr(plan, field, getattr(fresh, field))
    return plan


def _check_case_open(plan: Plan) -> None:
    if plan.case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to change the plan."), code="case_closed")


def _new_version(plan: Plan, *, by, message: str, change_kind: str, data: dict, obj=None,
                 expected_version: int | None = None) -> PlanVersion:
    """Bump the version (refused when it is no longer ``expected_version``),
    store the snapshot, write the case event (``message`` of
    ``event_messages``, read with ``data``). The plan row must be locked
    (``_lock``) by the caller."""
    claim(plan, expected_version)
    plan.save(update_fields=["updated_at"])
    snapshot = {**plan_snapshot(plan), "change_kind": change_kind}
    data = {"plan": plan.pk, "version": plan.version, **data}
    version = PlanVersion.objects.create(plan=plan, number=plan.version, created_at=timezone.now(), created_by=by,
                                         change=message_text(message, data)[:300], snapshot=snapshot)
    case_services.event_record(case=plan.case, kind=CaseEventKind.PLAN, actor=by, message=message, data=data,
                               obj=obj or plan)
    return version


# --- the plan ---------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, case, by, review_every_days: int = 30) -> Plan:
    """Start the plan of a case taken in charge, as a draft (version 1)."""
    type(case).objects.select_for_update().filter(pk=case.pk).first()
    case.refresh_from_db(fields=["status"])
    if Plan.objects.filter(case=case).exists():
        raise ValidationError(_("This case already has a plan."), code="plan_exists")
    if case.status not in PLAN_CASE_STATUSES:
        raise ValidationError(
            _("A plan is drafted for a case taken in charge (this case is “%(status)s”).")
            % {"status": CaseStatus(case.status).label}, code="not_taken_in_charge")
    _check_cadence(review_every_days)
    plan = Plan.objects.create(case=case, version=1, review_every_days=review_every_days, created_by=by)
    PlanVersion.objects.create(plan=plan, number=1, created_at=timezone.now(), created_by=by,
                               change=message_text("plan_drafted", {}),
                               snapshot={**plan_snapshot(plan), "change_kind": CHANGE_DRAFTED})
    case_services.event_record(case=case, kind=CaseEventKind.PLAN, actor=by, message="plan_drafted",
                               data={"plan": plan.pk, "version": 1}, obj=plan)
    audit_change(action=AuditAction.CREATE, actor=by, obj=plan, access_point_id=plan.case.access_point_id,
                 changes={"version": [None, 1], "review_every_days": [None, review_every_days]})
    return plan


def _check_cadence(days) -> None:
    if days is None or not (1 <= int(days) <= MAX_REVIEW_EVERY_DAYS):
        raise ValidationError({"review_every_days": ValidationError(
            _("Review the plan every 1 to %(max)d days.") % {"max": MAX_REVIEW_EVERY_DAYS}, code="invalid_cadence")})


@transaction.atomic
def plan_set_review_cadence(*, plan: Plan, review_every_days: int, by, expected_version: int | None = None) -> Plan:
    """Change how often the plan is reviewed; the next review moves with it
    (counted from the last review, else from the agreement)."""
    plan = _lock(plan)
    check(plan, expected_version)
    _check_case_open(plan)
    _check_cadence(review_every_days)
    old_days, old_due = plan.review_every_days, plan.next_review_due
    if old_days == review_every_days:
        return plan
    plan.review_every_days = review_every_days
    last = plan.reviews.order_by("-reviewed_on", "-id").values_list("reviewed_on", flat=True).first()
    since = last or plan.agreed_on
    if since is not None:
        plan.next_review_due = since + datetime.timedelta(days=review_every_days)
    plan.save(update_fields=["review_every_days", "next_review_due", "updated_at"])
    _new_version(plan, by=by, change_kind=CHANGE_CADENCE, message="plan_cadence_changed",
                 data={"review_every_days": [old_days, review_every_days]}, expected_version=expected_version)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=plan, access_point_id=plan.case.access_point_id, changes={
        "review_every_days": [old_days, review_every_days],
        "next_review_due": [_iso(old_due), _iso(plan.next_review_due)], "version": [plan.version - 1, plan.version]})
    return plan


def _store_signed_document(*, plan: Plan, file, by) -> CaseDocument:
    """Keep the signed plan with the person's documents (checked and stored by
    the documents feature, which also writes the timeline and the audit)."""
    # The original name may carry the person's name: the stored one never does.
    file.name = f"signed-plan-v{plan.version + 1}{PurePath(file.name or '').suffix.lower()}"
    try:
        return document_upload(person=plan.case.person, case=plan.case, file=file, kind=DocumentKind.SIGNED_PLAN,
                               title=_("Signed plan, version %(version)d") % {"version": plan.version + 1}, by=by)
    except ValidationError as error:
        messages = error.message_dict.get("file") if hasattr(error, "error_dict") else None
        raise ValidationError({"signed_file": messages or error.messages}) from error


@transaction.atomic
def plan_agree(*, plan: Plan, agreed_on: datetime.date, by, language=None, signed_file=None,
               expected_version: int | None = None) -> Plan:
    """Record the agreement with the person (date, language, signed copy);
    the case's plan becomes active and the first review is scheduled."""
    plan = _lock(plan)
    check(plan, expected_version)
    _check_case_open(plan)
    errors = {}
    if agreed_on is None:
        errors["agreed_on"] = ValidationError(_("Enter the date of the agreement."), code="required")
    elif agreed_on > timezone.localdate():
        errors["agreed_on"] = ValidationError(_("The date of the agreement cannot be in the future."),
                                              code="future_date")
    if not plan.goals.exists() or not plan.actions.exists():
        errors.setdefault("__all__", []).append(ValidationError(
            _("Add at least one goal and one action before agreeing the plan with the person."), code="empty_plan"))
    if errors:
        raise ValidationError(errors)
    before = {"status": plan.status, "agreed_on": _iso(plan.agreed_on), "agreed_language": plan.agreed_language_id,
              "signed_document": plan.signed_document_id, "next_review_due": _iso(plan.next_review_due)}
    if signed_file is not None:
        plan.signed_document = _store_signed_document(plan=plan, file=signed_file, by=by)
    plan.status = PlanStatus.AGREED
    plan.agreed_on = agreed_on
    plan.agreed_language = language
    if plan.next_review_due is None or not plan.reviews.exists():
        plan.next_review_due = agreed_on + datetime.timedelta(days=plan.review_every_days)
    plan.save(update_fields=["status", "agreed_on", "agreed_language", "signed_document", "next_review_due",
                             "updated_at"])
    case_services.case_activate_plan(case=plan.case, by=by)
    _new_version(plan, by=by, message="plan_agreed", change_kind=CHANGE_AGREED,
                 data={"agreed_on": _iso(agreed_on), "signed_document": plan.signed_document_id},
                 expected_version=expected_version)
    after = {"status": plan.status, "agreed_on": _iso(plan.agreed_on), "agreed_language": plan.agreed_language_id,
             "signed_document": plan.signed_document_id, "next_review_due": _iso(plan.next_review_due)}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_change(action=AuditAction.UPDATE, actor=by, obj=plan, access_point_id=plan.case.access_point_id,
                 changes={**changes, "version": [plan.version - 1, plan.version]})
    return plan


# --- goals --------------------------------------------------------------------------------------

def _check_goal(area: str, description: str) -> None:
    errors = {}
    if area not in GoalArea.values:
        errors["area"] = ValidationError(_("Choose the area of the goal."), code="invalid_area")
    if not (description or "").strip():
        errors["description"] = ValidationError(_("Describe the goal."), code="required")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_add(*, plan: Plan, area: str, description: str, by) -> PlanGoal:
    plan = _lock(plan)
    _check_case_open(plan)
    _check_goal(area, description)
    last = plan.goals.order_by("-sort_order").values_list("sort_order", flat=True).first()
    goal = PlanGoal.objects.create(plan=plan, area=area, description=description.strip(),
                                   sort_order=(last or 0) + 1)
    _new_version(plan, by=by, change_kind=CHANGE_GOAL, message="goal_added",
                 data={"goal": goal.pk, "area": area}, obj=goal)
    audit_change(action=AuditAction.CREATE, actor=by, obj=goal, access_point_id=goal.plan.case.access_point_id,
                 changes={"plan": [None, plan.pk], "area": [None, area], "description": [None, "[set]"]})
    return goal


@transaction.atomic
def goal_update(*, goal: PlanGoal, area: str, description: str, by,
                expected_version: int | None = None) -> PlanGoal:
    plan = _lock(goal.plan)
    _check_case_open(plan)
    _check_goal(area, description)
    description = description.strip()
    changes = {}
    if goal.area != area:
        changes["area"] = [goal.area, area]
    if goal.description != description:
        changes["description"] = ["[redacted]", "[redacted]"]
    if not changes:
        return goal
    claim(goal, expected_version)
    goal.area, goal.description = area, description
    goal.save(update_fields=["area", "description", "version"])
    _new_version(plan, by=by, change_kind=CHANGE_GOAL, message="goal_changed",
                 data={"goal": goal.pk, "fields": sorted(changes), "area": area}, obj=goal)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=goal, access_point_id=goal.plan.case.access_point_id,
                 changes=changes)
    return goal


@transaction.atomic
def goal_remove(*, goal: PlanGoal, by, expected_version: int | None = None) -> None:
    """Remove a goal with no actions (actions are cancelled, never deleted,
    because interventions and reports refer to them)."""
    plan = _lock(goal.plan)
    _check_case_open(plan)
    claim(goal, expected_version)
    if goal.actions.exists():
        raise ValidationError(
            _("This goal has actions: cancel them or move them to another goal before removing it."),
            code="goal_has_actions")
    goal_id, area = goal.pk, goal.area
    audit_change(action=AuditAction.DELETE, actor=by, obj=goal, access_point_id=goal.plan.case.access_point_id,
                 changes={"plan": [plan.pk, None], "area": [area, None]})
    goal.delete()
    _new_version(plan, by=by, change_kind=CHANGE_GOAL, message="goal_removed",
                 data={"goal": goal_id, "area": area})


# --- actions ------------------------------------------------------------------------------------

ACTION_FIELDS = ("goal", "service", "provider", "offering", "responsible", "planned_start", "planned_end", "status",
                 "outcome_note")


def _check_action(plan: Plan, *, goal, service, provider, offering, responsible, planned_start, planned_end,
                  status, current: PlanAction | None = None) -> None:
    """Goal of this plan, a catalogue service, a provider of the access
    point's network (an offering of that provider and service), a responsible
    operator of the access point, and dates in order. All errors at once."""
    errors: dict[str, ValidationError] = {}
    access_point_id = plan.case.access_point_id
    if goal is None or goal.plan_id != plan.pk:
        errors["goal"] = ValidationError(_("Choose a goal of this plan."), code="goal_not_in_plan")
    keep_service = current is not None and service is not None and current.service_id == service.pk
    if service is None:
        errors["service"] = ValidationError(_("Choose a service of the catalogue."), code="required")
    elif not keep_service and not catalogue_for_plans(plan.case.access_point.programme_id).filter(
            pk=service.pk).exists():
        errors["service"] = ValidationError(_("Choose a service of the catalogue (at the service level)."),
                                            code="invalid_service")
    keep_provider = current is not None and provider is not None and current.provider_id == provider.pk
    if provider is None:
        errors["provider"] = ValidationError(_("Choose the organisation that provides the service."), code="required")
    elif not keep_provider and not Organisation.objects.in_network_of([access_point_id]).filter(
            pk=provider.pk, is_active=True).exists():
        errors["provider"] = ValidationError(
            _("The provider must be an active organisation of the access point's network."), code="provider_not_in_network")
    if offering is not None and provider is not None and service is not None and (
            offering.organisation_id != provider.pk or offering.service_id != service.pk):
        errors["provider"] = ValidationError(_("The offering chosen is not this organisation's offering of this service."),
                                             code="offering_mismatch")
    if responsible is not None and not (current is not None and current.responsible_id == responsible.pk) and not (
            staff_at(access_point_id).filter(pk=responsible.pk).exists()):
        errors["responsible"] = ValidationError(_("The responsible operator must work at the case's access point."),
                                                code="responsible_not_staff")
    if planned_start and planned_end and planned_end < planned_start:
        errors["planned_end"] = ValidationError(_("The planned end cannot come before the planned start."),
                                                code="ends_before_start")
    if status not in ActionStatus.values:
        errors["status"] = ValidationError(_("Choose a status."), code="invalid_status")
    if errors:
        raise ValidationError(errors)


def _action_audit_values(action: PlanAction) -> dict:
    return {
        "goal": action.goal_id, "service": action.service_id, "provider": action.provider_id,
        "offering": action.offering_id, "responsible": action.responsible_id,
        "planned_start": _iso(action.planned_start), "planned_end": _iso(action.planned_end),
        "status": action.status, "outcome_note": "[set]" if action.outcome_note else None,
    }


@transaction.atomic
def action_add(*, plan: Plan, goal: PlanGoal, service, provider, by, offering=None, responsible=None,
               planned_start=None, planned_end=None, status: str = ActionStatus.PLANNED,
               outcome_note: str = "") -> PlanAction:
    plan = _lock(plan)
    _check_case_open(plan)
    _check_action(plan, goal=goal, service=service, provider=provider, offering=offering, responsible=responsible,
                  planned_start=planned_start, planned_end=planned_end, status=status)
    action = PlanAction.objects.create(
        plan=plan, goal=goal, service=service, provider=provider, offering=offering, responsible=responsible,
        planned_start=planned_start, planned_end=planned_end, status=status, outcome_note=(outcome_note or "").strip())
    _new_version(plan, by=by, change_kind=CHANGE_ACTION, message="action_added",
                 data={"action": action.pk, "service": service.pk, "provider": provider.pk, "status": status,
                       "service_code": service.code}, obj=action)
    audit_change(action=AuditAction.CREATE, actor=by, obj=action, access_point_id=action.plan.case.access_point_id,
                 changes={k: [None, v] for k, v in _action_audit_values(action).items() if v is not None})
    return action


@transaction.atomic
def action_update(*, action: PlanAction, by, goal, service, provider, offering=None, responsible=None,
                  planned_start=None, planned_end=None, status: str = ActionStatus.PLANNED,
                  outcome_note: str = "", expected_version: int | None = None) -> PlanAction:
    """Change everything of an action (case staff), if it is still at
    ``expected_version`` (when given)."""
    plan = _lock(action.plan)
    _check_case_open(plan)
    _check_action(plan, goal=goal, service=service, provider=provider, offering=offering, responsible=responsible,
                  planned_start=planned_start, planned_end=planned_end, status=status, current=action)
    before = _action_audit_values(action)
    old_note = action.outcome_note
    action.goal, action.service, action.provider, action.offering = goal, service, provider, offering
    action.responsible, action.planned_start, action.planned_end = responsible, planned_start, planned_end
    action.status, action.outcome_note = status, (outcome_note or "").strip()
    after = _action_audit_values(action)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if old_note != action.outcome_note and old_note and action.outcome_note:
        changes["outcome_note"] = ["[redacted]", "[redacted]"]
    if not changes:
        return action
    claim(action, expected_version)
    action.save()
    data = {"action": action.pk, "fields": sorted(changes), "service_code": service.code}
    if "status" in changes:
        message, data["status"] = "action_status_changed", [before["status"], status]
    else:
        message = "action_changed"
    kind = CHANGE_PROGRESS if set(changes) <= {"status", "outcome_note"} else CHANGE_ACTION
    _new_version(plan, by=by, message=message, change_kind=kind, data=data, obj=action)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=action, access_point_id=action.plan.case.access_point_id,
                 changes=changes)
    return action


@transaction.atomic
def action_set_status(*, action: PlanAction, status: str, by, outcome_note: str | None = None,
                      expected_version: int | None = None) -> PlanAction:
    """The status and the outcome of an action — all a provider's partner
    operator may change. "Not delivered" needs a word on why."""
    plan = _lock(action.plan)
    _check_case_open(plan)
    if status not in ActionStatus.values:
        raise ValidationError({"status": ValidationError(_("Choose a status."), code="invalid_status")})
    note = action.outcome_note if outcome_note is None else outcome_note.strip()
    if status == ActionStatus.NOT_DELIVERED and not note:
        raise ValidationError({"outcome_note": ValidationError(
            _("Say why the service was not delivered."), code="reason_required")})
    old_status, old_note = action.status, action.outcome_note
    if old_status == status and old_note == note:
        return action
    claim(action, expected_version)
    action.status, action.outcome_note = status, note
    action.save(update_fields=["status", "outcome_note", "updated_at", "version"])
    changes = {}
    if old_status != status:
        changes["status"] = [old_status, status]
        message = "action_status_changed"
    else:
        message = "action_outcome_updated"
    if old_note != note:
        changes["outcome_note"] = ["[redacted]" if old_note else None, "[redacted]" if note else None]
    _new_version(plan, by=by, message=message, change_kind=CHANGE_PROGRESS,
                 data={"action": action.pk, "status": [old_status, status], "service_code": action.service.code},
                 obj=action)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=action, access_point_id=action.plan.case.access_point_id,
                 changes=changes)
    return action


# --- reviews ------------------------------------------------------------------------------------

@transaction.atomic
def plan_review_record(*, plan: Plan, reviewed_on: datetime.date, notes: str, by,
                       next_review_due: datetime.date | None = None) -> PlanReview:
    """Record a review of the plan; the next one is due after the plan's
    cadence unless another date is given."""
    plan = _lock(plan)
    _check_case_open(plan)
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = ValidationError(_("Enter the date of the review."), code="required")
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = ValidationError(_("The date of the review cannot be in the future."),
                                                code="future_date")
    if errors:
        raise ValidationError(errors)
    if next_review_due is None:
        next_review_due = reviewed_on + datetime.timedelta(days=plan.review_every_days)
    elif next_review_due <= reviewed_on:
        raise ValidationError({"next_review_due": ValidationError(
            _("The next review must come after this one."), code="due_before_review")})
    review = PlanReview.objects.create(plan=plan, reviewed_on=reviewed_on, reviewed_by=by, notes=(notes or "").strip(),
                                       next_review_due=next_review_due)
    old_due = plan.next_review_due
    plan.next_review_due = next_review_due
    plan.save(update_fields=["next_review_due", "updated_at"])
    case_services.event_record(case=plan.case, kind=CaseEventKind.REVIEW, actor=by, message="plan_reviewed",
                               data={"plan": plan.pk, "review": review.pk, "next_review_due": _iso(next_review_due)},
                               obj=review)
    audit_change(action=AuditAction.CREATE, actor=by, obj=review, access_point_id=plan.case.access_point_id, changes={
        "reviewed_on": [None, _iso(reviewed_on)], "next_review_due": [_iso(old_due), _iso(next_review_due)],
        "notes": [None, "[set]" if review.notes else None]})
    return review

