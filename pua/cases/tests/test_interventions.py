"""The interventions diary: recording interviews and other interventions
with the operators present, the joint rule, restricted notes, the list with
its filters, and who may see and write it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases import interventions_services
from pua.cases.models import CaseEvent, CaseEventKind, CaseStatus, Intervention
from pua.cases.tests.factories import CaseTeamMemberFactory, ConsentFactory, InterventionFactory
from pua.cases.tests.test_plan import add_action, case_at_a, plan_with_goal, service
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings, request):
    """These tests read messages in English, in pages too (users prefer Italian by default)."""
    settings.LANGUAGE_CODE = "en"
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        get_user_model().objects.update(preferred_language="en")


def list_url(case):
    return reverse("cases:intervention_list", args=[case.pk])


def add_url(case):
    return reverse("cases:intervention_add", args=[case.pk])


def edit_url(intervention):
    return reverse("cases:intervention_edit", args=[intervention.case_id, intervention.pk])


def form(operators, **overrides):
    data = {"occurred_on": timezone.localdate().isoformat(), "kind": "support_interview", "duration_minutes": "45",
            "operators": [u.pk for u in operators], "plan_action": "", "service": "", "notes": ""}
    data.update(overrides)
    return data


def record(world, case, **kwargs):
    kwargs.setdefault("occurred_on", timezone.localdate())
    kwargs.setdefault("kind", "support_interview")
    kwargs.setdefault("operators", [world.users["social_expert"]])
    return interventions_services.intervention_record(case=case, by=kwargs.pop("by", world.users["social_expert"]),
                                                      **kwargs)


# --- recording ---------------------------------------------------------------------------------------

def test_it_records_a_joint_interview(world, login):
    case = case_at_a(world)
    social, labour = world.users["social_expert"], world.users["labour_expert"]
    response = login(social).post(add_url(case), form([social, labour], joint="on",
                                                      notes="Parla di turni di 12 ore nei campi"))
    assert response.status_code == 302 and response.url == list_url(case)
    intervention = Intervention.objects.get()
    assert intervention.joint and intervention.case == case and intervention.created_by == social
    assert set(intervention.operators.all()) == {social, labour}
    assert intervention.duration_minutes == 45
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.INTERVENTION)
    assert event.summary == "Support interview (joint)" and event.restricted is False
    assert event.data["joint"] is True and "turni" not in str(event.data)
    audit = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.intervention")
    assert audit.changes["notes"] == [None, "[set]"] and "turni" not in str(audit.changes)


def test_it_refuses_a_joint_intervention_without_both_experts(world, login):
    case = case_at_a(world)
    social = world.users["social_expert"]
    response = login(social).post(add_url(case), form([social, world.users["director"]], joint="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["joint"] == [
        "A joint intervention needs a social services expert and a labour policy expert present together: choose both "
        "among the operators present, or untick “joint”."]
    assert not Intervention.objects.exists()


def test_it_needs_two_different_people_for_a_joint_intervention(world):
    case = case_at_a(world)
    both = UserFactory(username="both_roles")
    MembershipFactory(user=both, organisation=world.home_org_a, role=Role.SOCIAL_EXPERT, access_points=[world.ap_a])
    MembershipFactory(user=both, organisation=world.home_org_a, role=Role.LABOUR_EXPERT, access_points=[world.ap_a])
    with pytest.raises(ValidationError) as refused:
        record(world, case, operators=[both], joint=True)
    assert "joint" in refused.value.message_dict
    assert record(world, case, operators=[both, world.users["labour_expert"]], joint=True).joint


def test_it_refuses_operators_of_another_access_point_and_a_date_in_the_future(world, login):
    case = case_at_a(world)
    with pytest.raises(ValidationError) as refused:
        record(world, case, operators=[world.other_worker], occurred_on=timezone.localdate() + datetime.timedelta(days=1))
    assert set(refused.value.message_dict) == {"operators", "occurred_on"}
    response = login(world.users["social_expert"]).post(add_url(case), form([world.other_worker]))
    assert response.status_code == 200 and response.context["form"].errors["operators"]
    assert not Intervention.objects.exists()


def test_it_refuses_an_intervention_before_the_case_was_opened(world):
    case = case_at_a(world)
    with pytest.raises(ValidationError, match="before the case was opened"):
        record(world, case, occurred_on=timezone.localdate() - datetime.timedelta(days=3))


def test_it_links_a_plan_action_and_takes_its_service(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal, service=service("F2.4.g"))
    social = world.users["social_expert"]
    page = login(social).get(add_url(plan.case), {"plan_action": action.pk})
    assert page.context["form"].initial["plan_action"] == action.pk
    response = login(social).post(add_url(plan.case), form([social], plan_action=action.pk, kind="legal_advice"))
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.plan_action == action and intervention.service == service("F2.4.g")


def test_it_refuses_an_action_of_another_case(world):
    case = case_at_a(world)
    plan, goal = plan_with_goal(world)
    with pytest.raises(ValidationError) as refused:
        record(world, case, plan_action=add_action(world, plan, goal))
    assert refused.value.message_dict["plan_action"] == ["Choose an action of this case's plan."]


def test_it_refuses_an_intervention_on_a_closed_case(world, login):
    case = case_at_a(world, status=CaseStatus.CLOSED)
    social = world.users["social_expert"]
    response = login(social).post(add_url(case), form([social]))
    assert response.status_code == 200
    assert "The case is closed" in response.content.decode()
    assert not Intervention.objects.exists()
    assert login(social).get(list_url(case)).context["can_add"] is False


def test_it_preselects_the_user_among_the_operators(world, login):
    case = case_at_a(world)
    response = login(world.users["labour_expert"]).get(add_url(case))
    assert response.status_code == 200
    assert response.context["form"].initial["operators"] == [world.users["labour_expert"].pk]
    assert "Labour policy expert" in response.content.decode()


# --- restricted notes ---------------------------------------------------------------------------------

def test_it_keeps_restricted_notes_for_the_case_team_and_the_director(world, login):
    case = case_at_a(world)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    record(world, case, notes="Riferisce minacce dal datore", notes_restricted=True)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.INTERVENTION)
    assert event.restricted is True
    for role in ["social_expert", "director"]:
        assert "Riferisce minacce" in login(world.users[role]).get(list_url(case)).content.decode(), role
    for role in ["labour_expert", "outreach_operator"]:
        content = login(world.users[role]).get(list_url(case)).content.decode()
        assert "Riferisce minacce" not in content and "restricted to the case team" in content, role


def test_it_lets_only_who_reads_restricted_notes_correct_them(world, login):
    case = case_at_a(world)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    intervention = record(world, case, notes="Riservato", notes_restricted=True)
    outsider = login(world.users["labour_expert"])
    assert outsider.get(edit_url(intervention)).status_code == 403
    assert outsider.post(edit_url(intervention), form([world.users["labour_expert"]], notes="")).status_code == 403
    assert edit_url(intervention) not in outsider.get(list_url(case)).content.decode()
    intervention.refresh_from_db()
    assert intervention.notes == "Riservato"
    member = login(world.users["social_expert"])
    response = member.post(edit_url(intervention), form([world.users["social_expert"]], notes="Riservato, aggiornato",
                                                        notes_restricted="on", kind="phone_call"))
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.kind == "phone_call" and intervention.notes == "Riservato, aggiornato"


# --- correcting ---------------------------------------------------------------------------------------

def test_it_corrects_an_intervention(world, login):
    case = case_at_a(world)
    intervention = record(world, case, notes="Primo colloquio")
    labour = world.users["labour_expert"]
    page = login(labour).get(edit_url(intervention))
    assert page.context["form"].initial["operators"] == [world.users["social_expert"].pk]
    response = login(labour).post(edit_url(intervention), form([world.users["social_expert"], labour], joint="on",
                                                                notes="Primo colloquio, congiunto"))
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.joint and intervention.operators.count() == 2
    event = CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERVENTION).last()
    assert event.summary == "Intervention corrected: Support interview (joint)"
    audit = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="cases.intervention")
    assert audit.changes["joint"] == [False, True] and audit.changes["notes"] == ["[redacted]", "[redacted]"]


def test_it_shows_correction_errors_and_saves_nothing(world, login):
    case = case_at_a(world)
    intervention = record(world, case)
    response = login(world.users["director"]).post(edit_url(intervention), form([world.users["social_expert"]],
                                                                                duration_minutes="0", kind=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"duration_minutes", "kind"}
    intervention.refresh_from_db()
    assert intervention.kind == "support_interview"


def test_it_answers_404_for_an_intervention_of_another_case(world, login):
    case, other = case_at_a(world), case_at_a(world)
    intervention = record(world, other)
    url = reverse("cases:intervention_edit", args=[case.pk, intervention.pk])
    assert login(world.users["director"]).get(url).status_code == 404


# --- the list ------------------------------------------------------------------------------------------

def test_it_lists_filters_and_audits(world, login):
    case = case_at_a(world)
    social, labour = world.users["social_expert"], world.users["labour_expert"]
    joint = record(world, case, operators=[social, labour], joint=True, duration_minutes=60)
    call = record(world, case, kind="phone_call", duration_minutes=15)
    record(world, case_at_a(world))  # another case
    client = login(world.users["outreach_operator"])
    response = client.get(list_url(case))
    assert [i.pk for i in response.context["page"].object_list] == [call.pk, joint.pk]
    assert response.context["totals"] == {"count": 2, "joint": 1, "minutes": 75, "hours": 1, "rest": 15}
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case", object_id=str(case.pk),
                                     actor=world.users["outreach_operator"]).exists()
    assert [i.pk for i in client.get(list_url(case), {"kind": "phone_call"}).context["page"].object_list] == [call.pk]
    assert [i.pk for i in client.get(list_url(case), {"joint": "yes"}).context["page"].object_list] == [joint.pk]
    assert [i.pk for i in client.get(list_url(case), {"joint": "no"}).context["page"].object_list] == [call.pk]
    partial = client.get(list_url(case), {"joint": "yes"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="intervention-results")
    assert partial.content.decode().lstrip().startswith('<div id="intervention-results"')


def test_it_shows_an_empty_diary(world, login):
    case = case_at_a(world)
    content = login(world.users["director"]).get(list_url(case)).content.decode()
    assert "No intervention recorded yet" in content and add_url(case) in content


def _many(world, case, count):
    social, labour = world.users["social_expert"], world.users["labour_expert"]
    for i in range(count):
        intervention = InterventionFactory(case=case, joint=i % 2 == 0, notes=f"Nota {i}", notes_restricted=i % 3 == 0,
                                           service=service(), created_by=social)
        intervention.operators.set([social, labour])


def test_it_lists_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    case = case_at_a(world)
    client = login(world.users["social_expert"])
    _many(world, case, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url(case)).status_code == 200
    _many(world, case, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(case))
    assert response.context["page"].paginator.count == 63 and len(response.context["page"].object_list) == 25
    assert client.get(list_url(case), {"page": 3}).context["page"].number == 3


# --- who may see and write the diary ---------------------------------------------------------------------

def test_it_sends_anonymous_users_to_the_login(client, world):
    case = case_at_a(world)
    intervention = record(world, case)
    for url in [list_url(case), add_url(case), edit_url(intervention)]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url


@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert"])
def test_it_lets_case_staff_write_the_diary(world, login, role):
    case = case_at_a(world)
    intervention = record(world, case)
    client = login(world.users[role])
    for url in [list_url(case), add_url(case), edit_url(intervention)]:
        assert client.get(url).status_code == 200, url
    assert client.post(add_url(case), form([world.users[role]])).status_code == 302
    assert Intervention.objects.count() == 2


def test_it_lets_an_outreach_operator_only_read(world, login):
    case = case_at_a(world)
    intervention = record(world, case)
    client = login(world.users["outreach_operator"])
    assert client.get(list_url(case)).status_code == 200
    assert client.get(add_url(case)).status_code == 403
    assert client.post(add_url(case), form([world.users["outreach_operator"]])).status_code == 403
    assert client.get(edit_url(intervention)).status_code == 403
    assert add_url(case) not in client.get(list_url(case)).content.decode()
    assert Intervention.objects.count() == 1


def test_it_never_shows_interventions_to_partners(world, login):
    plan, goal = plan_with_goal(world)
    add_action(world, plan, goal, provider=world.partner_org)
    ConsentFactory(person=plan.case.person, organisation=world.partner_org)
    intervention = record(world, plan.case)
    client = login(world.users["partner_operator"])
    assert client.get(reverse("cases:plan_detail", args=[plan.case.pk])).status_code == 200  # shared with them
    for url in [list_url(plan.case), add_url(plan.case), edit_url(intervention)]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["board_viewer", "regional_coordinator", "admin", "other_director", "other_worker"])
def test_it_hides_the_diary_from_everyone_else(world, login, who):
    case = case_at_a(world)
    intervention = record(world, case)
    user = world.users[who] if who in world.users else getattr(world, who)
    client = login(user)
    for url in [list_url(case), add_url(case), edit_url(intervention)]:
        assert client.get(url).status_code == 404, url
    assert client.post(add_url(case), form([user])).status_code == 404
    assert Intervention.objects.count() == 1
