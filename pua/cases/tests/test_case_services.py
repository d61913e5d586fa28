"""The case state machine (case_services): every legal move, illegal and
guarded moves refused with a clear message, closure, reopening, one open
case per person, and the timeline lines each change writes."""

import pytest
from django.core.exceptions import ValidationError

from pua.cases import case_services
from pua.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CaseTeamMember,
    ClosureReason,
    GoalEvaluation,
    TeamRole,
)
from pua.cases.tests.factories import PersonFactory, PlanFactory, PlanGoalFactory
from pua.core.models import AuditAction, AuditEntry

S = CaseStatus
ALL = list(S.values)
LEGAL = {
    (S.CONTACT, S.SCREENING), (S.SCREENING, S.CONTACT), (S.TAKEN_IN_CHARGE, S.PLAN_ACTIVE),
    (S.PLAN_ACTIVE, S.FOLLOW_UP), (S.FOLLOW_UP, S.PLAN_ACTIVE),
}
GUARDED = {
    (S.CONTACT, S.TAKEN_IN_CHARGE), (S.SCREENING, S.TAKEN_IN_CHARGE),
    *((s, S.CLOSED) for s in (S.CONTACT, S.SCREENING, S.TAKEN_IN_CHARGE, S.PLAN_ACTIVE, S.FOLLOW_UP)),
}


@pytest.fixture
def director(world):
    return world.users["director"]


def _open(world, status=S.CONTACT, **kwargs):
    person = kwargs.pop("person", None) or PersonFactory(access_point=world.ap_a)
    return case_services.case_open(person=person, by=world.users["director"], status=status, **kwargs)


def _at(world, status):
    """A case in ``status`` (rows written directly, to test the next move)."""
    case = _open(world)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_it_opens_a_case_with_number_manager_event_and_audit(world, director):
    person = PersonFactory(access_point=world.ap_a)
    case = case_services.case_open(person=person, by=director, case_manager=world.users["social_expert"])
    assert case.number == f"{person.case_number}/1"
    assert case.status == S.CONTACT and case.access_point == world.ap_a and case.created_by == director
    assert case.case_manager == world.users["social_expert"]
    member = CaseTeamMember.objects.get(case=case)
    assert member.user == world.users["social_expert"] and member.role == TeamRole.CASE_MANAGER
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEventKind.OPENED and event.actor == director and event.data == {"status": "contact"}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.case",
                                     object_id=str(case.pk)).exists()


def test_it_opens_a_case_at_screening_but_not_further(world):
    assert _open(world, status=S.SCREENING).status == S.SCREENING
    with pytest.raises(ValidationError, match="starts at contact or screening"):
        _open(world, status=S.TAKEN_IN_CHARGE)


def test_it_refuses_a_second_open_case_for_a_person(world, director):
    case = _open(world)
    with pytest.raises(ValidationError, match="already has an open case"):
        case_services.case_open(person=case.person, by=director)
    assert Case.objects.filter(person=case.person).count() == 1


def test_it_numbers_the_next_case_of_a_person_after_closing(world, director):
    case = _open(world)
    case_services.case_close(case=case, by=director, reason=ClosureReason.DROPPED_OUT)
    second = case_services.case_open(person=case.person, by=director)
    assert second.number == f"{case.person.case_number}/2"


def test_it_refuses_to_open_a_case_for_a_merged_record(world, director):
    survivor = PersonFactory(access_point=world.ap_a)
    merged = PersonFactory(access_point=world.ap_a, merged_into=survivor)
    with pytest.raises(ValidationError, match="merged into another one"):
        case_services.case_open(person=merged, by=director)
    assert not Case.objects.exists()


@pytest.mark.parametrize(("start", "to"), sorted(LEGAL))
def test_it_makes_every_legal_move_and_records_it(world, director, start, to):
    case = _at(world, start)
    case_services.case_transition(case=case, to=to, by=director)
    case.refresh_from_db()
    assert case.status == to
    event = case.events.get(kind=CaseEventKind.STATUS_CHANGED)
    assert event.data == {"from": start, "to": to} and event.actor == director
    assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                     changes={"status": [start, to]}).exists()


