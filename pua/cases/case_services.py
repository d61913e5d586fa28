"""Opening a case and moving it through its states: the one place that
decides which transition is legal.

    contact → screening → taken in charge → plan active ⇄ follow-up
    any open state → closed;  closed → (reopen) the state it was closed from

Taking in charge happens through the intake decision, closing through
``case_close`` (reason, outcome, goal evaluations) and reopening through
``case_reopen``; ``case_transition`` refuses to do their work for them, so
that no case is taken in charge without a decision or closed without a reason.
Every change writes a ``CaseEvent`` (the timeline) and an audit entry.

The screening flag
    ``Case.screening_flag`` copies, for lists and headers, the outcome in
    force of the case's latest submitted exploitation screening; the
    assessments app decides it and writes it through
    ``case_screening_flag_set`` only. The person carries the flag of their
    open case, else of their latest case (``person_screening_flag_sync``,
    through the people service): opening, closing, reopening and merging
    change which case that is, so they sync it too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pua.core.audit import audit_change
from pua.core.concurrency import check, claim
from pua.core.models import AuditAction
from pua.people.models import ScreeningFlag
from pua.people.services import person_screening_flag_set

from .event_messages import message_text
from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CaseTeamMember,
    ClosureReason,
    GoalEvaluation,
    PlanGoal,
    TeamRole,
)

S = CaseStatus
# Moves ``case_transition`` makes by itself.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CONTACT: frozenset({S.SCREENING}),
    S.SCREENING: frozenset({S.CONTACT}),
    S.TAKEN_IN_CHARGE: frozenset({S.PLAN_ACTIVE}),
    S.PLAN_ACTIVE: frozenset({S.FOLLOW_UP}),
    S.FOLLOW_UP: frozenset({S.PLAN_ACTIVE}),
    S.CLOSED: frozenset(),
}
# Moves that need their own service, with the reason shown when tried directly
# (lazy: translated in the language of the request, not of the import).
GUARDED = {
    S.TAKEN_IN_CHARGE: gettext_lazy("A case is taken in charge by recording an eligible intake decision."),
    S.CLOSED: gettext_lazy("A case is closed with a reason and an outcome (close the case)."),
}
# The states from which each guarded move is possible.
GUARDED_FROM = {
    S.TAKEN_IN_CHARGE: frozenset({S.CONTACT, S.SCREENING}),
    S.CLOSED: frozenset(OPEN_STATUSES),
}


def allowed_transitions(case: Case) -> list[str]:
    return sorted(TRANSITIONS[case.status], key=list(S.values).index)


def event_record(*, case: Case, kind: str, actor, message: str = "", summary: str = "", data: dict | None = None,
                 obj=None, restricted: bool = False, occurred_at=None) -> CaseEvent:
    """Append one line to the case timeline: ``message`` (a key of
    ``event_messages.MESSAGES``) and the ``data`` it is read with, so that
    every reader sees it in their language. ``summary``, the same sentence in
    the writer's language, is made from them unless given. Neither ``data``
    nor ``summary`` may hold personal data."""
    data = data or {}
    if message:
        summary = summary or message_text(message, data)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, message=message, summary=summary[:300], data=data,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        restricted=restricted, occurred_at=occurred_at or timezone.now(),
    )


def _next_case_number(person) -> str:
    # The person row is locked by the caller, so the count cannot race.
    count = Case.objects.filter(person=person).count()
    return f"{person.case_number}/{count + 1}"


@transaction.atomic
def case_open(*, person, by, case_manager=None, status: str = S.CONTACT, opened_at=None) -> Case:
    """Open a case for ``person`` at the person's access point.

    A person has at most one open case at a time.
    """
    if status not in (S.CONTACT, S.SCREENING):
        raise ValidationError(_("A new case starts at contact or screening."), code="invalid_status")
    # Lock the person row (and read it fresh: it may have been merged meanwhile).
    locked = type(person).objects.select_for_update().filter(pk=person.pk).first()
    if locked is None or locked.merged_into_id:
        raise ValidationError(_("This record was merged into another one: open the case there."), code="merged")
    if Case.objects.filter(person=person).exclude(status=S.CLOSED).exists():
        raise ValidationError(_("This person already has an open case."), code="open_case_exists")
    now = opened_at or timezone.now()
    case = Case.objects.create(
        access_point_id=person.access_point_id, person=person, number=_next_case_number(person), status=status,
        status_changed_at=now, opened_at=now, case_manager=case_manager, created_by=by,
    )
    if case_manager is not None:
        CaseTeamMember.objects.create(case=case, user=case_manager, role=TeamRole.CASE_MANAGER, added_at=now)
    event_record(case=case, kind=CaseEventKind.OPENED, actor=by, message="case_opened",
                 data={"status": status}, occurred_at=now)
    audit_change(action=AuditAction.CREATE, actor=by, obj=case, access_point_id=case.access_point_id,
                 changes={"status": [None, status]})
    person_screening_flag_sync(person=locked)
    return case


def _set_status(case: Case, new: str, *, by, kind: str = CaseEventKind.STATUS_CHANGED, data: dict | None = None,
                at=None, expected_version: int | None = None) -> None:
    """Every status change takes a new version of the case, so that a form
    opened before it is refused."""
    old = case.status
    claim(case, expected_version)
    case.status = new
    case.status_changed_at = at or timezone.now()
    case.save(update_fields=["status", "status_changed_at", "version"])
    event_record(case=case, kind=kind, actor=by, message="status_changed",
                 data={"from": old, "to": new, **(data or {})}, occurred_at=case.status_changed_at)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=case, access_point_id=case.access_point_id,
                 changes={"status": [old, new]})


def _locked(case: Case, expected_version: int | None = None) -> Case:
    """Lock the case row, refresh what the services read, and refuse a change
    made on a copy older than ``expected_version`` (when given)."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    case.status, case.status_changed_at, case.version = fresh.status, fresh.status_changed_at, fresh.version
    check(case, expected_version)
    return case


