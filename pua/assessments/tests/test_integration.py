"""The assessments on the case and journey pages, and adding a screening's
proposed steps to the plan."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pua.assessments import services
from pua.assessments.integration import proposals
from pua.assessments.models import Instrument, Response
from pua.cases.models import CaseEvent, CaseStatus, GoalArea, Plan, PlanAction, PlanGoal, TeamRole
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Offering, Service

from .screening_data import (
    EXPLOITATION_ONLY,
    NOTHING_FOUND,
    PRESUMED_VICTIM,
    screening_version,
    submit,
    vulnerability_version,
)


@pytest.fixture(autouse=True)
def _english(request):
    with translation.override("en"):
        if "world" in request.fixturenames:
            request.getfixturevalue("world")
            get_user_model().objects.update(preferred_language="en")
        yield


@pytest.fixture
def screening(world):
    return screening_version()


def _case(world, status=CaseStatus.TAKEN_IN_CHARGE):
    return CaseFactory(person=PersonFactory(access_point=world.ap_a), status=status)


def _offer(organisation, code):
    return Offering.objects.create(organisation=organisation, service=Service.objects.get(code=code, programme=None),
                                   last_confirmed_at=timezone.now())


def _page(client, case):
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response


def _panel(response):
    return next(p["context"] for p in response.context["panels"] if "integration_case" in p["template"])


def _apply(client, response, code, **extra):
    return client.post(f"/assessments/responses/{response.pk}/proposals/apply/", {"service_code": code, **extra})


# --- the case page ----------------------------------------------------------------------------------------

def test_it_offers_the_screening_forms_at_the_screening_step(world, login, screening):
    vulnerability_version()
    case = _case(world, CaseStatus.SCREENING)

    html = _page(login(world.users["social_expert"]), case).content.decode()

    assert "Fill in: Exploitation screening" in html
    assert "Fill in: Vulnerability form" in html
    assert f'<input type="hidden" name="version" value="{screening.pk}">' in html
    assert f"/assessments/responses/new/?person={case.person_id}&amp;case={case.pk}" in html
    assert "No assessment for this case yet." in html


def test_it_starts_the_screening_of_the_case_from_the_case_page(world, login, screening):
    case = _case(world, CaseStatus.SCREENING)

    result = login(world.users["social_expert"]).post(
        "/assessments/responses/new/", {"version": screening.pk, "person": case.person_id, "case": case.pk})

    draft = Response.objects.get(person=case.person)
    assert result.status_code == 302 and result["Location"].startswith(f"/assessments/responses/{draft.pk}/page/1/")
    assert (draft.case, draft.instrument_version) == (case, screening)


def test_it_offers_only_a_general_link_after_the_screening_step(world, login, screening):
    case = _case(world, CaseStatus.TAKEN_IN_CHARGE)

    html = _page(login(world.users["social_expert"]), case).content.decode()

    assert "Fill in: Exploitation screening" not in html
    assert "Fill in an assessment" in html


def test_it_offers_nothing_to_those_who_may_not_fill_the_forms(world, login):
    screening_version()
    Instrument.objects.update(fill_roles=["director"])  # the shipped ones too
    case = _case(world, CaseStatus.SCREENING)

    response = _page(login(world.users["labour_expert"]), case)

    assert "Fill in: Exploitation screening" not in response.content.decode()
    assert not [p for p in response.context["panels"] if "integration_case" in p["template"]]


def test_it_lists_the_case_responses_with_their_outcome(world, login, screening):
    case = _case(world, CaseStatus.SCREENING)
    submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    draft = services.response_start(version=screening, person=case.person, by=world.users["director"], case=case)

    response = _page(login(world.users["director"]), case)
    html = response.content.decode()

    assert "Presumed victim of trafficking for labour exploitation" in html
    assert f"/assessments/responses/{draft.pk}/page/1/" in html
    assert len(_panel(response)["responses"]) == 2


def test_it_hides_outcomes_from_staff_who_do_not_read_the_instrument(world, login, screening):
    case = _case(world, CaseStatus.SCREENING)
    submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    own = services.response_start(version=screening, person=case.person, by=world.users["outreach_operator"],
                                  case=case)

    response = _page(login(world.users["outreach_operator"]), case)

    assert "Presumed victim" not in response.content.decode()
    assert [r.pk for r, _outcome in _panel(response)["responses"]] == [own.pk]


def test_it_shows_the_submission_on_the_case_timeline(world, login, screening):
    case = _case(world, CaseStatus.SCREENING)
    response = submit(screening, case.person, by=world.users["director"], answers=NOTHING_FOUND, case=case)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"], role=TeamRole.SOCIAL_EXPERT)

    html = login(world.users["social_expert"]).get(f"/cases/{case.pk}/timeline/").content.decode()

    event = CaseEvent.objects.get(case=case, data__response=response.pk)
    assert event.restricted
    assert "Exploitation screening submitted" in html


def test_it_proposes_the_rule_sets_next_steps_for_the_outcome(world, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    with translation.override("en"):
        found = proposals(response)

    codes = [p.service_code for p in found]
    assert codes == ["F2.3.a", "F2.4.g"]
    assert found[0].area == GoalArea.PROTECTION
    assert found[1].area == GoalArea.LEGAL
    # Two steps name legal assistance: one goal holds both.
    assert "Legal assistance" in found[1].description and "art. 18" in found[1].description


def test_it_adds_the_603bis_steps_and_follows_the_confirmed_outcome(world, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"],
                      answers={**NOTHING_FOUND, "IT_1": "yes"}, case=case)

    assert [p.service_code for p in proposals(response)] == ["F2.4.b", "F2.5.a", "F2.4.g"]

    services.outcome_review(response=response, confirmed_outcome="exploitation_without_trafficking_indicators",
                            reason="The person described withheld wages in the interview", by=world.users["director"])
    response.refresh_from_db()

    assert [p.service_code for p in proposals(response)] == ["F2.4.a", "F2.4.g", "F2.5.a"]


def test_it_proposes_nothing_for_an_unscored_response(world):
    version = vulnerability_version()
    case = _case(world)

    response = submit(version, case.person, by=world.users["director"], answers={"housing_severity": "2"}, case=case)

    assert proposals(response) == []


def test_it_shows_the_proposals_with_the_providers_of_the_network(world, login, screening):
    case = _case(world)
    _offer(world.org_a, "F2.3.a")
    _offer(world.org_b, "F2.3.a")  # B's network: not offered for A's case
    submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    response = _page(login(world.users["social_expert"]), case)
    rows = {row["proposal"].service_code: row for row in _panel(response)["proposals"]}

    assert [o.organisation for o in rows["F2.3.a"]["offerings"]] == [world.org_a]
    assert rows["F2.4.g"]["offerings"] == []
    html = response.content.decode()
    assert "Steps the screening proposes" in html
    assert "Add to the plan" in html
    assert "No organisation of the network offers this service" in html
    assert "anti-trafficking toll-free number 800 290 290" in html


def test_it_adds_a_proposal_to_the_plan_drafting_the_plan(world, login, screening):
    case = _case(world)
    offering = _offer(world.org_a, "F2.3.a")
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    result = _apply(login(world.users["social_expert"]), response, "F2.3.a")

    assert result.status_code == 302 and result["Location"] == f"/cases/{case.pk}/"
    plan = Plan.objects.get(case=case)
    goal = PlanGoal.objects.get(plan=plan)
    assert goal.area == GoalArea.PROTECTION
    assert "protection measures" in goal.description
    action = PlanAction.objects.get(plan=plan)
    assert (action.service.code, action.provider, action.offering) == ("F2.3.a", world.org_a, offering)
    assert plan.version == 3  # drafted, goal added, action added
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.planaction",
                                     object_id=str(action.pk)).exists()
    page = _page(login(world.users["social_expert"]), case)
    assert "Added to the plan: F2.3.a with Cooperativa Alfa." in page.content.decode()
    assert next(r for r in _panel(page)["proposals"] if r["proposal"].service_code == "F2.3.a")["in_plan"]


def test_it_lets_the_operator_choose_the_provider(world, login, screening):
    case = _case(world)
    _offer(world.org_a, "F2.3.a")
    chosen = _offer(world.partner_org, "F2.3.a")
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    _apply(login(world.users["director"]), response, "F2.3.a", offering=chosen.pk)

    assert PlanAction.objects.get(plan__case=case).provider == world.partner_org


def test_it_refuses_a_step_no_organisation_of_the_network_offers(world, login, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    result = _apply(login(world.users["director"]), response, "F2.4.g")

    assert result.status_code == 302
    html = login(world.users["director"]).get(f"/cases/{case.pk}/").content.decode()
    assert "No organisation of the access point&#x27;s network offers F2.4.g" in html
    assert not Plan.objects.filter(case=case).exists()


def test_it_refuses_a_step_the_result_does_not_propose_and_a_duplicate(world, login, screening):
    case = _case(world)
    _offer(world.org_a, "F2.3.a")
    _offer(world.org_a, "F2.5.a")
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    client = login(world.users["director"])

    _apply(client, response, "F2.5.a")
    _apply(client, response, "F2.3.a")
    _apply(client, response, "F2.3.a")

    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "This step is not among those the result proposes." in html
    assert "The plan already has an action for F2.3.a." in html
    assert PlanAction.objects.filter(plan__case=case).count() == 1


def test_it_asks_to_take_the_person_in_charge_before_adding_to_the_plan(world, login, screening):
    case = _case(world, CaseStatus.SCREENING)
    _offer(world.org_a, "F2.3.a")
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    client = login(world.users["director"])

    html = client.get(f"/cases/{case.pk}/").content.decode()
    _apply(client, response, "F2.3.a")

    assert "Once the person is taken in charge, these steps can be added to the plan from here." in html
    assert "A plan is drafted for a case taken in charge" in client.get(f"/cases/{case.pk}/").content.decode()
    assert not Plan.objects.filter(case=case).exists()


def test_it_refuses_a_superseded_response(world, login, screening):
    case = _case(world)
    _offer(world.org_a, "F2.3.a")
    director = world.users["director"]
    original = submit(screening, case.person, by=director, answers=PRESUMED_VICTIM, case=case)
    amendment = services.response_amend(response=original, by=director, reason="Corrected D5")
    amendment.answers = PRESUMED_VICTIM
    amendment.save()
    services.response_submit(response=amendment, by=director)

    _apply(login(director), original, "F2.3.a")

    assert not Plan.objects.filter(case=case).exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client, world, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    result = _apply(client, response, "F2.3.a")

    assert result.status_code == 302 and result["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["other_director", "board_viewer", "partner_operator", "outreach_operator"])
def test_it_hides_the_response_from_who_may_not_read_it(world, login, screening, who):
    case = _case(world)
    _offer(world.org_a, "F2.3.a")
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    user = world.other_director if who == "other_director" else world.users[who]

    assert _apply(login(user), response, "F2.3.a").status_code == 404
    assert not Plan.objects.filter(case=case).exists()


def test_it_needs_the_response_to_be_posted(world, login, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    assert login(world.users["director"]).get(
        f"/assessments/responses/{response.pk}/proposals/apply/").status_code == 405


def test_it_shows_the_case_page_in_a_fixed_number_of_queries(world, login, screening, django_assert_max_num_queries):
    case = _case(world)
    director = world.users["director"]
    _offer(world.org_a, "F2.3.a")
    submit(screening, case.person, by=director, answers=PRESUMED_VICTIM, case=case)
    client = login(director)
    with CaptureQueriesContext(connection) as few:
        _page(client, case)
    for answers in (NOTHING_FOUND, EXPLOITATION_ONLY, PRESUMED_VICTIM):
        submit(screening, case.person, by=director, answers=answers, case=case)
        services.response_start(version=screening, person=case.person, by=director, case=case)
    _offer(world.partner_org, "F2.3.a")

    with django_assert_max_num_queries(len(few.captured_queries)):
        _page(client, case)


# --- the journey page ---------------------------------------------------------------------------------------

def _journey(client, person):
    response = client.get(f"/cases/person/{person.pk}/")
    assert response.status_code == 200, response.status_code
    return response


def test_it_shows_the_latest_result_with_the_detail_link_to_the_director(world, login, screening):
    person = PersonFactory(access_point=world.ap_a)
    director = world.users["director"]
    submit(screening, person, by=director, answers=NOTHING_FOUND)
    latest = submit(screening, person, by=director, answers=EXPLOITATION_ONLY)

    html = _journey(login(director), person).content.decode()

    assert "Latest result: Labour exploitation without trafficking indicators" in html
    assert "No exploitation indicators" not in html
    assert f"/assessments/responses/{latest.pk}/result/" in html


def test_it_shows_the_outcome_but_not_the_detail_outside_the_case_team(world, login, screening):
    case = _case(world)
    response = submit(screening, case.person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)

    outside = _journey(login(world.users["social_expert"]), case.person).content.decode()
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"], role=TeamRole.SOCIAL_EXPERT)
    inside = _journey(login(world.users["social_expert"]), case.person).content.decode()

    assert "Latest result: Presumed victim of trafficking" in outside
    assert f"/assessments/responses/{response.pk}/result/" not in outside
    assert f"/assessments/responses/{response.pk}/result/" in inside


def test_it_shows_no_result_to_staff_who_do_not_read_the_instrument(world, login, screening):
    person = PersonFactory(access_point=world.ap_a)
    submit(screening, person, by=world.users["director"], answers=PRESUMED_VICTIM)

    html = _journey(login(world.users["outreach_operator"]), person).content.decode()

    assert "Presumed victim" not in html
    assert "Fill in an assessment" in html
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     object_id=str(person.pk), actor=world.users["outreach_operator"]).exists()



def test_it_shows_the_outcome_in_force_on_the_journey_and_case_pages_marked_until_reviewed(world, login, screening):
    case = _case(world)
    director = world.users["director"]
    response = submit(screening, case.person, by=director, answers=NOTHING_FOUND, case=case)
    client = login(director)

    journey = _journey(client, case.person).content.decode()
    case_page = _page(client, case).content.decode()

    assert "Latest result: No exploitation indicators" in journey
    assert "not yet reviewed" in journey and "not yet reviewed" in case_page

    services.outcome_review(response=response, confirmed_outcome="presumed_trafficking_victim",
                            reason="Documents kept by the employer.", by=director)
    journey = _journey(client, case.person).content.decode()
    case_page = _page(client, case).content.decode()

    assert "Latest result: Presumed victim of trafficking for labour exploitation" in journey
    for html in (journey, case_page):
        assert "changed by the operator" in html and "not yet reviewed" not in html
        assert "No exploitation indicators" not in html