@pytest.mark.parametrize(("start", "to"), sorted(
    (a, b) for a in ALL for b in ALL if (a, b) not in LEGAL and (a, b) not in GUARDED and a != S.CLOSED))
def test_it_refuses_illegal_moves_with_a_clear_message(world, director, start, to):
    case = _at(world, start)
    with pytest.raises(ValidationError) as caught:
        case_services.case_transition(case=case, to=to, by=director)
    assert caught.value.code == "illegal_transition"
    assert _message(caught.value) == (f"A case cannot go from “{S(start).label}” to “{S(to).label}”.")
    case.refresh_from_db()
    assert case.status == start and not case.events.filter(kind=CaseEventKind.STATUS_CHANGED).exists()


@pytest.mark.parametrize(("start", "to"), sorted(GUARDED))
def test_it_sends_guarded_moves_to_their_own_service(world, director, start, to):
    case = _at(world, start)
    with pytest.raises(ValidationError) as caught:
        case_services.case_transition(case=case, to=to, by=director)
    assert caught.value.code == "guarded_transition"
    expected = "intake decision" if to == S.TAKEN_IN_CHARGE else "with a reason and an outcome"
    assert expected in _message(caught.value)
    case.refresh_from_db()
    assert case.status == start


@pytest.mark.parametrize("to", ALL)
def test_it_moves_a_closed_case_nowhere_but_through_reopening(world, director, to):
    case = _at(world, S.CLOSED)
    with pytest.raises(ValidationError, match="reopen it first"):
        case_services.case_transition(case=case, to=to, by=director)


def test_it_refuses_an_unknown_status(world, director):
    with pytest.raises(ValidationError, match="Unknown status"):
        case_services.case_transition(case=_open(world), to="limbo", by=director)


def test_it_lists_the_allowed_moves(world):
    assert case_services.allowed_transitions(_at(world, S.CONTACT)) == [S.SCREENING]
    assert case_services.allowed_transitions(_at(world, S.PLAN_ACTIVE)) == [S.FOLLOW_UP]
    assert case_services.allowed_transitions(_at(world, S.CLOSED)) == []


def test_it_takes_in_charge_only_from_contact_or_screening(world, director):
    case = _at(world, S.SCREENING)
    case_services.case_take_in_charge(case=case, by=director, data={"decision_id": 7})
    assert case.status == S.TAKEN_IN_CHARGE
    assert case.events.get(kind=CaseEventKind.STATUS_CHANGED).data["decision_id"] == 7
    with pytest.raises(ValidationError, match="Only a case at contact or screening"):
        case_services.case_take_in_charge(case=_at(world, S.PLAN_ACTIVE), by=director)


def test_it_activates_the_plan_from_taken_in_charge_or_follow_up(world, director):
    for start in (S.TAKEN_IN_CHARGE, S.FOLLOW_UP, S.PLAN_ACTIVE):
        case = _at(world, start)
        case_services.case_activate_plan(case=case, by=director)
        assert case.status == S.PLAN_ACTIVE
    with pytest.raises(ValidationError, match="only for a case taken in charge"):
        case_services.case_activate_plan(case=_at(world, S.CONTACT), by=director)


def test_it_closes_with_a_reason_outcome_and_goal_evaluations(world, director):
    case = _at(world, S.PLAN_ACTIVE)
    goals = PlanGoalFactory.create_batch(2, plan=PlanFactory(case=case))
    case_services.case_close(case=case, by=director, reason=ClosureReason.EMPLOYED, outcome="Contratto a tempo",
                             goal_evaluations={goals[0].pk: GoalEvaluation.ACHIEVED,
                                               str(goals[1].pk): GoalEvaluation.PARTLY})
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at and case.closure_reason == "employed"
    assert case.closure_outcome == "Contratto a tempo"
    assert [g.evaluation for g in case.plan.goals.order_by("id")] == ["achieved", "partly"]
    event = case.events.get(kind=CaseEventKind.CLOSED)
    assert event.data["closed_from"] == S.PLAN_ACTIVE and event.data["reason"] == "employed"
    assert event.data["evaluations"] == {str(goals[0].pk): "achieved", str(goals[1].pk): "partly"}
    assert "Contratto" not in event.summary


