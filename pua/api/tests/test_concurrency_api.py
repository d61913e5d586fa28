"""ETag and If-Match: every read and change of one record answers with its
ETag; a change of an existing record without If-Match gets 428, with a stale
one 412 (with the current ETag) and changes nothing."""

import datetime
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from pua.cases import case_services, plan_services
from pua.cases.models import ActionStatus, Case, CaseStatus, PlanAction
from pua.core.concurrency import etag

from .assertions import assert_error
from .test_plans_api import ACTIONS, _action, _plan, _shared_action


@pytest.fixture
def action(world):
    plan, goal = _plan(world)
    return _action(world, plan, goal, planned_start=datetime.date(2026, 12, 1),
                   planned_end=datetime.date(2027, 1, 31))


def test_a_read_of_one_record_carries_its_etag(api_as, world, action):
    response = api_as(world.users["social_expert"]).get(f"{ACTIONS}{action.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"cases.planaction.{action.pk}.v{action.version}"'


def test_a_change_without_if_match_is_refused_with_428(api_as, world, action):
    response = api_as(world.users["social_expert"]).patch(f"{ACTIONS}{action.pk}/", {"outcome_note": "Nuovo"},
                                                          format="json", if_match=None)
    error = assert_error(response, 428, "precondition_required")
    assert "If-Match" in error["message"]
    assert PlanAction.objects.get(pk=action.pk).outcome_note == ""


def test_a_wildcard_if_match_is_refused_too(api_as, world, action):
    response = api_as(world.users["social_expert"]).patch(f"{ACTIONS}{action.pk}/", {"outcome_note": "Nuovo"},
                                                          format="json", HTTP_IF_MATCH="*")
    assert_error(response, 428, "precondition_required")


def test_a_change_with_a_stale_etag_is_refused_with_412_and_the_current_etag(api_as, world, action):
    client = api_as(world.users["social_expert"])
    seen = client.get(f"{ACTIONS}{action.pk}/")["ETag"]
    plan_services.action_set_status(action=PlanAction.objects.get(pk=action.pk), status=ActionStatus.DONE,
                                    outcome_note="Assunto a tempo indeterminato", by=world.users["director"])

    response = client.patch(f"{ACTIONS}{action.pk}/", {"planned_end": "2027-03-31"}, format="json",
                            HTTP_IF_MATCH=seen)

    assert_error(response, 412, "precondition_failed")
    stored = PlanAction.objects.get(pk=action.pk)
    assert response["ETag"] == etag(stored) != seen
    assert stored.status == ActionStatus.DONE and stored.outcome_note == "Assunto a tempo indeterminato"
    assert stored.planned_end == datetime.date(2027, 1, 31)


def test_a_change_with_the_current_etag_changes_only_the_fields_sent_and_answers_the_new_etag(api_as, world,
                                                                                            action):
    client = api_as(world.users["social_expert"])
    seen = client.get(f"{ACTIONS}{action.pk}/")["ETag"]

    response = client.patch(f"{ACTIONS}{action.pk}/", {"outcome_note": "Primo colloquio fatto"}, format="json",
                            HTTP_IF_MATCH=seen)

    assert response.status_code == 200
    stored = PlanAction.objects.get(pk=action.pk)
    assert response["ETag"] == etag(stored) != seen
    assert stored.version == action.version + 1
    assert stored.outcome_note == "Primo colloquio fatto"
    assert (stored.planned_start, stored.planned_end, stored.status) == (
        datetime.date(2026, 12, 1), datetime.date(2027, 1, 31), ActionStatus.PLANNED)


def test_a_weak_etag_in_if_match_is_accepted(api_as, world, action):
    client = api_as(world.users["social_expert"])
    seen = client.get(f"{ACTIONS}{action.pk}/")["ETag"]
    response = client.patch(f"{ACTIONS}{action.pk}/", {"outcome_note": "Ok"}, format="json",
                            HTTP_IF_MATCH=f"W/{seen}")
    assert response.status_code == 200


def test_a_partners_status_change_needs_if_match_and_is_refused_when_stale(api_as, world):
    action = _shared_action(world)
    client = api_as(world.users["partner_operator"])
    url = f"{ACTIONS}{action.pk}/status/"
    assert_error(client.post(url, {"status": "in_progress"}, format="json", if_match=None), 428)
    seen = client.get(f"{ACTIONS}{action.pk}/")["ETag"]
    plan_services.action_update(action=PlanAction.objects.get(pk=action.pk), by=world.users["director"],
                                goal=action.goal, service=action.service, provider=action.provider,
                                status=ActionStatus.IN_PROGRESS, outcome_note="Avviato dal PUA")

    stale = client.post(url, {"status": "in_progress", "outcome_note": "Secondo incontro"}, format="json",
                        HTTP_IF_MATCH=seen)

    assert_error(stale, 412, "precondition_failed")
    assert PlanAction.objects.get(pk=action.pk).outcome_note == "Avviato dal PUA"
    fresh = client.post(url, {"status": "in_progress", "outcome_note": "Secondo incontro"}, format="json",
                        HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] == etag(PlanAction.objects.get(pk=action.pk))


def test_a_case_transition_needs_if_match_and_a_stale_one_moves_nothing(api_as, world):
    plan, _ = _plan(world)
    case = plan.case
    client = api_as(world.users["director"])
    url = f"/api/v1/cases/{case.pk}/transition/"
    assert_error(client.post(url, {"to": "plan_active"}, format="json", if_match=None), 428)
    seen = etag(case)
    case_services.case_transition(case=Case.objects.get(pk=case.pk), to=CaseStatus.PLAN_ACTIVE,
                                  by=world.users["social_expert"])

    response = client.post(url, {"to": "follow_up"}, format="json", HTTP_IF_MATCH=seen)

    assert_error(response, 412)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PLAN_ACTIVE


def test_a_goal_removal_needs_the_current_etag(api_as, world):
    plan, goal = _plan(world)
    client = api_as(world.users["social_expert"])
    assert_error(client.delete(f"/api/v1/plan-goals/{goal.pk}/", if_match=None), 428)
    assert_error(client.delete(f"/api/v1/plan-goals/{goal.pk}/", HTTP_IF_MATCH='"cases.plangoal.0.v1"'), 412)
    assert client.delete(f"/api/v1/plan-goals/{goal.pk}/").status_code == 204


def test_an_organisation_edit_by_a_stale_client_is_refused(api_as, world):
    client = api_as(world.users["director"])
    url = f"/api/v1/organisations/{world.org_a.pk}/"
    seen = client.get(url)["ETag"]
    assert client.patch(url, {"name": "Cooperativa Alfa Nuova"}, format="json",
                        HTTP_IF_MATCH=seen).status_code == 200
    stale = client.patch(url, {"phone": "0612345678"}, format="json", HTTP_IF_MATCH=seen)
    assert_error(stale, 412)
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Cooperativa Alfa Nuova" and world.org_a.version == 2


def test_the_schema_documents_if_match_etag_412_and_428(db):
    schema = yaml.safe_load(_schema())
    patch = schema["paths"]["/api/v1/plan-actions/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" and p["required"] for p in patch["parameters"])
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    status = schema["paths"]["/api/v1/plan-actions/{id}/status/"]["post"]
    assert any(p["name"] == "If-Match" for p in status["parameters"])
    read = schema["paths"]["/api/v1/plan-actions/{id}/"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert not any(p["name"] == "If-Match" for p in read.get("parameters", []))
    assert "428" not in schema["paths"]["/api/v1/plan-actions/"]["post"]["responses"]


def _schema():
    out = StringIO()
    call_command("spectacular", stdout=out)
    return out.getvalue()
