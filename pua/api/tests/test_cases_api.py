"""/api/v1/cases/: the case pages' rules through the API — staff of the access
point read, the director and the experts move cases through the state
machine of ``case_services`` (illegal moves are a 400 with its message),
partners read only shared cases without the internal fields, everyone else
nothing — with the timeline, team and notes, and an audit READ per read."""

import pytest
from django.utils import timezone

from pua.cases import case_services, notes_services
from pua.cases.models import Case, CaseEvent, CaseNote, CaseStatus, CaseTeamMember
from pua.cases.tests.factories import (
    CaseFactory,
    CaseTeamMemberFactory,
    ConsentFactory,
    EligibilityCriterionFactory,
    PersonFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
)
from pua.people.models import Person

from .assertions import assert_error, audit_entries, ids

URL = "/api/v1/cases/"


def _case(world, ap=None, **fields):
    person = PersonFactory(access_point=ap or world.ap_a)
    return CaseFactory(person=person, **fields)


def _opened(world, by=None, **fields):
    """A case opened through the service, so that its timeline starts."""
    return case_services.case_open(person=PersonFactory(access_point=world.ap_a), by=by or world.users["director"],
                                   **fields)


def _shared(world, case):
    ConsentFactory(person=case.person, organisation=world.partner_org)
    ReferralFactory(person=case.person, organisation=world.partner_org)
    return case


# --- list and retrieve ---------------------------------------------------------------------

def test_it_lists_the_cases_of_the_users_access_points(api_as, world):
    mine = _case(world, case_manager=world.users["social_expert"])
    other = _case(world, ap=world.ap_b)

    response = api_as(world.users["social_expert"]).get(URL)

    assert ids(response) == {mine.pk}
    row = response.json()["results"][0]
    assert row["number"] == mine.number and row["status"] == "taken_in_charge"
    assert row["person_ref"]["case_number"] == mine.person.case_number
    assert row["person_ref"]["last_name"] == mine.person.last_name
    assert row["allowed_transitions"] == ["plan_active"]
    assert row["case_manager"] == world.users["social_expert"].pk
    assert other.pk not in ids(response)


def test_it_leaves_names_out_for_an_outreach_operator(api_as, world):
    case = _case(world)

    row = api_as(world.users["outreach_operator"]).get(URL).json()["results"][0]

    assert row["id"] == case.pk
    assert row["person_ref"] == {"id": case.person.pk, "case_number": case.person.case_number}


def test_it_filters_the_list_like_the_page(api_as, world):
    expert = world.users["social_expert"]
    screening = _case(world, status=CaseStatus.SCREENING)
    managed = _case(world, case_manager=expert)
    # Names fixed so that searching one cannot match the other by chance.
    Person.objects.filter(pk=screening.person_id).update(first_name="Ada", last_name="Verdi")
    Person.objects.filter(pk=managed.person_id).update(first_name="Bruno", last_name="Quaglieri")
    managed.person.last_name = "Quaglieri"
    api = api_as(expert)

    assert ids(api.get(URL, {"status": "screening"})) == {screening.pk}
    assert ids(api.get(URL, {"mine": "true"})) == {managed.pk}
    assert ids(api.get(URL, {"q": managed.number})) == {managed.pk}
    assert ids(api.get(URL, {"q": managed.person.last_name})) == {managed.pk}
    assert ids(api.get(URL, {"person": screening.person.pk})) == {screening.pk}
    assert "opened_to" in assert_error(api.get(URL, {"opened_from": "2026-05-01", "opened_to": "2026-04-01"}),
                                       400, "invalid")["fields"]
    assert_error(api.get(URL, {"status": "lost"}), 400, "invalid")


@pytest.mark.parametrize("rows", [2, 15])
def test_it_lists_cases_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _case(world, case_manager=world.users["director"])
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(10):
        response = api.get(URL)

    assert len(response.json()["results"]) == rows


def test_it_audits_every_retrieve(api_as, world):
    case = _case(world)

    response = api_as(world.users["labour_expert"]).get(f"{URL}{case.pk}/")

    assert response.status_code == 200
    assert response.json()["number"] == case.number
    assert audit_entries(case, "read").filter(actor=world.users["labour_expert"]).count() == 1


