"""/api/v1/plans/, plan-goals/, plan-actions/ and interventions/: the plan and
diary pages' rules through the API, with the same services (every content
change makes a version), partners limited to the actions they provide, and
an audit READ of the case whenever the plan or the diary is read."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pua.cases import interventions_services, plan_services
from pua.cases.models import CaseStatus, Intervention, Plan, PlanAction, PlanGoal
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, ConsentFactory, PersonFactory
from pua.network.models import Service

from .assertions import assert_error, audit_entries, ids

PLANS = "/api/v1/plans/"
GOALS = "/api/v1/plan-goals/"
ACTIONS = "/api/v1/plan-actions/"
INTERVENTIONS = "/api/v1/interventions/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def service(code="F2.4.c"):
    return Service.objects.get(code=code, programme__isnull=True)


def _case(world, ap=None, status=CaseStatus.TAKEN_IN_CHARGE):
    return CaseFactory(person=PersonFactory(access_point=ap or world.ap_a), status=status)


def _plan(world, case=None):
    by = world.users["social_expert"]
    plan = plan_services.plan_create(case=case or _case(world), by=by)
    goal = plan_services.goal_add(plan=plan, area="work", description="Trovare un lavoro regolare", by=by)
    return plan, goal


def _action(world, plan, goal, provider=None, **kwargs):
    return plan_services.action_add(plan=plan, goal=goal, service=service(), provider=provider or world.partner_org,
                                    by=world.users["social_expert"], **kwargs)


def _shared_action(world):
    plan, goal = _plan(world)
    action = _action(world, plan, goal)
    ConsentFactory(person=plan.case.person, organisation=world.partner_org)
    return action


# --- plans -------------------------------------------------------------------------------------

def test_it_drafts_a_plan_for_a_case_taken_in_charge(api_as, world):
    case = _case(world)

    response = api_as(world.users["social_expert"]).post(PLANS, {"case": case.pk, "review_every_days": 60},
                                                          format="json")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft" and response.json()["version"] == 1
    plan = Plan.objects.get(case=case)
    assert plan.review_every_days == 60 and plan.versions.count() == 1


def test_it_refuses_a_plan_the_service_refuses(api_as, world):
    screening = _case(world, status=CaseStatus.SCREENING)
    existing, _goal = _plan(world)
    api = api_as(world.users["director"])

    assert assert_error(api.post(PLANS, {"case": screening.pk}, format="json"), 400)["fields"]
    assert assert_error(api.post(PLANS, {"case": existing.case.pk}, format="json"), 400)["fields"]
    assert "case" in assert_error(api.post(PLANS, {"case": _case(world, ap=world.ap_b).pk}, format="json"),
                                  400)["fields"]
    assert_error(api_as(world.users["outreach_operator"]).post(PLANS, {"case": screening.pk}, format="json"), 403)
    assert Plan.objects.count() == 1


def test_it_shows_a_plan_with_goals_and_actions_and_audits_the_case(api_as, world):
    plan, goal = _plan(world)
    action = _action(world, plan, goal)

    response = api_as(world.users["outreach_operator"]).get(f"{PLANS}{plan.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["goals"][0]["description"] == "Trovare un lavoro regolare"
    assert data["goals"][0]["actions"][0]["id"] == action.pk
    assert data["goals"][0]["actions"][0]["service_code"] == "F2.4.c"
    assert audit_entries(plan.case, "read").filter(actor=world.users["outreach_operator"]).exists()


@pytest.mark.parametrize("rows", [1, 8])
def test_it_lists_plans_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        plan, goal = _plan(world)
        _action(world, plan, goal)
    api = api_as(world.users["director"])

    with django_assert_max_num_queries(13):  # one INSERT: the audit entry of the page
        response = api.get(PLANS)

    assert len(response.json()["results"]) == rows


def test_it_keeps_plans_from_partners_and_other_access_points(api_as, world):
    action = _shared_action(world)
    plan = action.plan

    assert_error(api_as(world.users["partner_operator"]).get(PLANS), 403)
    assert_error(api_as(world.users["partner_operator"]).get(f"{PLANS}{plan.pk}/"), 404)
    assert_error(api_as(world.other_director).get(f"{PLANS}{plan.pk}/"), 404)
    assert plan.pk not in ids(api_as(world.other_director).get(PLANS))
    assert_error(api_as(world.users["board_viewer"]).get(PLANS), 403)


def test_it_answers_anonymous_clients_with_401(api, world):
    plan, goal = _plan(world)

    for url in (PLANS, f"{PLANS}{plan.pk}/", GOALS, ACTIONS, INTERVENTIONS):
        assert_error(api.get(url), 401, "not_authenticated")


def test_it_changes_the_cadence_and_records_reviews(api_as, world):
    plan, goal = _plan(world)
    _action(world, plan, goal)
    api = api_as(world.users["social_expert"])

    cadence = api.patch(f"{PLANS}{plan.pk}/", {"review_every_days": 45}, format="json")
    bad_cadence = api.patch(f"{PLANS}{plan.pk}/", {"review_every_days": 0}, format="json")
    review = api.post(f"{PLANS}{plan.pk}/reviews/", {"reviewed_on": timezone.localdate().isoformat(),
                                                     "notes": "Buoni progressi"}, format="json")
    reviews = api.get(f"{PLANS}{plan.pk}/reviews/")

    assert cadence.status_code == 200 and cadence.json()["review_every_days"] == 45
    assert "review_every_days" in assert_error(bad_cadence, 400)["fields"]
    assert review.status_code == 201, review.content
    assert [r["notes"] for r in reviews.json()["results"]] == ["Buoni progressi"]


def test_it_records_the_agreement_with_the_signed_plan(api_as, world):
    plan, goal = _plan(world)
    _action(world, plan, goal)
    api = api_as(world.users["social_expert"])

    empty_plan, _ = _plan(world)
    PlanGoal.objects.filter(plan=empty_plan).delete()
    refused = api.post(f"{PLANS}{empty_plan.pk}/agree/", {"agreed_on": timezone.localdate().isoformat()},
                       format="json")
    future = api.post(f"{PLANS}{plan.pk}/agree/", {"agreed_on": "2999-01-01"}, format="json")
    agreed = api.post(f"{PLANS}{plan.pk}/agree/", {
        "agreed_on": timezone.localdate().isoformat(), "language": "it",
        "signed_file": SimpleUploadedFile("patto.pdf", PDF_BYTES, content_type="application/pdf"),
    }, format="multipart")

    assert assert_error(refused, 400)["fields"]["non_field_errors"]
    assert "agreed_on" in assert_error(future, 400)["fields"]
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["status"] == "agreed" and agreed.json()["signed_document"]
    plan.case.refresh_from_db()
    assert plan.case.status == CaseStatus.PLAN_ACTIVE


def test_it_lists_and_shows_the_versions(api_as, world):
    plan, goal = _plan(world)
    _action(world, plan, goal)
    api = api_as(world.users["labour_expert"])

    versions = api.get(f"{PLANS}{plan.pk}/versions/")
    first = api.get(f"{PLANS}{plan.pk}/versions/1/")

    assert [v["number"] for v in versions.json()["results"]] == [3, 2, 1]
    assert first.status_code == 200 and "snapshot" in first.json()
    assert_error(api.get(f"{PLANS}{plan.pk}/versions/9/"), 404)
    assert audit_entries(plan.case, "read").count() == 2


# --- goals -----------------------------------------------------------------------------------------

def test_it_adds_edits_and_removes_goals(api_as, world):
    plan, goal = _plan(world)
    api = api_as(world.users["director"])

    added = api.post(GOALS, {"plan": plan.pk, "area": "housing", "description": "Trovare un alloggio"},
                     format="json")
    edited = api.patch(f"{GOALS}{goal.pk}/", {"description": "Un lavoro regolare"}, format="json")
    removed = api.delete(f"{GOALS}{added.json()['id']}/")

    assert added.status_code == 201, added.content
    assert edited.status_code == 200 and edited.json()["description"] == "Un lavoro regolare"
    assert removed.status_code == 204
    assert list(PlanGoal.objects.values_list("pk", flat=True)) == [goal.pk]
    plan.refresh_from_db()
    assert plan.version == 5
    assert ids(api.get(GOALS, {"plan": plan.pk})) == {goal.pk}


def test_it_refuses_bad_goal_changes(api_as, world):
    plan, goal = _plan(world)
    _action(world, plan, goal)
    api = api_as(world.users["director"])

    assert "description" in assert_error(api.post(GOALS, {"plan": plan.pk, "area": "work", "description": " "},
                                                  format="json"), 400)["fields"]
    assert "area" in assert_error(api.post(GOALS, {"plan": plan.pk, "area": "moon", "description": "x"},
                                           format="json"), 400)["fields"]
    assert assert_error(api.delete(f"{GOALS}{goal.pk}/"), 400)["fields"]["non_field_errors"]
    outreach = api_as(world.users["outreach_operator"])
    assert_error(outreach.patch(f"{GOALS}{goal.pk}/", {"description": "x"}, format="json"), 403)
    assert_error(outreach.post(GOALS, {"plan": plan.pk, "area": "work", "description": "x"}, format="json"), 403)
    assert_error(api_as(world.other_director).patch(f"{GOALS}{goal.pk}/", {"description": "x"}, format="json"), 404)
    assert PlanGoal.objects.get().description == "Trovare un lavoro regolare"


# --- actions -------------------------------------------------------------------------------------

def test_it_adds_and_edits_actions(api_as, world):
    plan, goal = _plan(world)
    api = api_as(world.users["social_expert"])

    added = api.post(ACTIONS, {"plan": plan.pk, "goal": goal.pk, "service": service().pk,
                               "provider": world.partner_org.pk, "planned_start": "2026-12-01",
                               "planned_end": "2027-01-31"}, format="json")
    backwards = api.patch(f"{ACTIONS}{added.json()['id']}/", {"planned_end": "2026-11-01"}, format="json")
    edited = api.patch(f"{ACTIONS}{added.json()['id']}/", {"provider": world.org_a.pk}, format="json")

    assert added.status_code == 201, added.content
    assert added.json()["provider_name"] == "Associazione Partner"
    assert "planned_end" in assert_error(backwards, 400)["fields"]
    assert edited.status_code == 200 and edited.json()["provider"] == world.org_a.pk
    assert PlanAction.objects.get().planned_end == datetime.date(2027, 1, 31)


def test_it_refuses_providers_outside_the_network(api_as, world):
    plan, goal = _plan(world)

    response = api_as(world.users["social_expert"]).post(ACTIONS, {
        "plan": plan.pk, "goal": goal.pk, "service": service().pk, "provider": world.org_b.pk}, format="json")

    assert "provider" in assert_error(response, 400)["fields"]
    assert not PlanAction.objects.exists()


def test_it_shows_a_partner_only_the_actions_they_provide(api_as, world):
    shared = _shared_action(world)
    other_plan, other_goal = _plan(world)
    _action(world, other_plan, other_goal, provider=world.org_a)
    unshared_plan, unshared_goal = _plan(world)
    unshared = _action(world, unshared_plan, unshared_goal)  # no consent
    partner = api_as(world.users["partner_operator"])

    listed = partner.get(ACTIONS)
    detail = partner.get(f"{ACTIONS}{shared.pk}/")
    progress = partner.post(f"{ACTIONS}{shared.pk}/status/", {"status": "in_progress"}, format="json")
    not_delivered = partner.post(f"{ACTIONS}{shared.pk}/status/", {"status": "not_delivered", "outcome_note": ""},
                                 format="json")

    assert ids(listed) == {shared.pk}
    assert detail.status_code == 200 and audit_entries(shared.plan.case, "read").exists()
    assert progress.status_code == 200 and progress.json()["status"] == "in_progress"
    assert "outcome_note" in assert_error(not_delivered, 400)["fields"]
    assert_error(partner.get(f"{ACTIONS}{unshared.pk}/"), 404)
    assert_error(partner.patch(f"{ACTIONS}{shared.pk}/", {"planned_end": "2027-01-01"}, format="json"), 403)
    assert_error(partner.post(ACTIONS, {"plan": shared.plan.pk}, format="json"), 400)


def test_it_filters_actions_and_hides_them_from_other_access_points(api_as, world):
    plan, goal = _plan(world)
    late = _action(world, plan, goal, planned_start=datetime.date(2026, 1, 1), planned_end=datetime.date(2026, 2, 1))
    _action(world, plan, goal, provider=world.org_a)
    api = api_as(world.users["director"])

    assert ids(api.get(ACTIONS, {"overdue": "true"})) == {late.pk}
    assert ids(api.get(ACTIONS, {"provider": world.partner_org.pk})) == {late.pk}
    assert len(ids(api.get(ACTIONS, {"case": plan.case.pk}))) == 2
    assert ids(api_as(world.other_director).get(ACTIONS)) == set()
    assert_error(api_as(world.other_director).post(f"{ACTIONS}{late.pk}/status/", {"status": "done"},
                                                   format="json"), 404)


@pytest.mark.parametrize("rows", [1, 10])
def test_it_lists_actions_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    plan, goal = _plan(world)
    for _ in range(rows):
        _action(world, plan, goal)
    ConsentFactory(person=plan.case.person, organisation=world.partner_org)
    api = api_as(world.users["partner_operator"])

    with django_assert_max_num_queries(12):
        response = api.get(ACTIONS)

    assert len(response.json()["results"]) == rows


# --- interventions ---------------------------------------------------------------------------------

def _record(world, case, **kwargs):
    kwargs.setdefault("occurred_on", timezone.localdate())
    kwargs.setdefault("kind", "support_interview")
    kwargs.setdefault("operators", [world.users["social_expert"]])
    return interventions_services.intervention_record(case=case, by=world.users["social_expert"], **kwargs)


def test_it_records_a_joint_interview(api_as, world):
    case = _case(world)
    api = api_as(world.users["social_expert"])

    joint = api.post(INTERVENTIONS, {
        "case": case.pk, "occurred_on": timezone.localdate().isoformat(), "kind": "orientation_interview",
        "duration_minutes": 60, "joint": True,
        "operators": [world.users["social_expert"].pk, world.users["labour_expert"].pk],
    }, format="json")
    not_joint = api.post(INTERVENTIONS, {
        "case": case.pk, "occurred_on": timezone.localdate().isoformat(), "kind": "orientation_interview",
        "joint": True, "operators": [world.users["social_expert"].pk],
    }, format="json")

    assert joint.status_code == 201, joint.content
    assert joint.json()["joint"] is True
    assert "joint" in assert_error(not_joint, 400)["fields"]
    assert Intervention.objects.count() == 1


def test_it_lists_the_diary_of_a_case_and_audits_it(api_as, world):
    case = _case(world)
    interview = _record(world, case, notes="Colloquio sereno")
    _record(world, _case(world))
    api = api_as(world.users["outreach_operator"])

    listed = api.get(INTERVENTIONS, {"case": case.pk})

    assert ids(listed) == {interview.pk}
    assert listed.json()["results"][0]["notes"] == "Colloquio sereno"
    assert audit_entries(case, "read").filter(actor=world.users["outreach_operator"]).exists()
    assert "case" in assert_error(api.get(INTERVENTIONS), 400)["fields"]
    assert "case" in assert_error(api.get(INTERVENTIONS, {"case": _case(world, ap=world.ap_b).pk}), 400)["fields"]


def test_it_keeps_restricted_notes_for_the_team_and_the_director(api_as, world):
    case = _case(world)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    intervention = _record(world, case, notes="Riservato", notes_restricted=True)

    def notes(user):
        return api_as(user).get(f"{INTERVENTIONS}{intervention.pk}/").json().get("notes")

    assert notes(world.users["social_expert"]) == "Riservato"
    assert notes(world.users["director"]) == "Riservato"
    assert notes(world.users["labour_expert"]) is None
    assert_error(api_as(world.users["labour_expert"]).patch(f"{INTERVENTIONS}{intervention.pk}/",
                                                            {"duration_minutes": 10}, format="json"), 403)


def test_it_corrects_an_intervention(api_as, world):
    intervention = _record(world, _case(world), duration_minutes=30)
    api = api_as(world.users["social_expert"])

    corrected = api.patch(f"{INTERVENTIONS}{intervention.pk}/", {"duration_minutes": 50}, format="json")
    future = api.patch(f"{INTERVENTIONS}{intervention.pk}/", {"occurred_on": "2999-01-01"}, format="json")

    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["duration_minutes"] == 50
    assert "occurred_on" in assert_error(future, 400)["fields"]
    intervention.refresh_from_db()
    assert intervention.duration_minutes == 50


def test_it_keeps_the_diary_from_partners_and_other_access_points(api_as, world):
    action = _shared_action(world)
    intervention = _record(world, action.plan.case)

    assert_error(api_as(world.users["partner_operator"]).get(INTERVENTIONS, {"case": action.plan.case.pk}), 403)
    assert_error(api_as(world.users["partner_operator"]).get(f"{INTERVENTIONS}{intervention.pk}/"), 404)
    assert_error(api_as(world.other_worker).get(f"{INTERVENTIONS}{intervention.pk}/"), 404)
    assert_error(api_as(world.users["outreach_operator"]).post(INTERVENTIONS, {
        "case": action.plan.case.pk, "occurred_on": timezone.localdate().isoformat(), "kind": "phone_call",
        "operators": [world.users["outreach_operator"].pk]}, format="json"), 403)


@pytest.mark.parametrize("rows", [1, 10])
def test_it_lists_the_diary_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    case = _case(world)
    for _ in range(rows):
        _record(world, case, operators=[world.users["social_expert"], world.users["labour_expert"]])
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(16):
        response = api.get(INTERVENTIONS, {"case": case.pk})

    assert len(response.json()["results"]) == rows