def test_it_needs_a_reason_to_close(world, director):
    case = _open(world)
    with pytest.raises(ValidationError) as caught:
        case_services.case_close(case=case, by=director, reason="")
    assert caught.value.message_dict == {"reason": ["Choose the reason for closing."]}
    case.refresh_from_db()
    assert case.status == S.CONTACT


def test_it_needs_every_goal_evaluated_to_close(world, director):
    case = _at(world, S.PLAN_ACTIVE)
    goals = PlanGoalFactory.create_batch(2, plan=PlanFactory(case=case))
    with pytest.raises(ValidationError, match=r"Evaluate every goal of the plan before closing \(1 missing\)"):
        case_services.case_close(case=case, by=director, reason=ClosureReason.EMPLOYED,
                                 goal_evaluations={goals[0].pk: GoalEvaluation.ACHIEVED, goals[1].pk: "great"})
    case.refresh_from_db()
    assert case.status == S.PLAN_ACTIVE
    assert not case.plan.goals.exclude(evaluation="").exists()


def test_it_closes_a_case_without_a_plan_without_evaluations(world, director):
    case = _open(world)
    case_services.case_close(case=case, by=director, reason=ClosureReason.NOT_ELIGIBLE)
    assert case.status == S.CLOSED


def test_it_refuses_to_close_twice(world, director):
    case = _at(world, S.CLOSED)
    with pytest.raises(ValidationError, match="already closed"):
        case_services.case_close(case=case, by=director, reason=ClosureReason.OTHER)


@pytest.mark.parametrize("start", [S.CONTACT, S.SCREENING, S.TAKEN_IN_CHARGE, S.PLAN_ACTIVE, S.FOLLOW_UP])
def test_it_reopens_in_the_state_it_was_closed_from(world, director, start):
    case = _at(world, start)
    case_services.case_close(case=case, by=director, reason=ClosureReason.DROPPED_OUT)
    case_services.case_reopen(case=case, by=director, reason="  È tornata allo sportello ")
    case.refresh_from_db()
    assert case.status == start and case.closed_at is None and case.closure_reason == ""
    event = case.events.get(kind=CaseEventKind.REOPENED)
    assert event.data == {"from": S.CLOSED, "to": start, "reason": "È tornata allo sportello"}
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEventKind.CLOSED, CaseEventKind.REOPENED]


def test_it_needs_a_reason_to_reopen(world, director):
    case = _at(world, S.CLOSED)
    with pytest.raises(ValidationError) as caught:
        case_services.case_reopen(case=case, by=director, reason="  ")
    assert caught.value.message_dict == {"reason": ["Say why the case is reopened."]}


def test_it_reopens_only_closed_cases(world, director):
    with pytest.raises(ValidationError, match="Only a closed case can be reopened"):
        case_services.case_reopen(case=_open(world), by=director, reason="Perché")


def test_it_refuses_to_reopen_while_another_case_is_open(world, director):
    old = _open(world)
    case_services.case_close(case=old, by=director, reason=ClosureReason.MOVED_AWAY)
    case_services.case_open(person=old.person, by=director)
    with pytest.raises(ValidationError, match="already has another open case"):
        case_services.case_reopen(case=old, by=director, reason="Rientrata")
    old.refresh_from_db()
    assert old.status == S.CLOSED


def test_it_keeps_a_merged_records_case_closed(world, director):
    case = _open(world)
    case_services.case_close(case=case, by=director, reason=ClosureReason.OTHER)
    survivor = PersonFactory(access_point=world.ap_a)
    type(case.person).objects.filter(pk=case.person_id).update(merged_into=survivor)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="merged into another one"):
        case_services.case_reopen(case=case, by=director, reason="Errore")


def test_it_writes_no_personal_data_in_event_summaries(world, director):
    case = _open(world)
    case_services.case_transition(case=case, to=S.SCREENING, by=director)
    for event in case.events.all():
        assert case.person.last_name not in event.summary and case.person.first_name not in event.summary