@pytest.mark.parametrize("who", ["other_worker", "other_director"])
def test_it_hides_the_cases_of_another_access_point(api_as, world, who):
    case = _case(world, status=CaseStatus.CONTACT)
    api = api_as(getattr(world, who))

    assert case.pk not in ids(api.get(URL))
    assert_error(api.get(f"{URL}{case.pk}/"), 404)
    assert_error(api.post(f"{URL}{case.pk}/transition/", {"to": "screening"}, format="json"), 404)
    assert_error(api.get(f"{URL}{case.pk}/timeline/"), 404)
    assert_error(api.get(f"{URL}{case.pk}/notes/"), 404)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT
    assert not audit_entries(case, "read").exists()


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "admin"])
def test_it_shows_no_case_to_roles_without_people(api_as, world, role):
    case = _case(world)
    api = api_as(world.users[role])

    assert_error(api.get(URL), 403)
    assert_error(api.get(f"{URL}{case.pk}/"), 404)
    assert_error(api.post(URL, {"person": case.person.pk}, format="json"), 403)


def test_it_shows_a_partner_only_the_shared_view_of_shared_cases(api_as, world):
    shared = _shared(world, _case(world, case_manager=world.users["director"]))
    unshared = _case(world)
    api = api_as(world.users["partner_operator"])

    listed = api.get(URL)
    detail = api.get(f"{URL}{shared.pk}/").json()

    assert ids(listed) == {shared.pk}
    assert detail["number"] == shared.number and detail["status"] == shared.status
    assert set(detail) == {"id", "number", "status"}  # the shared case page: number and status
    assert audit_entries(shared, "read").filter(actor=world.users["partner_operator"]).exists()
    assert_error(api.get(f"{URL}{unshared.pk}/"), 404)
    assert_error(api.post(f"{URL}{shared.pk}/transition/", {"to": "plan_active"}, format="json"), 403)
    assert_error(api.get(f"{URL}{shared.pk}/timeline/"), 403)
    assert_error(api.get(f"{URL}{shared.pk}/notes/"), 403)
    assert_error(api.get(f"{URL}{shared.pk}/team/"), 403)


def test_it_answers_anonymous_clients_with_401(api, world):
    case = _case(world)

    assert_error(api.get(URL), 401, "not_authenticated")
    assert_error(api.get(f"{URL}{case.pk}/"), 401, "not_authenticated")
    assert_error(api.post(f"{URL}{case.pk}/close/", {"reason": "other"}, format="json"), 401)


# --- opening and moving a case -------------------------------------------------------------

def test_it_opens_a_case_through_the_service(api_as, world):
    person = PersonFactory(access_point=world.ap_a)
    expert = world.users["social_expert"]

    response = api_as(expert).post(URL, {"person": person.pk, "initial_status": "screening"}, format="json")

    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.person == person and case.status == CaseStatus.SCREENING
    assert case.case_manager == expert and response.json()["case_manager"] == expert.pk
    assert case.events.get().kind == "opened"
    assert audit_entries(case, "create").exists()


def test_it_names_another_case_manager(api_as, world):
    person = PersonFactory(access_point=world.ap_a)
    api = api_as(world.users["director"])

    refused = api.post(URL, {"person": person.pk, "case_manager": world.users["outreach_operator"].pk}, format="json")
    other_ap = api.post(URL, {"person": person.pk, "case_manager": world.other_worker.pk}, format="json")
    ok = api.post(URL, {"person": person.pk, "case_manager": world.users["labour_expert"].pk}, format="json")

    assert "case_manager" in assert_error(refused, 400, "invalid")["fields"]
    assert "case_manager" in assert_error(other_ap, 400, "invalid")["fields"]
    assert ok.status_code == 201, ok.content
    assert Case.objects.get().case_manager == world.users["labour_expert"]


def test_it_refuses_a_second_open_case_with_the_services_message(api_as, world):
    case = _case(world)

    error = assert_error(api_as(world.users["director"]).post(URL, {"person": case.person.pk}, format="json"), 400)

    assert error["fields"]["non_field_errors"]
    assert Case.objects.count() == 1


