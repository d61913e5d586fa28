"""The case pages: list (filters, names, htmx, query count), opening a case
from the journey page, detail with its next steps, the partner's shared
view, transitions, timeline, closure and reopening."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from pua.cases import case_services, notes_services, team_services
from pua.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    GoalEvaluation,
    ReferralStatus,
    TeamRole,
)
from pua.cases.tests.factories import (
    ConsentFactory,
    PersonFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
)
from pua.core.models import AuditAction, AuditEntry

LIST = reverse("cases:case_list")
S = CaseStatus


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def _url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


def _case(world, *, ap=None, by=None, status=None, **person):
    ap = ap or world.ap_a
    by = by or (world.users["director"] if ap == world.ap_a else world.other_director)
    person.setdefault("last_name", "Quaglieri")
    case = case_services.case_open(person=PersonFactory(access_point=ap, **person), by=by, case_manager=by)
    if status:
        Case.objects.filter(pk=case.pk).update(status=status)
        case.refresh_from_db()
    return case


def _share(world, case, *, consent=True):
    """Make ``case`` visible to world.partner_org: an active referral, and the consent."""
    ReferralFactory(person=case.person, case=case, organisation=world.partner_org, reason="Corso di italiano")
    if consent:
        ConsentFactory(person=case.person, organisation=world.partner_org)


def _reads(case):
    return AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case", object_id=str(case.pk))


# --- list ------------------------------------------------------------------------------------

def test_it_lists_the_cases_of_the_users_access_points_with_names(world, login):
    mine = _case(world)
    other = _case(world, ap=world.ap_b, last_name="Bianchi")
    response = login(world.users["social_expert"]).get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert mine.number in content and "Quaglieri" in content
    assert other.number not in content and "Bianchi" not in content


def test_it_hides_names_from_an_outreach_operator(world, login):
    case = _case(world)
    content = login(world.users["outreach_operator"]).get(LIST).content.decode()
    assert case.number in content and "Quaglieri" not in content


def test_it_searches_names_only_where_identities_are_visible(world, login):
    case = _case(world)
    outreach = login(world.users["outreach_operator"])
    assert case.number not in outreach.get(LIST, {"q": "quaglieri"}, follow=True).content.decode()
    assert case.number in outreach.get(LIST, {"q": case.number}, follow=True).content.decode()
    assert case.number in login(world.users["labour_expert"]).get(LIST, {"q": "quaglieri"}, follow=True).content.decode()


def test_it_filters_by_status_manager_and_opening_date(world, login):
    contact = _case(world)
    screening = _case(world, by=world.users["social_expert"], status=S.SCREENING)
    Case.objects.filter(pk=contact.pk).update(opened_at=timezone.now() - datetime.timedelta(days=40))
    client = login(world.users["social_expert"])
    rows = lambda params: [c.pk for c, _ in client.get(LIST, params).context["rows"]]  # noqa: E731
    assert rows({"status": "screening"}) == [screening.pk]
    assert rows({"mine": "on"}) == [screening.pk]
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert rows({"opened_from": since}) == [screening.pk]
    assert rows({"opened_to": since}) == [contact.pk]
    assert rows({}) == [screening.pk, contact.pk]


def test_it_explains_a_reversed_period_and_ignores_it(world, login):
    case = _case(world)
    response = login(world.users["director"]).get(LIST, {"opened_from": "2026-03-01", "opened_to": "2026-01-01"})
    assert response.status_code == 200
    assert "The end of the period comes before its start." in response.content.decode()
    assert [c for c, _ in response.context["rows"]] == [case]


def test_it_answers_htmx_with_the_results_only(world, login):
    case = _case(world)
    response = login(world.users["director"]).get(LIST, {"q": case.number}, HTTP_HX_REQUEST="true",
                                                 HTTP_HX_TARGET="case-results", follow=True)
    content = response.content.decode()
    assert case.number in content and 'id="case-results"' in content and "<html" not in content


def test_it_shows_a_helpful_empty_state(world, login):
    content = login(world.users["director"]).get(LIST).content.decode()
    assert "There are no cases yet" in content


def test_it_leaves_merged_records_out_of_the_list(world, login):
    case = _case(world)
    type(case.person).objects.filter(pk=case.person_id).update(merged_into=PersonFactory(access_point=world.ap_a))
    assert case.number not in login(world.users["director"]).get(LIST).content.decode()


def _many(world, count):
    for _ in range(count):
        case = _case(world)
        team_services.team_member_add(case=case, user=world.users["labour_expert"], role=TeamRole.LABOUR_EXPERT,
                                      by=world.users["director"])


def test_it_lists_cases_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    _many(world, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, {"q": "P-"}, follow=True).status_code == 200
    _many(world, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"q": "P-"}, follow=True)
    assert response.context["page"].paginator.count == 43
    assert len(response.context["rows"]) == 25


def test_it_lists_only_number_and_status_of_shared_cases_to_a_partner(world, login):
    shared = _case(world)
    _share(world, shared)
    not_shared = _case(world)
    _share(world, not_shared, consent=False)
    response = login(world.users["partner_operator"]).get(LIST)
    content = response.content.decode()
    assert response.status_code == 200 and response.templates[0].name == "cases/case_list_shared.html"
    assert shared.number in content and not_shared.number not in content
    assert "Quaglieri" not in content and world.users["director"].get_full_name() not in content


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "admin"])
def test_it_forbids_the_list_to_roles_without_cases(world, login, role):
    assert login(world.users[role]).get(LIST).status_code == 403


def test_it_sends_anonymous_users_to_the_login(client, world):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response.url


# --- opening -----------------------------------------------------------------------------------

def test_it_opens_a_case_from_the_journey_page(world, login):
    person = PersonFactory(access_point=world.ap_a)
    response = login(world.users["social_expert"]).post(reverse("cases:case_open", args=[person.pk]))
    case = Case.objects.get(person=person)
    assert response.status_code == 302 and response.url == _url("case_detail", case)
    assert case.case_manager == world.users["social_expert"] and case.status == S.CONTACT


def test_it_shows_why_a_case_cannot_be_opened(world, login):
    case = _case(world)
    client = login(world.users["social_expert"])
    response = client.post(reverse("cases:case_open", args=[case.person_id]), follow=True)
    assert "This person already has an open case." in response.content.decode()
    assert Case.objects.filter(person=case.person).count() == 1
    merged = PersonFactory(access_point=world.ap_a, merged_into=case.person)
    response = client.post(reverse("cases:case_open", args=[merged.pk]), follow=True)
    assert "merged into another one" in response.content.decode()
    assert not Case.objects.filter(person=merged).exists()


def test_it_refuses_to_open_a_case_without_the_role_or_elsewhere(world, login):
    person = PersonFactory(access_point=world.ap_a)
    url = reverse("cases:case_open", args=[person.pk])
    assert login(world.users["outreach_operator"]).post(url).status_code == 403
    assert login(world.other_director).post(url).status_code == 404
    assert login(world.users["social_expert"]).get(url).status_code == 405
    assert not Case.objects.exists()


# --- detail ------------------------------------------------------------------------------------

def test_it_shows_the_case_with_its_next_steps_and_audits_the_read(world, login):
    case = _case(world)
    response = login(world.users["director"]).get(_url("case_detail", case))
    content = response.content.decode()
    assert response.status_code == 200
    assert case.number in content and "Quaglieri" in content
    assert [s.value for s in response.context["next_steps"]] == [S.SCREENING]
    assert 'name="to" value="screening"' in content
    assert _url("case_close", case) in content and _url("case_timeline", case) in content
    assert reverse("cases:intake_decide", args=[case.pk]) in content  # "Take in charge"
    assert reverse("cases:plan_detail", args=[case.pk]) in content
    assert reverse("cases:person_journey", args=[case.person_id]) in content
    assert _reads(case).filter(actor=world.users["director"]).count() == 1


def test_it_shows_no_buttons_and_no_name_to_an_outreach_operator(world, login):
    case = _case(world)
    response = login(world.users["outreach_operator"]).get(_url("case_detail", case))
    content = response.content.decode()
    assert response.status_code == 200 and case.person.case_number in content
    assert "Quaglieri" not in content and response.context["next_steps"] == []
    assert _url("case_transition", case) not in content and _url("case_close", case) not in content


def test_it_offers_reopening_for_a_closed_case(world, login):
    case = _case(world)
    case_services.case_close(case=case, by=world.users["director"], reason=ClosureReason.EMPLOYED, outcome="Assunta")
    content = login(world.users["director"]).get(_url("case_detail", case)).content.decode()
    assert _url("case_reopen", case) in content and _url("case_close", case) not in content
    assert "Employed" in content and "Assunta" in content


def test_it_shows_the_latest_notes_and_team_on_the_detail(world, login):
    case = _case(world)
    notes_services.note_add(case=case, text="Ha portato i documenti", restricted=False, by=world.users["director"])
    notes_services.note_add(case=case, text="Segreto del team", restricted=True, by=world.users["director"])
    content = login(world.users["labour_expert"]).get(_url("case_detail", case)).content.decode()
    assert "Ha portato i documenti" in content and "Segreto del team" not in content
    assert world.users["director"].get_full_name() in content


def test_it_shows_a_partner_only_the_shared_view(world, login):
    case = _case(world, status=S.PLAN_ACTIVE)
    _share(world, case)
    plan = PlanFactory(case=case)
    ours = PlanActionFactory(goal=PlanGoalFactory(plan=plan, description="Obiettivo riservato"),
                             provider=world.partner_org)
    theirs = PlanActionFactory(goal=ours.goal, provider=world.org_a)
    ReferralFactory(person=case.person, case=case, organisation=world.org_a, reason="Altro ente")
    notes_services.note_add(case=case, text="Nota interna", restricted=False, by=world.users["director"])
    response = login(world.users["partner_operator"]).get(_url("case_detail", case))
    content = response.content.decode()
    assert response.status_code == 200 and response.templates[0].name == "cases/case_shared.html"
    assert case.number in content and world.partner_org.name in content
    assert response.context["actions"] == [ours] and theirs not in response.context["actions"]
    assert [r.organisation for r in response.context["referrals"]] == [world.partner_org]
    for hidden in ("Quaglieri", "Nota interna", "Obiettivo riservato", world.org_a.name, case.person.case_number + "<"):
        assert hidden not in content
    assert _reads(case).filter(actor=world.users["partner_operator"]).exists()


def test_it_hides_a_case_from_a_partner_once_consent_is_withdrawn(world, login):
    case = _case(world)
    _share(world, case)
    client = login(world.users["partner_operator"])
    assert client.get(_url("case_detail", case)).status_code == 200
    case.person.consents.update(withdrawn_at=timezone.now())
    assert client.get(_url("case_detail", case)).status_code == 404
    case.person.consents.update(withdrawn_at=None)
    case.person.referrals.update(status=ReferralStatus.COMPLETED)
    assert client.get(_url("case_detail", case)).status_code == 404


def test_it_hides_a_case_of_another_access_point(world, login):
    case = _case(world, ap=world.ap_b)
    assert login(world.users["director"]).get(_url("case_detail", case)).status_code == 404
    assert not _reads(case).exists()


def test_it_shows_the_detail_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    case = _case(world)
    client = login(world.users["director"])
    team_services.team_member_add(case=case, user=world.users["labour_expert"], role=TeamRole.LABOUR_EXPERT,
                                  by=world.users["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(_url("case_detail", case))
    for i in range(10):
        notes_services.note_add(case=case, text=f"Nota {i}", restricted=bool(i % 2), by=world.users["director"])
    team_services.team_member_add(case=case, user=world.users["social_expert"], role=TeamRole.SOCIAL_EXPERT,
                                  by=world.users["director"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("case_detail", case)).status_code == 200


# --- transitions -------------------------------------------------------------------------------

def test_it_moves_the_case_along(world, login):
    case = _case(world)
    response = login(world.users["labour_expert"]).post(_url("case_transition", case), {"to": "screening"},
                                                       follow=True)
    case.refresh_from_db()
    assert case.status == S.SCREENING
    assert "The case is now “Screening”." in response.content.decode()
    assert case.events.filter(kind=CaseEventKind.STATUS_CHANGED, actor=world.users["labour_expert"]).exists()


def test_it_explains_a_refused_transition_and_changes_nothing(world, login):
    case = _case(world)
    client = login(world.users["director"])
    response = client.post(_url("case_transition", case), {"to": "taken_in_charge"}, follow=True)
    assert "A case is taken in charge by recording an eligible intake decision." in response.content.decode()
    response = client.post(_url("case_transition", case), {"to": "follow_up"}, follow=True)
    assert "A case cannot go from “Contact” to “Follow-up”." in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.CONTACT and not case.events.filter(kind=CaseEventKind.STATUS_CHANGED).exists()


def test_it_accepts_transitions_only_by_post(world, login):
    case = _case(world)
    assert login(world.users["director"]).get(_url("case_transition", case)).status_code == 405


# --- timeline ----------------------------------------------------------------------------------

def _story(world):
    director = world.users["director"]
    case = _case(world)
    case_services.case_transition(case=case, to=S.SCREENING, by=director)
    team_services.team_member_add(case=case, user=world.users["labour_expert"], role=TeamRole.LABOUR_EXPERT,
                                  by=director)
    notes_services.note_add(case=case, text="Pubblica", restricted=False, by=director)
    notes_services.note_add(case=case, text="Riservata", restricted=True, by=director)
    case_services.case_close(case=case, by=director, reason=ClosureReason.MOVED_AWAY)
    case_services.case_reopen(case=case, by=director, reason="Tornato in città")
    return case


def test_it_tells_the_whole_story_in_order(world, login):
    case = _story(world)
    response = login(world.users["director"]).get(_url("case_timeline", case))
    content = response.content.decode()
    kinds = [e.event.kind for e in response.context["entries"]]
    assert kinds == ["opened", "status_changed", "team", "note", "note", "closed", "reopened"]
    assert "Moved away" in content and "Tornato in città" in content
    assert world.users["labour_expert"].get_full_name() in content  # who joined the team
    assert _url("case_notes", case) in content and _url("case_team", case) in content
    assert _reads(case).filter(actor=world.users["director"]).exists()


def test_it_hides_restricted_lines_outside_the_case_team(world, login):
    case = _story(world)
    response = login(world.users["social_expert"]).get(_url("case_timeline", case))
    summaries = [e.event.summary for e in response.context["entries"]]
    assert "Restricted note added" not in summaries and "Note added" in summaries
    assert len(summaries) == 6
    team = login(world.users["labour_expert"]).get(_url("case_timeline", case))
    assert "Restricted note added" in [e.event.summary for e in team.context["entries"]]


def test_it_filters_the_timeline_by_kind(world, login):
    case = _story(world)
    response = login(world.users["director"]).get(_url("case_timeline", case), {"kind": "note"})
    assert [e.event.kind for e in response.context["entries"]] == ["note", "note"]
    response = login(world.users["director"]).get(_url("case_timeline", case), {"kind": "referral"})
    assert response.context["entries"] == [] and "Nothing of this kind" in response.content.decode()


def test_it_shows_the_timeline_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    case = _story(world)
    client = login(world.users["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(_url("case_timeline", case))
    for _ in range(5):
        team_services.team_member_add(case=case, user=world.users["social_expert"], role=TeamRole.SOCIAL_EXPERT,
                                      by=world.users["director"])
        member = case.team.get(user=world.users["social_expert"], removed_at__isnull=True)
        team_services.team_member_remove(member=member, by=world.users["director"])
    assert CaseEvent.objects.filter(case=case).count() > 15
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("case_timeline", case)).status_code == 200


# --- closure and reopening -------------------------------------------------------------------

def test_it_closes_with_an_evaluation_of_every_goal(world, login):
    case = _case(world, status=S.PLAN_ACTIVE)
    plan = PlanFactory(case=case)
    work, home = PlanGoalFactory(plan=plan), PlanGoalFactory(plan=plan, area="housing", description="Una casa")
    client = login(world.users["social_expert"])
    form = client.get(_url("case_close", case))
    assert form.status_code == 200 and "Una casa" in form.content.decode()
    assert _reads(case).exists()
    response = client.post(_url("case_close", case), {
        "reason": "employed", "outcome": "Contratto in agricoltura",
        f"goal_{work.pk}": GoalEvaluation.ACHIEVED, f"goal_{home.pk}": GoalEvaluation.NOT_ACHIEVED})
    assert response.status_code == 302 and response.url == _url("case_detail", case)
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closure_reason == "employed"
    home.refresh_from_db()
    assert home.evaluation == "not_achieved"


def test_it_shows_closure_errors_and_saves_nothing(world, login):
    case = _case(world, status=S.PLAN_ACTIVE)
    goal = PlanGoalFactory(plan=PlanFactory(case=case))
    response = login(world.users["director"]).post(_url("case_close", case), {"reason": "", "outcome": "Boh"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "reason" in errors and errors[f"goal_{goal.pk}"] == ["Evaluate this goal."]
    assert 'aria-invalid="true"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.PLAN_ACTIVE and case.closure_outcome == ""


def test_it_sends_a_closed_case_back_from_the_closure_form(world, login):
    case = _case(world, status=S.CLOSED)
    response = login(world.users["director"]).get(_url("case_close", case))
    assert response.status_code == 302 and response.url == _url("case_detail", case)


def test_it_reopens_a_case_with_a_reason(world, login):
    case = _case(world, status=S.FOLLOW_UP)
    case_services.case_close(case=case, by=world.users["director"], reason=ClosureReason.DROPPED_OUT)
    client = login(world.users["labour_expert"])
    assert client.get(_url("case_reopen", case)).status_code == 200
    response = client.post(_url("case_reopen", case), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    case.refresh_from_db()
    assert case.status == S.CLOSED
    response = client.post(_url("case_reopen", case), {"reason": "Ha perso il lavoro"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.FOLLOW_UP


def test_it_shows_why_a_case_cannot_be_reopened(world, login):
    case = _case(world)
    case_services.case_close(case=case, by=world.users["director"], reason=ClosureReason.MOVED_AWAY)
    case_services.case_open(person=case.person, by=world.users["director"])
    response = login(world.users["director"]).post(_url("case_reopen", case), {"reason": "Rientro"})
    assert response.status_code == 200
    assert "This person already has another open case." in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_it_sends_an_open_case_back_from_the_reopen_form(world, login):
    case = _case(world)
    assert login(world.users["director"]).get(_url("case_reopen", case)).status_code == 302


# --- the person's journey page ------------------------------------------------------------------

def test_it_lists_the_persons_cases_on_the_journey_page_and_offers_opening(world, login):
    person = PersonFactory(access_point=world.ap_a)
    journey = reverse("cases:person_journey", args=[person.pk])
    client = login(world.users["social_expert"])
    content = client.get(journey).content.decode()
    assert reverse("cases:case_open", args=[person.pk]) in content
    case = case_services.case_open(person=person, by=world.users["director"])
    content = client.get(journey).content.decode()
    assert case.number in content and reverse("cases:case_open", args=[person.pk]) not in content


def test_it_offers_opening_a_case_only_to_case_roles(world, login):
    person = PersonFactory(access_point=world.ap_a)
    content = login(world.users["outreach_operator"]).get(
        reverse("cases:person_journey", args=[person.pk])).content.decode()
    assert reverse("cases:case_open", args=[person.pk]) not in content


def test_it_shows_only_visible_cases_for_a_person(world):
    from pua.cases.case_selectors import cases_for_person

    case = _case(world)
    assert list(cases_for_person(world.users["outreach_operator"], case.person)) == [case]
    assert list(cases_for_person(world.other_director, case.person)) == []
    assert cases_for_person(world.users["director"], case.person).can_open is False