@transaction.atomic
def case_transition(*, case: Case, to: str, by, at=None, expected_version: int | None = None) -> Case:
    """Move an open case along the plain transitions; refuses illegal ones
    with a clear message, and stale ones (``expected_version``) as conflicts."""
    case = _locked(case, expected_version)
    if to not in S.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": to}, code="unknown_status")
    if to in TRANSITIONS[case.status]:
        _set_status(case, to, by=by, at=at, expected_version=expected_version)
        return case
    if case.status == S.CLOSED:
        raise ValidationError(_("The case is closed: reopen it first, with a reason."), code="closed")
    if case.status in GUARDED_FROM.get(to, ()):
        raise ValidationError(GUARDED[to], code="guarded_transition")
    raise ValidationError(
        _("A case cannot go from “%(old)s” to “%(new)s”.") % {"old": S(case.status).label, "new": S(to).label},
        code="illegal_transition")


@transaction.atomic
def case_take_in_charge(*, case: Case, by, data: dict | None = None, at=None) -> Case:
    """Called by the intake service after an eligible decision."""
    case = _locked(case)
    if case.status not in (S.CONTACT, S.SCREENING):
        raise ValidationError(
            _("Only a case at contact or screening can be taken in charge (it is “%(status)s”).")
            % {"status": S(case.status).label}, code="illegal_transition")
    _set_status(case, S.TAKEN_IN_CHARGE, by=by, data=data, at=at)
    return case


@transaction.atomic
def case_activate_plan(*, case: Case, by, at=None) -> Case:
    """Called by the plan service when the plan is agreed with the person."""
    case = _locked(case)
    if case.status == S.PLAN_ACTIVE:
        return case
    if case.status not in (S.TAKEN_IN_CHARGE, S.FOLLOW_UP):
        raise ValidationError(
            _("A plan becomes active only for a case taken in charge (it is “%(status)s”).")
            % {"status": S(case.status).label}, code="illegal_transition")
    _set_status(case, S.PLAN_ACTIVE, by=by, at=at)
    return case