def test_it_refuses_to_open_cases_for_persons_out_of_reach_or_to_the_wrong_role(api_as, world):
    other = PersonFactory(access_point=world.ap_b)
    mine = PersonFactory(access_point=world.ap_a)

    out_of_reach = api_as(world.users["director"]).post(URL, {"person": other.pk}, format="json")
    outreach = api_as(world.users["outreach_operator"]).post(URL, {"person": mine.pk}, format="json")
    partner = api_as(world.users["partner_operator"]).post(URL, {"person": mine.pk}, format="json")

    assert "person" in assert_error(out_of_reach, 400, "invalid")["fields"]
    assert_error(outreach, 403)
    assert_error(partner, 403)
    assert not Case.objects.exists()


def test_it_moves_a_case_along_a_plain_transition(api_as, world):
    case = _opened(world)

    response = api_as(world.users["labour_expert"]).post(f"{URL}{case.pk}/transition/", {"to": "screening"},
                                                         format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "screening" and response.json()["allowed_transitions"] == ["contact"]
    event = case.events.get(kind="status_changed")
    assert event.data["from"] == "contact" and event.data["to"] == "screening"


@pytest.mark.parametrize("to", ["plan_active", "taken_in_charge", "closed"])
def test_it_refuses_illegal_transitions_with_a_clear_message(api_as, world, to):
    case = _opened(world)

    error = assert_error(api_as(world.users["director"]).post(f"{URL}{case.pk}/transition/", {"to": to},
                                                              format="json"), 400, "invalid")

    assert error["fields"]["non_field_errors"][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT


def test_it_refuses_transitions_to_an_outreach_operator(api_as, world):
    case = _opened(world)

    assert_error(api_as(world.users["outreach_operator"]).post(f"{URL}{case.pk}/transition/", {"to": "screening"},
                                                               format="json"), 403)
    assert_error(api_as(world.users["director"]).post(f"{URL}{case.pk}/transition/", {"to": "lost"},
                                                      format="json"), 400)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT


def test_it_closes_a_case_evaluating_every_goal(api_as, world):
    case = _case(world, status=CaseStatus.PLAN_ACTIVE)
    goal = PlanGoalFactory(plan=PlanFactory(case=case))
    api = api_as(world.users["social_expert"])

    missing = api.post(f"{URL}{case.pk}/close/", {"reason": "employed"}, format="json")
    closed = api.post(f"{URL}{case.pk}/close/", {
        "reason": "employed", "outcome": "Contratto a tempo determinato",
        "goal_evaluations": {str(goal.pk): "achieved"},
    }, format="json")

    assert assert_error(missing, 400)["fields"]["non_field_errors"]
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closure_reason"] == "employed"
    goal.refresh_from_db()
    assert goal.evaluation == "achieved"


def test_it_refuses_a_closure_without_reason(api_as, world):
    case = _case(world)

    error = assert_error(api_as(world.users["director"]).post(f"{URL}{case.pk}/close/", {"outcome": "x"},
                                                              format="json"), 400)

    assert "reason" in error["fields"]
    case.refresh_from_db()
    assert case.status == CaseStatus.TAKEN_IN_CHARGE


def test_it_reopens_a_closed_case_where_it_was(api_as, world):
    case = _opened(world)
    case_services.case_transition(case=case, to="screening", by=world.users["director"])
    case_services.case_close(case=case, by=world.users["director"], reason="moved_away")
    api = api_as(world.users["director"])

    no_reason = api.post(f"{URL}{case.pk}/reopen/", {"reason": ""}, format="json")
    reopened = api.post(f"{URL}{case.pk}/reopen/", {"reason": "È tornato in città"}, format="json")
    again = api.post(f"{URL}{case.pk}/reopen/", {"reason": "Di nuovo"}, format="json")

    assert "reason" in assert_error(no_reason, 400)["fields"]
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "screening"
    assert assert_error(again, 400)["fields"]["non_field_errors"]


# --- timeline, team, notes -----------------------------------------------------------------

def test_it_shows_the_timeline_in_order_and_audits_it(api_as, world):
    case = _opened(world)
    case_services.case_transition(case=case, to="screening", by=world.users["director"])

    response = api_as(world.users["outreach_operator"]).get(f"{URL}{case.pk}/timeline/")

    assert response.status_code == 200, response.content
    assert [e["kind"] for e in response.json()["results"]] == ["opened", "status_changed"]
    assert response.json()["results"][0]["actor"]["username"] == "director_a"
    assert audit_entries(case, "read").filter(actor=world.users["outreach_operator"]).exists()


def test_it_hides_restricted_timeline_lines_outside_the_team(api_as, world):
    case = _opened(world)
    notes_services.note_add(case=case, text="Riservata", restricted=True, by=world.users["director"])
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])

    def kinds(role):
        return [e["kind"] for e in api_as(world.users[role]).get(f"{URL}{case.pk}/timeline/").json()["results"]]

    assert kinds("director") == ["opened", "note"]
    assert kinds("social_expert") == ["opened", "note"]
    assert kinds("labour_expert") == ["opened"]
    assert_error(api_as(world.users["director"]).get(f"{URL}{case.pk}/timeline/", {"kind": "x"}), 400)


