"""My work: the operators' home page, and the partners' version of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pua.cases.models import ActionStatus, CaseStatus, ReferralDirection, ReferralStatus
from pua.cases.tests.factories import (
    CaseFactory,
    CaseTeamMemberFactory,
    ConsentFactory,
    PersonFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.network.tests.agreement_factories import AgreementFactory
from pua.network.tests.factories import OrganisationFactory
from pua.people.models import ResidencePermit


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_it_makes_my_work_the_home_page_of_staff(world, login):
    for role in ("director", "social_expert", "labour_expert", "outreach_operator"):
        response = login(world.users[role]).get(reverse("home"))
        assert response.status_code == 200
        assert "cases/work_home.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "partner_operator"])
def test_it_keeps_the_network_home_for_everyone_else(world, login, role):
    response = login(world.users[role]).get(reverse("home"))
    names = [t.name for t in response.templates]
    assert "network/home.html" in names
    assert "cases/work_home.html" not in names


def test_it_asks_anonymous_visitors_to_sign_in(client):
    for url in (reverse("home"), reverse("cases:my_work")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_my_work_to_roles_without_cases(world, login):
    assert login(world.users["board_viewer"]).get(reverse("cases:my_work")).status_code == 403
    assert login(world.users["regional_coordinator"]).get(reverse("cases:my_work")).status_code == 403


def test_it_counts_my_cases_by_status_and_lists_the_latest_open_ones(world, login):
    me = world.users["social_expert"]
    managed = CaseFactory(person=PersonFactory(access_point=world.ap_a), case_manager=me,
                          status=CaseStatus.PLAN_ACTIVE)
    in_team = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.SCREENING)
    CaseTeamMemberFactory(case=in_team, user=me)
    left_team = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    CaseTeamMemberFactory(case=left_team, user=me, removed_at=timezone.now())
    CaseFactory(person=PersonFactory(access_point=world.ap_a), case_manager=me, status=CaseStatus.CLOSED)
    CaseFactory(person=PersonFactory(access_point=world.ap_a), case_manager=world.users["labour_expert"])

    response = login(me).get(reverse("cases:my_work"))

    counts = {status: count for status, _label, count in response.context["case_counts"]}
    assert counts == {"contact": 0, "screening": 1, "taken_in_charge": 0, "plan_active": 1, "follow_up": 0,
                      "closed": 1}
    assert {c.pk for c in response.context["open_cases"]} == {managed.pk, in_team.pk}
    body = response.content.decode()
    assert managed.number in body and in_team.number in body
    assert managed.person.last_name in body  # experts see names


def test_it_shows_case_numbers_only_to_operators_who_may_not_see_identities(world, login):
    me = world.users["outreach_operator"]
    person = PersonFactory(access_point=world.ap_a, first_name="Nome", last_name="Riservatissimo")
    CaseTeamMemberFactory(case=CaseFactory(person=person), user=me)

    body = login(me).get(reverse("home")).content.decode()

    assert person.case_number in body
    assert "Riservatissimo" not in body


def test_it_shows_plan_reviews_due_and_overdue_actions_of_my_cases(world, login):
    me = world.users["social_expert"]
    mine = CaseFactory(person=PersonFactory(access_point=world.ap_a), case_manager=me, status=CaseStatus.PLAN_ACTIVE)
    plan = PlanFactory(case=mine, next_review_due=days(-3))
    late = PlanActionFactory(goal=PlanGoalFactory(plan=plan), planned_end=days(-1), status=ActionStatus.IN_PROGRESS)
    PlanActionFactory(goal=PlanGoalFactory(plan=plan), planned_end=days(-1), status=ActionStatus.DONE)
    PlanActionFactory(goal=PlanGoalFactory(plan=plan), planned_end=days(5))
    others = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.PLAN_ACTIVE)
    PlanFactory(case=others, next_review_due=days(-3))

    response = login(me).get(reverse("cases:my_work"))

    assert [p.pk for p in response.context["reviews_due"]] == [plan.pk]
    assert [a.pk for a in response.context["actions_overdue"]] == [late.pk]
    body = response.content.decode()
    assert mine.number in body and others.number not in body
    assert reverse("cases:plan_detail", args=[mine.pk]) in body
    assert late.service.label_it in body or late.service.label_en in body


def test_it_alerts_about_residence_permits_expiring_within_60_days(world, login):
    soon = PersonFactory(access_point=world.ap_a)
    ResidencePermit.objects.create(person=soon, kind="work", expires_on=days(20))
    later = PersonFactory(access_point=world.ap_a)
    ResidencePermit.objects.create(person=later, kind="work", expires_on=days(90))
    elsewhere = PersonFactory(access_point=world.ap_b)
    ResidencePermit.objects.create(person=elsewhere, kind="work", expires_on=days(10))

    response = login(world.users["director"]).get(reverse("home"))

    assert [p.person_id for p in response.context["permits_expiring"]] == [soon.pk]
    body = response.content.decode()
    assert soon.case_number in body and later.case_number not in body and elsewhere.case_number not in body


def test_it_lists_inbound_referrals_waiting_for_an_answer_at_my_access_point(world, login):
    waiting = ReferralFactory(person=PersonFactory(access_point=world.ap_a), direction=ReferralDirection.INBOUND,
                              organisation=world.org_a)
    ReferralFactory(person=PersonFactory(access_point=world.ap_a), direction=ReferralDirection.INBOUND,
                    organisation=world.org_a, status=ReferralStatus.ACCEPTED)
    ReferralFactory(person=PersonFactory(access_point=world.ap_a), direction=ReferralDirection.OUTBOUND,
                    organisation=world.partner_org)
    ReferralFactory(person=PersonFactory(access_point=world.ap_b), direction=ReferralDirection.INBOUND,
                    organisation=world.org_b)

    response = login(world.users["labour_expert"]).get(reverse("home"))

    assert [r.pk for r in response.context["referrals_waiting"]] == [waiting.pk]
    assert reverse("cases:referral_detail", args=[waiting.pk]) in response.content.decode()


def test_it_lists_my_open_tasks_by_due_date_with_the_overdue_ones_highlighted(world, login):
    me = world.users["social_expert"]
    later = TaskFactory(access_point=world.ap_a, assignee=me, title="Telefonare al CPI",
                        due_at=timezone.now() + datetime.timedelta(days=3))
    overdue = TaskFactory(access_point=world.ap_a, assignee=me, title="Relazione in ritardo",
                          due_at=timezone.now() - datetime.timedelta(days=1))
    TaskFactory(access_point=world.ap_a, assignee=me, title="Già fatto", done_at=timezone.now())
    TaskFactory(access_point=world.ap_a, assignee=world.users["director"], title="Del direttore")

    response = login(me).get(reverse("home"))

    assert [t.pk for t in response.context["tasks"]] == [overdue.pk, later.pk]
    body = response.content.decode()
    assert "Già fatto" not in body and "Del direttore" not in body
    assert body.index("Relazione in ritardo") < body.index("Telefonare al CPI")
    assert body.count("pua-overdue") == 1


def test_it_keeps_the_network_alerts_on_my_work(world, login):
    AgreementFactory(access_point=world.ap_a, subject="Protocollo in scadenza", valid_until=days(20),
                     parties=[world.org_a])

    director_body = login(world.users["director"]).get(reverse("home")).content.decode()
    expert_body = login(world.users["social_expert"]).get(reverse("home")).content.decode()

    assert 'id="agreements-expiring-box"' in director_body and "Protocollo in scadenza" in director_body
    assert "Protocollo in scadenza" not in expert_body


def test_it_gives_partners_a_my_work_page_with_their_referrals_and_actions(world, login):
    partner = world.users["partner_operator"]
    person = PersonFactory(access_point=world.ap_a, last_name="Nascosto")
    ConsentFactory(person=person, organisation=world.partner_org)
    to_us = ReferralFactory(person=person, organisation=world.partner_org)
    accepted = ReferralFactory(person=PersonFactory(access_point=world.ap_a), organisation=world.partner_org,
                               status=ReferralStatus.ACCEPTED, answered_at=timezone.now())
    ReferralFactory(person=PersonFactory(access_point=world.ap_a), organisation=OrganisationFactory(
        access_points=[world.ap_a]))
    case = CaseFactory(person=person, status=CaseStatus.PLAN_ACTIVE)
    ours = PlanActionFactory(goal=PlanGoalFactory(plan=PlanFactory(case=case)), provider=world.partner_org)
    PlanActionFactory(goal=PlanGoalFactory(plan=PlanFactory(case=CaseFactory(
        person=PersonFactory(access_point=world.ap_a)))), provider=world.org_a)

    response = login(partner).get(reverse("cases:my_work"))

    assert response.status_code == 200
    assert [r.pk for r in response.context["referrals_waiting"]] == [to_us.pk]
    assert [r.pk for r in response.context["referrals_in_progress"]] == [accepted.pk]
    assert [a.pk for a in response.context["actions"]] == [ours.pk]
    body = response.content.decode()
    assert person.case_number in body and "Nascosto" not in body
    assert 'id="my-cases-box"' not in body


@pytest.mark.parametrize("count", [3, 60])
def test_it_builds_my_work_in_a_bounded_number_of_queries(world, login, django_assert_max_num_queries, count):
    me = world.users["social_expert"]
    for i in range(count):
        person = PersonFactory(access_point=world.ap_a)
        ResidencePermit.objects.create(person=person, kind="work", expires_on=days(5 + i % 40))
        case = CaseFactory(person=person, case_manager=me, status=CaseStatus.PLAN_ACTIVE)
        plan = PlanFactory(case=case, next_review_due=days(-1))
        PlanActionFactory(goal=PlanGoalFactory(plan=plan), planned_end=days(-2), responsible=me)
        ReferralFactory(person=person, direction=ReferralDirection.INBOUND, organisation=world.org_a)
        TaskFactory(access_point=world.ap_a, assignee=me, case=case)
    client = login(me)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["tasks"]) == min(count, 15)