@transaction.atomic
def case_close(*, case: Case, by, reason: str, outcome: str = "", goal_evaluations: dict | None = None,
               at=None, expected_version: int | None = None) -> Case:
    """Close an open case with a reason, an outcome and, when there is a plan,
    an evaluation (achieved / partly / not achieved) of each goal."""
    case = _locked(case, expected_version)
    if case.status == S.CLOSED:
        raise ValidationError(_("The case is already closed."), code="already_closed")
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing.")}, code="required")
    goal_evaluations = {str(k): v for k, v in (goal_evaluations or {}).items()}
    # Queried, not read from ``case.plan``: a cached "no plan" on the instance may be stale.
    goals = list(PlanGoal.objects.filter(plan__case=case).order_by("sort_order", "id"))
    missing = [g.pk for g in goals if goal_evaluations.get(str(g.pk)) not in GoalEvaluation.values]
    if missing:
        raise ValidationError(_("Evaluate every goal of the plan before closing (%(count)d missing).")
                              % {"count": len(missing)}, code="goals_not_evaluated")
    for goal in goals:
        goal.evaluation = goal_evaluations[str(goal.pk)]
        goal.save(update_fields=["evaluation"])
    old = case.status
    case.closure_reason, case.closure_outcome = reason, outcome
    case.closed_at = at or timezone.now()
    case.save(update_fields=["closure_reason", "closure_outcome", "closed_at"])
    _set_status(case, S.CLOSED, by=by, kind=CaseEventKind.CLOSED, at=case.closed_at,
                data={"reason": reason, "closed_from": old,
                      "evaluations": {str(g.pk): g.evaluation for g in goals}}, expected_version=expected_version)
    person_screening_flag_sync(person=case.person)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by, reason: str, at=None, expected_version: int | None = None) -> Case:
    """Reopen a closed case in the state it was closed from; the closure stays in the timeline."""
    case = _locked(case, expected_version)
    if case.status != S.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."), code="not_closed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is reopened.")}, code="required")
    if case.person.merged_into_id:
        raise ValidationError(_("This record was merged into another one: it stays closed."), code="merged")
    if Case.objects.filter(person_id=case.person_id).exclude(pk=case.pk).exclude(status=S.CLOSED).exists():
        raise ValidationError(_("This person already has another open case."), code="open_case_exists")
    last_close = case.events.filter(kind=CaseEventKind.CLOSED).order_by("-occurred_at", "-id").first()
    back_to = (last_close.data.get("closed_from") if last_close else None) or S.SCREENING
    case.closed_at = None
    case.closure_reason = ""
    case.save(update_fields=["closed_at", "closure_reason"])
    _set_status(case, back_to, by=by, kind=CaseEventKind.REOPENED, data={"reason": reason}, at=at,
                expected_version=expected_version)
    person_screening_flag_sync(person=case.person)
    return case


# --- the screening flag ----------------------------------------------------------------------------

def person_screening_flag_sync(*, person) -> None:
    """Give the person the flag of their open case, else of their latest case (none without cases)."""
    cases = list(Case.objects.filter(person_id=person.pk).order_by("-opened_at", "-id")
                 .values_list("status", "screening_flag"))
    chosen = next((c for c in cases if c[0] != S.CLOSED), cases[0] if cases else None)
    person_screening_flag_set(person=person, flag=chosen[1] if chosen else ScreeningFlag.NONE)


@transaction.atomic
def case_screening_flag_set(*, case: Case, flag: str, by) -> Case:
    """Set the case's screening flag (a ``ScreeningFlag`` value) and keep the
    person's in step. The assessments app calls it whenever the outcome in
    force of the case's latest exploitation screening may have changed
    (submit, amendment, review) by ``by``. The flag is a copy of that
    outcome: the change that moves it (the submission, the review) has its
    own audit entry and timeline line, so the copy writes none."""
    if flag not in ScreeningFlag.values:
        raise ValueError(f"Unknown screening flag {flag!r}")
    Case.objects.filter(pk=case.pk).exclude(screening_flag=flag).update(screening_flag=flag)
    case.screening_flag = flag
    person_screening_flag_sync(person=case.person)
    return case
