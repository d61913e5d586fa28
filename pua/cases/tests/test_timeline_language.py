"""The case history is written when it is read: the same timeline speaks
English to an English-speaking operator and Italian to an Italian-speaking
one, whoever wrote it; lines from before keep their stored summary; the
migration gives existing lines their message."""

import datetime
import html
import importlib

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from pua.cases import (
    case_services,
    intake_services,
    interventions_services,
    notes_services,
    plan_services,
    referrals_services,
    team_services,
    work_services,
)
from pua.cases.event_messages import MESSAGES, case_event_text, message_text
from pua.cases.models import CaseEvent, CaseEventKind, CaseStatus, ClosureReason, TeamRole
from pua.cases.tests.factories import CaseFactory, PersonFactory, PlanActionFactory, PlanFactory, ReferralFactory
from pua.network.models import Service
from pua.people.services import person_create

conversion = importlib.import_module("pua.cases.migrations.0003_caseevent_message")

APPOINTMENT = datetime.datetime(2030, 12, 5, 10, 0)
ENGLISH = [
    "Case opened",
    "Status: Contact → Screening",
    "Intake decision: eligible",
    "Status: Screening → Taken in charge",
    "Added to the team as Labour policy expert",
    "Plan drafted",
    "Goal added (Housing)",
    "Action added: F2.4.c",
    "Referred to Associazione Partner (F2.4.c)",
    "Referral to Associazione Partner accepted (F2.4.c)",
    "Status: Taken in charge → Plan active",
    "Plan agreed with the person",
    "Support interview (joint)",
    "Note added",
    "Appointment scheduled for 05/12/2030 10:00",
    "Status: Plan active → Closed",
]


def _service(code="F2.4.c"):
    return Service.objects.get(code=code, programme__isnull=True)


def _story(world):
    """A case from first contact to closure, every step through its service,
    written by operators who work in Italian."""
    manager, labour, director = (world.users[r] for r in ("social_expert", "labour_expert", "director"))
    with translation.override("it"):
        person = person_create(by=manager, access_point=world.ap_a, first_name="Aminata", last_name="Quaglieri")
        case = case_services.case_open(person=person, by=manager, case_manager=manager)
        case_services.case_transition(case=case, to=CaseStatus.SCREENING, by=manager)
        intake_services.intake_decide(case=case, outcome="eligible", rationale="Requisiti verificati", checks={},
                                      by=manager)
        team_services.team_member_add(case=case, user=labour, role=TeamRole.LABOUR_EXPERT, by=manager)
        plan = plan_services.plan_create(case=case, by=manager)
        goal = plan_services.goal_add(plan=plan, area="housing", description="Una casa stabile", by=manager)
        plan_services.action_add(plan=plan, goal=goal, service=_service(), provider=world.partner_org, by=manager)
        referral = referrals_services.referral_create_outbound(
            case=case, organisation=world.partner_org, service=_service(), reason="Mediazione", by=manager)
        referrals_services.referral_accept(referral=referral, by=world.users["partner_operator"])
        plan_services.plan_agree(plan=plan, agreed_on=timezone.localdate(), by=manager)
        interventions_services.intervention_record(case=case, occurred_on=timezone.localdate(),
                                                   kind="support_interview", operators=[manager, labour], joint=True,
                                                   by=manager)
        notes_services.note_add(case=case, text="Ha trovato una stanza", restricted=False, by=manager)
        work_services.task_create(access_point=world.ap_a, by=manager, kind="appointment", title="Colloquio",
                                  due_at=timezone.make_aware(APPOINTMENT), assignee=manager, case=case)
        case_services.case_close(case=case, by=director, reason=ClosureReason.MOVED_AWAY,
                                 goal_evaluations={goal.pk: "achieved"})
    return case


def _timeline(client, case):
    response = client.get(reverse("cases:case_timeline", args=[case.pk]))
    assert response.status_code == 200
    return response, html.unescape(response.content.decode())


def _italian(user):
    user.preferred_language = "it"
    user.save(update_fields=["preferred_language"])
    return user


def test_it_shows_each_reader_the_history_in_their_own_language(world, login):
    case = _story(world)
    events = list(CaseEvent.objects.filter(case=case))
    assert all(e.message in MESSAGES for e in events)

    _response, english = _timeline(login(world.users["social_expert"]), case)
    position = [english.index(text) for text in ENGLISH]  # each line, in order
    assert position == sorted(position)
    assert "Reason: Moved away" in english
    assert not [e.summary for e in events if e.summary in english]  # the Italian the writers stored

    response, italian = _timeline(login(_italian(world.users["director"])), case)
    assert [entry.event.pk for entry in response.context["entries"]] == [e.pk for e in events]
    assert not [text for text in ENGLISH if text in italian]
    with translation.override("it"):
        assert all(message_text(e.message, e.data) in italian for e in events)


