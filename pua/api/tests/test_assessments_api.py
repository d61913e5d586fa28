"""The assessments API: instruments (definition, XLSForm), responses (start,
save a page, submit, amend, review) and the screening result."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pua.assessments import services
from pua.assessments.models import Instrument, Response, ResponseStatus
from pua.assessments.tests.screening_data import (
    EXPLOITATION_ONLY,
    NOTHING_FOUND,
    PRESUMED_VICTIM,
    screening_version,
    submit,
)
from pua.cases.models import TeamRole
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction

from .assertions import assert_error, audit_entries, ids

INSTRUMENTS = "/api/v1/instruments/"
RESPONSES = "/api/v1/responses/"

# These tests read messages written in English.
pytestmark = pytest.mark.usefixtures("english_personas")


@pytest.fixture
def screening(world):
    return screening_version()


@pytest.fixture
def person(world):
    return PersonFactory(access_point=world.ap_a)


def _submitted(world, screening, person, answers=PRESUMED_VICTIM, case=None):
    return submit(screening, person, by=world.users["director"], answers=answers, case=case)


# --- instruments ---------------------------------------------------------------------------------------------

def test_it_lists_the_instruments_with_their_published_version(api_as, world, screening):
    response = api_as(world.users["social_expert"]).get(INSTRUMENTS)

    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["code"] == "exploitation_screening")
    assert row["published_version"]["number"] == screening.number
    assert row["purpose"] == "exploitation_screening"
    assert "definition" not in row


def test_it_lists_no_instrument_to_board_members(api_as, world, screening):
    assert ids(api_as(world.users["board_viewer"]).get(INSTRUMENTS)) == set()


def test_it_refuses_anonymous_clients(api, world, screening):
    assert_error(api.get(INSTRUMENTS), 401)
    assert_error(api.get(RESPONSES), 401)


def test_it_gives_the_parsed_definition_of_the_published_version(api_as, world, screening):
    response = api_as(world.users["labour_expert"]).get(f"{INSTRUMENTS}{screening.instrument_id}/")

    assert response.status_code == 200
    definition = response.json()["definition"]
    assert definition["scoring"] == "exploitation_adult"
    assert [p["name"] for p in definition["pages"]][:2] == ["context", "d1"]


def test_it_hides_another_access_points_instrument(api_as, world, screening):
    other = screening_version(code="local_b", title="Local form of B")
    Instrument.objects.filter(pk=other.instrument_id).update(access_point=world.ap_b)

    assert_error(api_as(world.users["director"]).get(f"{INSTRUMENTS}{other.instrument_id}/"), 404)


def test_it_downloads_the_xlsform_of_the_published_version(api_as, world, screening):
    response = api_as(world.users["director"]).get(f"{INSTRUMENTS}{screening.instrument_id}/xlsform/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content) == b"PK-test"
    assert f"exploitation_screening-v{screening.number}.xlsx" in response["Content-Disposition"]


# --- starting and filling in ---------------------------------------------------------------------------------

def test_it_starts_a_draft_of_the_published_version(api_as, world, screening, person):
    case = CaseFactory(person=person)

    response = api_as(world.users["social_expert"]).post(
        RESPONSES, {"instrument": screening.instrument_id, "person": person.pk, "case": case.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["instrument_version"] == screening.pk and body["case"] == case.pk
    assert body["shows_answers"] and body["answers"] == {}
    assert Response.objects.filter(pk=body["id"], started_by=world.users["social_expert"]).exists()


def test_it_refuses_a_person_of_another_access_point(api_as, world, screening):
    other = PersonFactory(access_point=world.ap_b)

    error = assert_error(api_as(world.users["director"]).post(
        RESPONSES, {"instrument": screening.instrument_id, "person": other.pk}, format="json"), 400, "invalid")

    assert "person" in error["fields"]
    assert not Response.objects.exists()


def test_it_refuses_a_case_of_another_person(api_as, world, screening, person):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))

    error = assert_error(api_as(world.users["director"]).post(
        RESPONSES, {"instrument": screening.instrument_id, "person": person.pk, "case": case.pk}, format="json"), 400)

    assert error["fields"]["case"] == ["This case belongs to another person."]
    assert not Response.objects.exists()


def test_it_refuses_to_start_for_who_may_not_fill_it_in(api_as, world, person):
    version = screening_version(fill_roles=["director"])

    assert_error(api_as(world.users["labour_expert"]).post(
        RESPONSES, {"instrument": version.instrument_id, "person": person.pk}, format="json"), 403)
    assert_error(api_as(world.users["board_viewer"]).post(
        RESPONSES, {"instrument": version.instrument_id, "person": person.pk}, format="json"), 403)
    assert not Response.objects.exists()


def test_it_saves_the_answers_of_a_page(api_as, world, screening, person):
    draft = services.response_start(version=screening, person=person, by=world.users["director"])

    response = api_as(world.users["director"]).patch(f"{RESPONSES}{draft.pk}/",
                                                      {"page": 1, "answers": {"DR_01": "yes"}}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["answers"] == {"DR_01": "yes"}
    assert response.json()["current_page"] == 1


def test_it_refuses_an_answer_outside_the_choices(api_as, world, screening, person):
    draft = services.response_start(version=screening, person=person, by=world.users["director"])

    error = assert_error(api_as(world.users["director"]).patch(
        f"{RESPONSES}{draft.pk}/", {"page": 1, "answers": {"DR_01": "maybe", "EX_01": "yes"}}, format="json"), 400)

    assert error["fields"]["DR_01"] == ["Choose among the options offered."]
    assert "EX_01" in error["fields"]  # not a question of page 1
    draft.refresh_from_db()
    assert draft.answers == {}


def test_it_refuses_to_change_a_submitted_response(api_as, world, screening, person):
    submitted = _submitted(world, screening, person)

    error = assert_error(api_as(world.users["director"]).patch(
        f"{RESPONSES}{submitted.pk}/", {"page": 1, "answers": {"DR_01": "no"}}, format="json"), 400)

    assert "amend it instead" in str(error["fields"])
    submitted.refresh_from_db()
    assert submitted.answers["DR_01"] == "yes"


def test_it_lets_readers_who_do_not_fill_it_in_read_but_not_write(api_as, world, person):
    version = screening_version(fill_roles=["director"])
    draft = services.response_start(version=version, person=person, by=world.users["director"])

    client = api_as(world.users["social_expert"])

    assert client.get(f"{RESPONSES}{draft.pk}/").status_code == 200
    assert_error(client.patch(f"{RESPONSES}{draft.pk}/", {"page": 1, "answers": {"DR_01": "yes"}}, format="json"),
                 403)


def test_it_submits_and_scores(api_as, world, screening, person):
    draft = services.response_start(version=screening, person=person, by=world.users["director"])
    Response.objects.filter(pk=draft.pk).update(answers=EXPLOITATION_ONLY)

    response = api_as(world.users["director"]).post(f"{RESPONSES}{draft.pk}/submit/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["outcome"] == "exploitation_without_trafficking_indicators"
    assert_error(api_as(world.users["director"]).post(f"{RESPONSES}{draft.pk}/submit/"), 400)


# --- reading -------------------------------------------------------------------------------------------------

def test_it_shows_the_answers_only_with_the_detail_right_and_audits(api_as, world, screening, person):
    case = CaseFactory(person=person)
    submitted = _submitted(world, screening, person, case=case)

    director = api_as(world.users["director"]).get(f"{RESPONSES}{submitted.pk}/").json()
    outside = api_as(world.users["social_expert"]).get(f"{RESPONSES}{submitted.pk}/").json()
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"], role=TeamRole.SOCIAL_EXPERT)
    inside = api_as(world.users["social_expert"]).get(f"{RESPONSES}{submitted.pk}/").json()

    assert director["answers"]["DR_01"] == "yes"
    assert outside["answers"] is None and not outside["shows_answers"]
    assert outside["outcome"] == "presumed_trafficking_victim"
    assert inside["answers"]["CD_01"] == "yes"
    assert audit_entries(submitted, AuditAction.READ).count() == 3


@pytest.mark.parametrize("who", ["other_director", "partner_operator", "board_viewer", "admin"])
def test_it_hides_responses_from_who_may_not_read_them(api_as, world, screening, person, who):
    submitted = _submitted(world, screening, person)
    user = world.other_director if who == "other_director" else world.users[who]

    assert_error(api_as(user).get(f"{RESPONSES}{submitted.pk}/"), 404)
    assert_error(api_as(user).get(f"{RESPONSES}{submitted.pk}/result/"), 404)


@pytest.mark.parametrize("who", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_refuses_the_list_to_roles_without_people(api_as, world, screening, who):
    assert_error(api_as(world.users[who]).get(RESPONSES), 403)


def test_it_lists_and_filters_responses(api_as, world, screening, person):
    original = _submitted(world, screening, person)
    amendment = services.response_amend(response=original, by=world.users["director"], reason="Corrected")
    other = _submitted(world, screening, PersonFactory(access_point=world.ap_a), NOTHING_FOUND)
    _submitted_b = submit(screening, PersonFactory(access_point=world.ap_b), by=world.other_director,
                          answers=NOTHING_FOUND)
    client = api_as(world.users["director"])

    assert ids(client.get(RESPONSES)) == {original.pk, amendment.pk, other.pk}
    assert ids(client.get(RESPONSES, {"person": person.pk, "status": "draft"})) == {amendment.pk}
    assert ids(client.get(RESPONSES, {"current": "true"})) == {original.pk, other.pk}
    services.response_submit(response=amendment, by=world.users["director"])
    assert ids(client.get(RESPONSES, {"current": "true"})) == {amendment.pk, other.pk}
    assert "answers" not in client.get(RESPONSES).json()["results"][0]


def test_it_lists_responses_in_a_fixed_number_of_queries(api_as, world, screening, django_assert_max_num_queries):
    client = api_as(world.users["director"])
    _submitted(world, screening, PersonFactory(access_point=world.ap_a))
    with CaptureQueriesContext(connection) as few:
        assert client.get(RESPONSES).status_code == 200
    for answers in (NOTHING_FOUND, EXPLOITATION_ONLY, PRESUMED_VICTIM, NOTHING_FOUND):
        _submitted(world, screening, PersonFactory(access_point=world.ap_a), answers)
        services.response_start(version=screening, person=PersonFactory(access_point=world.ap_a),
                                by=world.users["director"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(RESPONSES).json()["results"]) == 9


# --- amending and reviewing ----------------------------------------------------------------------------------

def test_it_amends_a_submitted_response(api_as, world, screening, person):
    submitted = _submitted(world, screening, person)
    client = api_as(world.users["director"])

    assert_error(client.post(f"{RESPONSES}{submitted.pk}/amend/", {"reason": ""}, format="json"), 400)
    response = client.post(f"{RESPONSES}{submitted.pk}/amend/", {"reason": "Wrong answer on D5"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amends"] == submitted.pk and body["status"] == "draft"
    assert body["answers"] == submitted.answers
    assert Response.objects.get(pk=submitted.pk).status == ResponseStatus.SUBMITTED


def test_it_reviews_the_outcome_override_needs_a_reason(api_as, world, screening, person):
    submitted = _submitted(world, screening, person)
    client = api_as(world.users["director"])

    error = assert_error(client.post(f"{RESPONSES}{submitted.pk}/review/",
                                     {"confirmed_outcome": "no_exploitation_indicators"}, format="json"), 400)
    response = client.post(f"{RESPONSES}{submitted.pk}/review/", {
        "confirmed_outcome": "no_exploitation_indicators", "reason": "The interview contradicts the answers"},
        format="json")

    assert error["fields"]["reason"] == ["Explain why you override the computed outcome."]
    assert response.status_code == 200, response.content
    assert response.json()["confirmed_outcome"] == "no_exploitation_indicators"
    assert response.json()["is_overridden"]


def test_it_refuses_the_review_outside_the_case_team(api_as, world, screening, person):
    submitted = _submitted(world, screening, person, case=CaseFactory(person=person))

    assert_error(api_as(world.users["social_expert"]).post(
        f"{RESPONSES}{submitted.pk}/review/", {"confirmed_outcome": "presumed_trafficking_victim"}, format="json"), 403)
    submitted.refresh_from_db()
    assert not submitted.confirmed_outcome


# --- the result ----------------------------------------------------------------------------------------------

def test_it_gives_the_whole_result_to_the_director(api_as, world, screening, person):
    submitted = _submitted(world, screening, person, answers={**PRESUMED_VICTIM, "IT_1": "yes"})

    response = api_as(world.users["director"]).get(f"{RESPONSES}{submitted.pk}/result/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"]["code"] == "presumed_trafficking_victim"
    assert body["rule_set"]["version"] == submitted.rule_set.version
    assert {d["code"]: d["positive"] for d in body["dimensions"]}["D4"] is True
    assert body["art603bis"]["present"] is True
    assert "F2.3.a" in [s["service_code"] for s in body["next_steps"]]
    assert audit_entries(submitted, AuditAction.READ).exists()


def test_it_gives_the_outcome_only_outside_the_case_team(api_as, world, screening, person):
    submitted = _submitted(world, screening, person, case=CaseFactory(person=person))

    body = api_as(world.users["labour_expert"]).get(f"{RESPONSES}{submitted.pk}/result/").json()

    assert body["outcome"]["code"] == "presumed_trafficking_victim"
    assert body["dimensions"] is None and body["art603bis"] is None and not body["shows_detail"]


def test_it_has_no_result_for_a_draft(api_as, world, screening, person):
    draft = services.response_start(version=screening, person=person, by=world.users["director"])

    assert_error(api_as(world.users["director"]).get(f"{RESPONSES}{draft.pk}/result/"), 404)


def test_it_lists_instruments_in_a_fixed_number_of_queries(api_as, world, screening, django_assert_max_num_queries):
    client = api_as(world.users["director"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(INSTRUMENTS).status_code == 200
    for number in range(4):
        screening_version(code=f"local_{number}", title=f"Local form {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(INSTRUMENTS).status_code == 200