def test_it_shows_and_changes_the_team(api_as, world):
    case = _opened(world, case_manager=world.users["director"])
    api = api_as(world.users["director"])

    added = api.post(f"{URL}{case.pk}/team/", {"user": world.users["outreach_operator"].pk, "role": "other"},
                     format="json")
    listed = api.get(f"{URL}{case.pk}/team/")
    member_id = added.json()["id"]
    removed = api.delete(f"{URL}{case.pk}/team/{member_id}/")

    assert added.status_code == 201, added.content
    assert {m["user"]["username"] for m in listed.json()} == {"director_a", "outreach_operator_a"}
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert CaseTeamMember.objects.get(pk=member_id).removed_at is not None
    assert audit_entries(case, "read").exists()


def test_it_refuses_bad_team_changes(api_as, world):
    case = _opened(world, case_manager=world.users["director"])
    member = CaseTeamMember.objects.get(case=case)

    other_ap = api_as(world.users["director"]).post(f"{URL}{case.pk}/team/",
                                                    {"user": world.other_worker.pk, "role": "other"}, format="json")
    twice = api_as(world.users["director"]).post(f"{URL}{case.pk}/team/",
                                                 {"user": world.users["director"].pk, "role": "case_manager"},
                                                 format="json")
    outreach = api_as(world.users["outreach_operator"]).post(
        f"{URL}{case.pk}/team/", {"user": world.users["labour_expert"].pk, "role": "labour_expert"}, format="json")
    outreach_remove = api_as(world.users["outreach_operator"]).delete(f"{URL}{case.pk}/team/{member.pk}/")

    assert "user" in assert_error(other_ap, 400)["fields"]
    assert "user" in assert_error(twice, 400)["fields"]
    assert_error(outreach, 403)
    assert_error(outreach_remove, 403)
    assert CaseTeamMember.objects.filter(removed_at__isnull=True).count() == 1


def test_it_writes_and_reads_notes(api_as, world):
    case = _opened(world)
    api = api_as(world.users["director"])

    written = api.post(f"{URL}{case.pk}/notes/", {"text": "Colloquio positivo"}, format="json")
    restricted = api.post(f"{URL}{case.pk}/notes/", {"text": "Riservata", "restricted": True}, format="json")
    by_director = [n["text"] for n in api.get(f"{URL}{case.pk}/notes/").json()["results"]]
    note = CaseNote.objects.get(pk=written.json()["id"])
    one = api_as(world.users["labour_expert"]).get(f"{URL}{case.pk}/notes/{note.pk}/")

    assert written.status_code == 201 and restricted.status_code == 201
    assert by_director == ["Riservata", "Colloquio positivo"]
    assert ids(api_as(world.users["labour_expert"]).get(f"{URL}{case.pk}/notes/")) == {note.pk}
    assert_error(api_as(world.users["labour_expert"]).get(f"{URL}{case.pk}/notes/{restricted.json()['id']}/"), 404)
    assert one.json()["text"] == "Colloquio positivo"
    assert audit_entries(note, "read").filter(actor=world.users["labour_expert"]).exists()
    assert "Colloquio" not in str(CaseEvent.objects.filter(case=case).values_list("summary", "data"))