def test_it_keeps_names_and_codes_out_of_the_facts_it_stores(world):
    case = _story(world)
    facts = str(list(CaseEvent.objects.filter(case=case).values_list("data", flat=True)))
    assert "Quaglieri" not in facts and "Aminata" not in facts and "Mediazione" not in facts
    assert "Housing" not in facts and "Labour policy expert" not in facts  # codes, not labels
    assert "Associazione Partner" in facts and "F2.4.c" in facts  # what the lines said before


def test_it_shows_the_referral_history_in_the_readers_language(world, login):
    case = _story(world)
    referral = case.referrals.get()
    url = reverse("cases:referral_detail", args=[referral.pk])
    english = html.unescape(login(world.users["social_expert"]).get(url).content.decode())
    assert "Referred to Associazione Partner (F2.4.c)" in english
    italian = html.unescape(login(_italian(world.users["director"])).get(url).content.decode())
    assert "Referred to" not in italian
    with translation.override("it"):
        assert message_text("referral_outbound_sent", {"organisation_name": "Associazione Partner",
                                                       "service_code": "F2.4.c"}) in italian


def test_it_keeps_the_stored_summary_of_lines_it_cannot_render(world, login):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), case_manager=world.users["social_expert"])
    now = timezone.now()
    CaseEvent.objects.create(case=case, kind=CaseEventKind.NOTE, occurred_at=now, summary="Riga scritta prima")
    CaseEvent.objects.create(case=case, kind=CaseEventKind.STATUS_CHANGED, occurred_at=now, message="status_changed",
                             data={"from": "contact", "to": "archived"}, summary="Stato: Contatto → Archiviato")
    CaseEvent.objects.create(case=case, kind=CaseEventKind.NOTE, occurred_at=now, message="no_such_message",
                             summary="Messaggio ritirato")
    CaseEvent.objects.create(case=case, kind=CaseEventKind.NOTE, occurred_at=now, message="note_added",
                             summary="Nota aggiunta")
    _response, content = _timeline(login(world.users["director"]), case)
    assert "Riga scritta prima" in content and "Stato: Contatto → Archiviato" in content
    assert "Messaggio ritirato" in content
    assert "Note added" in content and "Nota aggiunta" not in content  # a line it can render is rendered


def test_it_renders_the_timeline_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    case = _story(world)
    client = login(world.users["social_expert"])
    with CaptureQueriesContext(connection) as few:
        _timeline(client, case)
    CaseEvent.objects.bulk_create([
        CaseEvent(case=case, kind=event.kind, occurred_at=event.occurred_at, message=event.message, data=event.data,
                  summary=event.summary, actor=event.actor)
        for event in CaseEvent.objects.filter(case=case) for _copy in range(3)
    ])
    with django_assert_max_num_queries(len(few.captured_queries)):
        _response, content = _timeline(client, case)
    assert content.count("Referred to Associazione Partner (F2.4.c)") == 4


# --- converting the lines written before ------------------------------------------------------

def _old(case, kind, data, **fields):
    return CaseEvent.objects.create(case=case, kind=kind, occurred_at=timezone.now(), summary=f"vecchia riga {kind}",
                                    data=data, **fields)


