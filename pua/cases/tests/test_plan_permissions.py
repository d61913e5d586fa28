"""Who may see and change the plan, its actions, reviews and versions.

Staff of access point A see the plan; the director and the two experts
change it; outreach operators only read. A partner operator of the provider
organisation, with the person's sharing consent, sees and updates only their
organisation's actions. Everyone else gets a 404 (or the login page)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pua.cases import plan_services
from pua.cases.models import ActionStatus, PlanAction, PlanGoal
from pua.cases.tests.factories import ConsentFactory
from pua.cases.tests.test_plan import add_action, plan_with_goal, service
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

CHANGE_PAGES = ["plan_goal_add", "plan_action_add", "plan_agree", "plan_cadence", "plan_review_add"]
READ_PAGES = ["plan_detail", "plan_versions"]


@pytest.fixture(autouse=True)
def _english(settings, request):
    """These tests read messages in English, in pages too (users prefer Italian by default)."""
    settings.LANGUAGE_CODE = "en"
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        get_user_model().objects.update(preferred_language="en")


@pytest.fixture
def shared(world):
    """A plan with an action of the partner organisation and one of org A;
    the person consents to sharing with the partner organisation."""
    plan, goal = plan_with_goal(world)
    partner_action = add_action(world, plan, goal, provider=world.partner_org)
    other_action = add_action(world, plan, goal, provider=world.org_a, service=service("F2.5.a"))
    consent = ConsentFactory(person=plan.case.person, organisation=world.partner_org)
    return plan, goal, partner_action, other_action, consent


def _urls(plan, goal, action):
    case = plan.case.pk
    return {
        "plan_detail": reverse("cases:plan_detail", args=[case]),
        "plan_versions": reverse("cases:plan_versions", args=[case]),
        "plan_version": reverse("cases:plan_version", args=[case, 1]),
        "plan_goal_add": reverse("cases:plan_goal_add", args=[case]),
        "plan_goal_edit": reverse("cases:plan_goal_edit", args=[case, goal.pk]),
        "plan_action_add": reverse("cases:plan_action_add", args=[case]),
        "plan_action_edit": reverse("cases:plan_action_edit", args=[case, action.pk]),
        "plan_action_status": reverse("cases:plan_action_status", args=[case, action.pk]),
        "plan_agree": reverse("cases:plan_agree", args=[case]),
        "plan_cadence": reverse("cases:plan_cadence", args=[case]),
        "plan_review_add": reverse("cases:plan_review_add", args=[case]),
    }


def test_it_sends_anonymous_users_to_the_login(client, world, shared):
    plan, goal, action, _, _ = shared
    for name, url in _urls(plan, goal, action).items():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url, name
    response = client.post(reverse("cases:plan_create", args=[plan.case.pk]))
    assert response.status_code == 302 and "/login" in response.url


@pytest.mark.parametrize("who", ["other_director", "other_worker"])
def test_it_hides_the_plan_from_another_access_point(world, login, shared, who):
    plan, goal, action, _, _ = shared
    client = login(getattr(world, who))
    for name, url in _urls(plan, goal, action).items():
        assert client.get(url).status_code == 404, name
    assert client.post(_urls(plan, goal, action)["plan_goal_add"], {"area": "work", "description": "x"}).status_code == 404
    assert client.post(reverse("cases:plan_goal_remove", args=[plan.case.pk, goal.pk])).status_code == 404
    assert PlanGoal.objects.filter(plan=plan).count() == 1


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "admin"])
def test_it_hides_the_plan_from_roles_that_see_no_case(world, login, shared, role):
    plan, goal, action, _, _ = shared
    client = login(world.users[role])
    for name, url in _urls(plan, goal, action).items():
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert"])
def test_it_lets_case_staff_change_the_plan(world, login, shared, role):
    plan, goal, action, _, _ = shared
    client = login(world.users[role])
    for name, url in _urls(plan, goal, action).items():
        assert client.get(url).status_code == 200, name
    response = client.post(_urls(plan, goal, action)["plan_goal_add"], {"area": "legal", "description": "Permesso"})
    assert response.status_code == 302


def test_it_lets_an_outreach_operator_read_but_not_change(world, login, shared):
    plan, goal, action, _, _ = shared
    client = login(world.users["outreach_operator"])
    urls = _urls(plan, goal, action)
    for name in ["plan_detail", "plan_versions", "plan_version"]:
        assert client.get(urls[name]).status_code == 200, name
    for name in ["plan_goal_add", "plan_goal_edit", "plan_action_add", "plan_action_edit", "plan_action_status",
                 "plan_agree", "plan_cadence", "plan_review_add"]:
        assert client.get(urls[name]).status_code == 403, name
    assert client.post(urls["plan_action_status"], {"status": "done"}).status_code == 403
    assert client.post(reverse("cases:plan_goal_remove", args=[plan.case.pk, goal.pk])).status_code == 403
    content = client.get(urls["plan_detail"]).content.decode()
    assert urls["plan_goal_add"] not in content and urls["plan_action_status"] not in content
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_it_shows_a_partner_only_their_organisations_actions(world, login, shared):
    plan, goal, action, other_action, _ = shared
    response = login(world.users["partner_operator"]).get(reverse("cases:plan_detail", args=[plan.case.pk]))
    assert response.status_code == 200
    assert [a.pk for a in response.context["actions"]] == [action.pk]
    content = response.content.decode()
    assert "F2.4.c" in content and "F2.5.a" not in content
    assert goal.description not in content  # the goals' words stay with the case team
    assert plan.case.person.last_name not in content
    assert reverse("cases:plan_versions", args=[plan.case.pk]) not in content
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case", object_id=str(plan.case.pk),
                                     actor=world.users["partner_operator"]).exists()


def test_it_lets_a_partner_update_the_status_of_their_own_action(world, login, shared):
    plan, goal, action, _, _ = shared
    client = login(world.users["partner_operator"])
    url = reverse("cases:plan_action_status", args=[plan.case.pk, action.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "in_progress", "outcome_note": "Primo incontro fatto"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.outcome_note == "Primo incontro fatto"
    plan.refresh_from_db()
    assert plan.versions.get(number=plan.version).created_by == world.users["partner_operator"]


def test_it_keeps_a_partner_away_from_everything_else_of_the_plan(world, login, shared):
    plan, goal, action, other_action, _ = shared
    client = login(world.users["partner_operator"])
    urls = _urls(plan, goal, action)
    assert client.get(reverse("cases:plan_action_status", args=[plan.case.pk, other_action.pk])).status_code == 404
    for name in ["plan_versions", "plan_version", "plan_goal_add", "plan_goal_edit", "plan_action_add",
                 "plan_action_edit", "plan_agree", "plan_cadence", "plan_review_add"]:
        assert client.get(urls[name]).status_code == 404, name
    assert client.post(urls["plan_action_edit"], {"status": "done"}).status_code == 404
    assert client.post(reverse("cases:plan_create", args=[plan.case.pk])).status_code == 404
    other_action.refresh_from_db()
    assert other_action.status == ActionStatus.PLANNED


def test_it_hides_the_plan_from_a_partner_without_consent(world, login, shared):
    plan, goal, action, _, consent = shared
    consent.withdrawn_at = timezone.now()
    consent.save()
    client = login(world.users["partner_operator"])
    assert client.get(reverse("cases:plan_detail", args=[plan.case.pk])).status_code == 404
    url = reverse("cases:plan_action_status", args=[plan.case.pk, action.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_it_hides_the_plan_once_the_partners_actions_are_over(world, login, shared):
    plan, goal, action, _, _ = shared
    plan_services.action_set_status(action=action, status="done", by=world.users["director"])
    assert login(world.users["partner_operator"]).get(
        reverse("cases:plan_detail", args=[plan.case.pk])).status_code == 404


def test_it_hides_the_plan_from_a_partner_of_another_organisation(world, login, shared):
    plan, goal, action, _, _ = shared
    stranger = UserFactory(username="partner_other")
    MembershipFactory(user=stranger, role=Role.PARTNER_OPERATOR, access_points=[world.ap_a],
                      organisation=OrganisationFactory(access_points=[world.ap_a]))
    client = login(stranger)
    assert client.get(reverse("cases:plan_detail", args=[plan.case.pk])).status_code == 404
    assert client.get(reverse("cases:plan_action_status", args=[plan.case.pk, action.pk])).status_code == 404


def test_it_needs_a_plan_for_the_plan_pages(world, login):
    from pua.cases.tests.test_plan import case_at_a

    case = case_at_a(world)
    client = login(world.users["director"])
    assert client.get(reverse("cases:plan_goal_add", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:plan_versions", args=[case.pk])).status_code == 404
    assert not PlanAction.objects.exists()


def test_it_refuses_plan_create_by_get(world, login, shared):
    plan = shared[0]
    assert login(world.users["director"]).get(reverse("cases:plan_create", args=[plan.case.pk])).status_code == 405