def test_it_refuses_bad_notes(api_as, world):
    case = _opened(world)

    empty = api_as(world.users["director"]).post(f"{URL}{case.pk}/notes/", {"text": "  "}, format="json")
    not_team = api_as(world.users["labour_expert"]).post(f"{URL}{case.pk}/notes/",
                                                         {"text": "Riservata", "restricted": True}, format="json")
    outreach = api_as(world.users["outreach_operator"]).post(f"{URL}{case.pk}/notes/", {"text": "Nota"},
                                                             format="json")

    assert "text" in assert_error(empty, 400)["fields"]
    assert "restricted" in assert_error(not_team, 400)["fields"]
    assert_error(outreach, 403)
    assert not CaseNote.objects.exists()


def test_it_lists_the_timeline_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries):
    case = _opened(world)
    for i in range(6):
        case_services.case_transition(case=case, to="screening" if i % 2 == 0 else "contact",
                                      by=world.users["director"], at=timezone.now())
    api = api_as(world.users["director"])

    with django_assert_max_num_queries(12):
        response = api.get(f"{URL}{case.pk}/timeline/")

    assert len(response.json()["results"]) == 7


# --- intake decision -------------------------------------------------------------------------

def test_it_takes_a_case_in_charge_with_an_eligible_decision(api_as, world):
    case = _opened(world, status="screening")
    criterion = EligibilityCriterionFactory(access_point=world.ap_a)
    api = api_as(world.users["social_expert"])

    unchecked = api.post(f"{URL}{case.pk}/intake/", {"outcome": "eligible", "rationale": "Requisiti presenti",
                                                     "checks": []}, format="json")
    decided = api.post(f"{URL}{case.pk}/intake/", {
        "outcome": "eligible", "rationale": "Requisiti presenti",
        "checks": [{"criterion": criterion.pk, "result": "met"}],
    }, format="json")
    listed = api.get(f"{URL}{case.pk}/intake/")

    assert "checks" in assert_error(unchecked, 400)["fields"]
    assert decided.status_code == 201, decided.content
    assert decided.json()["checks"][0]["result"] == "met"
    case.refresh_from_db()
    assert case.status == CaseStatus.TAKEN_IN_CHARGE
    assert [d["outcome"] for d in listed.json()] == ["eligible"]


def test_it_refuses_an_eligible_decision_with_a_mandatory_criterion_not_met(api_as, world):
    case = _opened(world)
    criterion = EligibilityCriterionFactory(access_point=world.ap_a, is_mandatory=True)

    error = assert_error(api_as(world.users["director"]).post(f"{URL}{case.pk}/intake/", {
        "outcome": "eligible", "rationale": "x", "checks": [{"criterion": criterion.pk, "result": "not_met"}],
    }, format="json"), 400)

    assert error["fields"]["non_field_errors"]
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT


def test_it_closes_a_case_not_eligible_and_refers_the_person(api_as, world):
    case = _opened(world)

    response = api_as(world.users["director"]).post(f"{URL}{case.pk}/intake/", {
        "outcome": "not_eligible", "rationale": "Fuori ambito", "checks": [], "referred_to": world.org_a.pk,
    }, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["referred_to"] == world.org_a.pk
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == "not_eligible"


def test_it_leaves_intake_decisions_to_the_case_roles(api_as, world):
    case = _opened(world)
    payload = {"outcome": "eligible", "rationale": "x", "checks": []}

    assert_error(api_as(world.users["outreach_operator"]).post(f"{URL}{case.pk}/intake/", payload, format="json"), 403)
    assert_error(api_as(world.other_director).post(f"{URL}{case.pk}/intake/", payload, format="json"), 404)
    _shared(world, case)
    assert_error(api_as(world.users["partner_operator"]).get(f"{URL}{case.pk}/intake/"), 403)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACT


def test_it_writes_the_timeline_in_the_readers_language(api_as, world):
    from django.utils import translation

    with translation.override("it"):
        case = _opened(world)
        case_services.case_transition(case=case, to="screening", by=world.users["director"])
    reader = world.users["director"]

    def summary(language):
        reader.preferred_language = language
        reader.save(update_fields=["preferred_language"])
        results = api_as(reader).get(f"{URL}{case.pk}/timeline/").json()["results"]
        return next(e["summary"] for e in results if e["kind"] == "status_changed")

    english, italian = summary("en"), summary("it")
    assert english.startswith("Status: ")
    assert italian != english and not italian.startswith("Status: ")