def test_it_gives_existing_lines_the_message_their_kind_and_data_tell(world):
    keep, merged = (PersonFactory(access_point=world.ap_a) for _i in range(2))
    case = CaseFactory(person=keep)
    action = PlanActionFactory(goal__plan=PlanFactory(case=case), service=_service("F2.4.c"))
    inbound = ReferralFactory(person=keep, case=case, direction="inbound", organisation=world.org_a)
    lines = {
        "status": _old(case, "closed", {"from": "plan_active", "to": "closed", "reason": "moved_away"}),
        "referral": _old(case, "referral", {"referral": 1, "direction": "outbound", "from": None, "to": "sent",
                                            "organisation": world.partner_org.pk, "service": _service().pk}),
        # as the dataset generator wrote them: no organisation in the data, but the referral
        "inbound": _old(case, "referral", {"referral": inbound.pk, "direction": "inbound"},
                        object_type="referral", object_id=inbound.pk),
        "goal": _old(case, "plan", {"plan": 1, "version": 2, "goal": 7, "area": "housing"}, object_type="plangoal"),
        "action": _old(case, "plan", {"plan": 1, "version": 3, "action": action.pk,
                                      "status": ["planned", "in_progress"]}, object_type="planaction"),
        "intervention": _old(case, "intervention", {"intervention": 1, "kind": "support_interview", "joint": True}),
        "note": _old(case, "note", {}, object_type="casenote", restricted=True),
        "team": _old(case, "team", {"action": "removed", "user_id": 1, "role": "social_expert"}),
        "consent": _old(case, "consent", {"consent": 1, "purpose": "sharing", "withdrawn": True}),
        "merged": _old(case, "merged", {"kept": keep.pk, "merged": merged.pk, "case_moved": False}),
        # what cannot be told: an assessment without its title, a task without its date
        "response": _old(case, "note", {"response": 1, "outcome": ""}, object_type="response"),
        "task": _old(case, "task", {"task": 1, "kind": "task"}),
    }
    conversion.convert_events(apps, None, batch_size=5)
    for line in lines.values():
        line.refresh_from_db()
    with translation.override("en"):
        text = {name: case_event_text(line) for name, line in lines.items()}
    assert text["status"] == "Status: Plan active → Closed"
    assert text["referral"] == "Referred to Associazione Partner (F2.4.c)"
    assert text["inbound"] == "Inbound referral from Cooperativa Alfa recorded" + (
        f" ({inbound.service.code})" if inbound.service_id else "")
    assert text["goal"] == "Goal added (Housing)"
    assert text["action"] == "Action F2.4.c: Planned → In progress"
    assert text["intervention"] == "Support interview (joint)"
    assert text["note"] == "Restricted note added"
    assert text["team"] == "Left the team (Social services expert)"
    assert text["consent"].startswith("Consent withdrawn: ")
    assert text["merged"] == f"Record {merged.case_number} merged into {keep.case_number}"
    assert lines["response"].message == lines["task"].message == ""
    assert text["response"] == "vecchia riga note" and text["task"] == "vecchia riga task"
    assert all(line.message for name, line in lines.items() if name not in ("response", "task"))


def test_it_tells_the_message_from_the_shapes_old_lines_have():
    names = conversion.Names(organisations={3: "Comune"}, services={9: "F1.1"}, case_numbers={1: "A-1", 2: "A-2"})
    message_for = conversion.message_for
    assert message_for("opened", {"status": "contact"}) == ("case_opened", {})
    assert message_for("reopened", {"from": "closed", "to": "screening", "reason": "x"}) == ("status_changed", {})
    assert message_for("status_changed", {"from": "gone", "to": "screening"}) is None
    assert message_for("intake_decision", {"outcome": "not_eligible"}) == ("intake_not_eligible", {})
    assert message_for("team", {"member": 1, "user": 2, "role": "case_manager"}) == ("team_case_manager", {})
    assert message_for("contact", {"contact_id": 1, "channel": "desk", "linked": True}) == ("contact_linked", {})
    assert message_for("consent", {"notice_id": 1, "version": "2026.1"}) == ("privacy_notice_given", {})
    assert message_for("referral", {"direction": "outbound", "from": "sent", "to": "completed", "organisation": 3,
                                    "service": 9}, names=names) == (
        "referral_outbound_completed", {"organisation_name": "Comune", "service_code": "F1.1"})
    assert message_for("referral", {"direction": "outbound", "from": None, "to": "sent", "organisation": 4},
                       names=names) is None  # an organisation no longer there
    assert message_for("plan", {"plan": 1, "version": 1}) == ("plan_drafted", {})
    assert message_for("plan", {"plan": 1, "status": "agreed", "version": 1}) == ("plan_agreed", {})
    assert message_for("plan", {"plan": 1, "version": 4, "review_every_days": [30, 60]}) == (
        "plan_cadence_changed", {})
    assert message_for("plan", {"plan": 1, "version": 4, "goal": 2, "area": "work"}, object_type="plan") == (
        "goal_removed", {})
    assert message_for("plan", {"plan": 1, "version": 4, "goal": 2, "fields": ["description"]}) is None
    assert message_for("plan", {"action": 5, "service": 9, "provider": 3, "status": "planned"}, names=names) == (
        "action_added", {"service_code": "F1.1"})
    assert message_for("intervention", {"kind": "phone_call", "fields": ["notes"]}) == ("intervention_corrected", {})
    assert message_for("task", {"action": "completed", "kind": "appointment"}) == ("appointment_held", {})
    assert message_for("task", {"action": "created", "kind": "task", "due_at": "2026-12-05T10:00:00+01:00"}) == (
        "task_created", {})
    assert message_for("note", {"response": 1, "outcome": "a", "confirmed_outcome": "b"}, object_type="response") == (
        "outcome_overridden", {})
    assert message_for("note", {"response": 1, "outcome": "", "amends": 3, "title": "Verifica"},
                       object_type="response") == ("response_amendment_submitted", {})
    assert message_for("merged", {"kept": 1, "merged": 2}, names=names) == (
        "records_merged", {"kept_number": "A-1", "merged_number": "A-2"})
