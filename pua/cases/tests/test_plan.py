"""The personalised plan (PIP): drafting, goals and actions with their
providers from the directory, the agreement with the person, reviews, and
the versions kept at every change."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases import plan_selectors, plan_services
from pua.cases.models import (
    ActionStatus,
    CaseDocument,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    DocumentKind,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanStatus,
    PlanVersion,
)
from pua.cases.tests.factories import (
    CaseFactory,
    CaseTeamMemberFactory,
    PersonFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
)
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language, Offering, Service
from pua.network.tests.factories import OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings, request):
    """These tests read messages in English, in pages too (users prefer Italian by default)."""
    settings.LANGUAGE_CODE = "en"
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        get_user_model().objects.update(preferred_language="en")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def service(code="F2.4.c"):
    return Service.objects.get(code=code, programme__isnull=True)


def case_at_a(world, status=CaseStatus.TAKEN_IN_CHARGE, manager=None):
    person = PersonFactory(access_point=world.ap_a)
    return CaseFactory(person=person, status=status, case_manager=manager)


def plan_with_goal(world, by=None, **case_kwargs):
    """A plan drafted through the services, with one work goal."""
    by = by or world.users["social_expert"]
    case = case_at_a(world, **case_kwargs)
    plan = plan_services.plan_create(case=case, by=by)
    goal = plan_services.goal_add(plan=plan, area="work", description="Trovare un lavoro regolare", by=by)
    return plan, goal


def add_action(world, plan, goal, provider=None, **kwargs):
    return plan_services.action_add(plan=plan, goal=goal, service=kwargs.pop("service", service()),
                                    provider=provider or world.partner_org, by=world.users["social_expert"], **kwargs)


def offering_of(organisation, svc):
    return Offering.objects.create(organisation=organisation, service=svc, last_confirmed_at=timezone.now())


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


def action_form(goal, svc, provider_value, **overrides):
    data = {"goal": goal.pk, "service": svc.pk, "provider": provider_value, "responsible": "",
            "planned_start": "2026-12-01", "planned_end": "2027-01-31", "status": "planned", "outcome_note": ""}
    data.update(overrides)
    return data


# --- drafting ------------------------------------------------------------------------------------

def test_it_drafts_a_plan_for_a_case_taken_in_charge(world, login):
    case = case_at_a(world)
    response = login(world.users["social_expert"]).post(url("plan_create", case), {"review_every_days": "14"})
    assert response.status_code == 302 and response.url == url("plan_detail", case)
    plan = Plan.objects.get(case=case)
    assert plan.version == 1 and plan.status == PlanStatus.DRAFT and plan.review_every_days == 14
    assert plan.created_by == world.users["social_expert"]
    assert list(plan.versions.values_list("number", flat=True)) == [1]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.PLAN).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.plan",
                                     object_id=str(plan.pk)).exists()


def test_it_refuses_a_plan_for_a_case_still_in_screening(world, login):
    case = case_at_a(world, status=CaseStatus.SCREENING)
    response = login(world.users["director"]).post(url("plan_create", case), {"review_every_days": "30"}, follow=True)
    assert "A plan is drafted for a case taken in charge" in response.content.decode()
    assert not Plan.objects.filter(case=case).exists()


def test_it_refuses_a_review_cadence_out_of_range_when_drafting(world, login):
    case = case_at_a(world)
    response = login(world.users["director"]).post(url("plan_create", case), {"review_every_days": "0"}, follow=True)
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not Plan.objects.filter(case=case).exists()


def test_it_refuses_a_second_plan(world):
    plan, _ = plan_with_goal(world)
    with pytest.raises(ValidationError, match="already has a plan"):
        plan_services.plan_create(case=plan.case, by=world.users["director"])


def test_it_shows_the_empty_state_with_the_draft_button_and_audits_the_read(world, login):
    case = case_at_a(world)
    response = login(world.users["labour_expert"]).get(url("plan_detail", case))
    content = response.content.decode()
    assert response.status_code == 200
    assert "No plan yet" in content and url("plan_create", case) in content
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case", object_id=str(case.pk),
                                     actor=world.users["labour_expert"]).count() == 1


def test_it_explains_why_a_plan_cannot_be_drafted_yet(world, login):
    case = case_at_a(world, status=CaseStatus.CONTACT)
    content = login(world.users["director"]).get(url("plan_detail", case)).content.decode()
    assert "once the person is taken in charge" in content and url("plan_create", case) not in content


# --- goals ----------------------------------------------------------------------------------------

def test_it_adds_a_goal_and_keeps_a_version(world, login):
    case = case_at_a(world)
    plan = plan_services.plan_create(case=case, by=world.users["director"])
    response = login(world.users["social_expert"]).post(
        url("plan_goal_add", case), {"area": "housing", "description": "Trovare un alloggio stabile"})
    goal = PlanGoal.objects.get(plan=plan)
    assert response.status_code == 302 and response.url == url("plan_detail", case) + f"#goal-{goal.pk}"
    plan.refresh_from_db()
    assert plan.version == 2
    version = plan.versions.get(number=2)
    assert version.created_by == world.users["social_expert"]
    assert version.snapshot["goals"] == [{"id": goal.pk, "area": "housing", "description": "Trovare un alloggio stabile",
                                          "evaluation": ""}]
    event = CaseEvent.objects.filter(case=case, kind=CaseEventKind.PLAN).last()
    assert event.summary == "Goal added (Housing)" and event.data["version"] == 2
    audit = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.plangoal", object_id=str(goal.pk))
    assert "alloggio" not in str(audit.changes)


def test_it_refuses_a_goal_without_a_description(world, login):
    case = case_at_a(world)
    plan = plan_services.plan_create(case=case, by=world.users["director"])
    response = login(world.users["social_expert"]).post(url("plan_goal_add", case), {"area": "work", "description": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not PlanGoal.objects.exists()
    plan.refresh_from_db()
    assert plan.version == 1


def test_it_edits_a_goal(world, login):
    plan, goal = plan_with_goal(world)
    response = login(world.users["labour_expert"]).post(url("plan_goal_edit", plan.case, goal.pk),
                                                        {"area": "training", "description": "Corso di saldatura"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.area, goal.description) == ("training", "Corso di saldatura")
    assert plan.versions.get(number=3).change == "Goal changed (Training)"


def test_it_removes_a_goal_without_actions_only(world, login):
    plan, goal = plan_with_goal(world)
    other = plan_services.goal_add(plan=plan, area="language", description="Italiano A2", by=world.users["director"])
    add_action(world, plan, goal)
    client = login(world.users["social_expert"])
    response = client.post(url("plan_goal_remove", plan.case, goal.pk), follow=True)
    assert "This goal has actions" in response.content.decode()
    assert PlanGoal.objects.filter(pk=goal.pk).exists()
    assert client.post(url("plan_goal_remove", plan.case, other.pk)).status_code == 302
    assert not PlanGoal.objects.filter(pk=other.pk).exists()
    plan.refresh_from_db()
    assert plan.versions.get(number=plan.version).change == "Goal removed (Language)"


def test_it_answers_404_for_a_goal_of_another_plan(world, login):
    plan, _ = plan_with_goal(world)
    _, foreign = plan_with_goal(world)
    response = login(world.users["director"]).get(url("plan_goal_edit", plan.case, foreign.pk))
    assert response.status_code == 404


# --- actions --------------------------------------------------------------------------------------

def test_it_offers_the_directory_offerings_of_the_service_first(world, login):
    plan, goal = plan_with_goal(world)
    svc = service()
    offering = offering_of(world.partner_org, svc)
    offering_of(world.org_b, svc)  # outside A's network
    response = login(world.users["social_expert"]).get(url("plan_action_add", plan.case), {"service": svc.pk})
    choices = dict(response.context["form"].fields["provider"].choices)
    offered = dict(choices["Offer this service (directory)"])
    assert list(offered) == [f"offering-{offering.pk}"]
    network = dict(choices["Other organisations of the network"])
    assert f"organisation-{world.org_a.pk}" in network and f"organisation-{world.org_b.pk}" not in network


def test_it_refreshes_the_providers_when_the_service_changes(world, login):
    plan, _ = plan_with_goal(world)
    svc = service("F2.4.g")
    offering = offering_of(world.org_a, svc)
    response = login(world.users["social_expert"]).get(
        url("plan_action_add", plan.case), {"service": svc.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="provider-field")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="provider-field"') and f"offering-{offering.pk}" in content
    assert "<html" not in content


def test_it_refreshes_the_providers_without_javascript_and_saves_nothing(world, login):
    plan, goal = plan_with_goal(world)
    svc = service()
    offering = offering_of(world.partner_org, svc)
    response = login(world.users["social_expert"]).post(
        url("plan_action_add", plan.case), {"goal": goal.pk, "service": svc.pk, "refresh": "1"})
    assert response.status_code == 200
    assert f"offering-{offering.pk}" in response.content.decode()
    assert not response.context["form"].errors
    assert not PlanAction.objects.exists()


def test_it_adds_an_action_with_an_offering_of_the_directory(world, login):
    plan, goal = plan_with_goal(world)
    svc = service()
    offering = offering_of(world.partner_org, svc)
    response = login(world.users["social_expert"]).post(
        url("plan_action_add", plan.case),
        action_form(goal, svc, f"offering-{offering.pk}", responsible=world.users["labour_expert"].pk))
    action = PlanAction.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#action-{action.pk}")
    assert (action.provider, action.offering, action.service, action.goal) == (world.partner_org, offering, svc, goal)
    assert action.responsible == world.users["labour_expert"]
    assert action.planned_start == datetime.date(2026, 12, 1) and action.status == ActionStatus.PLANNED
    plan.refresh_from_db()
    version = plan.versions.get(number=plan.version)
    assert version.change == "Action added: F2.4.c"
    assert version.snapshot["actions"][0]["provider"] == world.partner_org.name
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.planaction").exists()


def test_it_adds_an_action_with_any_organisation_of_the_network(world, login):
    plan, goal = plan_with_goal(world)
    response = login(world.users["director"]).post(
        url("plan_action_add", plan.case), action_form(goal, service("F2.5.a"), f"organisation-{world.org_a.pk}"))
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert action.provider == world.org_a and action.offering is None


def test_it_refuses_an_action_that_ends_before_it_starts(world, login):
    plan, goal = plan_with_goal(world)
    response = login(world.users["social_expert"]).post(
        url("plan_action_add", plan.case),
        action_form(goal, service(), f"organisation-{world.org_a.pk}", planned_start="2027-02-01",
                    planned_end="2027-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["planned_end"] == ["The planned end cannot come before the planned start."]
    assert not PlanAction.objects.exists()
    plan.refresh_from_db()
    assert plan.version == 2


def test_it_refuses_a_provider_outside_the_network(world, login):
    plan, goal = plan_with_goal(world)
    response = login(world.users["social_expert"]).post(
        url("plan_action_add", plan.case), action_form(goal, service(), f"organisation-{world.org_b.pk}"))
    assert response.status_code == 200 and response.context["form"].errors["provider"]
    with pytest.raises(ValidationError) as refused:
        add_action(world, plan, goal, provider=world.org_b)
    assert refused.value.message_dict["provider"] == ["The provider must be an active organisation of the access "
                                                      "point's network."]
    assert not PlanAction.objects.exists()


def test_it_refuses_a_goal_of_another_plan_and_a_responsible_from_elsewhere(world):
    plan, _ = plan_with_goal(world)
    _, foreign_goal = plan_with_goal(world)
    with pytest.raises(ValidationError) as refused:
        plan_services.action_add(plan=plan, goal=foreign_goal, service=service(), provider=world.org_a,
                                 responsible=world.other_worker, by=world.users["director"])
    assert set(refused.value.message_dict) == {"goal", "responsible"}
    assert not PlanAction.objects.exists()


def test_it_refuses_an_offering_of_another_organisation(world):
    plan, goal = plan_with_goal(world)
    offering = offering_of(world.org_a, service())
    with pytest.raises(ValidationError, match="not this organisation's offering"):
        add_action(world, plan, goal, provider=world.partner_org, offering=offering)


def test_it_edits_an_action(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal)
    page = login(world.users["social_expert"]).get(url("plan_action_edit", plan.case, action.pk))
    assert page.context["form"].initial["provider"] == f"organisation-{world.partner_org.pk}"
    response = login(world.users["social_expert"]).post(
        url("plan_action_edit", plan.case, action.pk),
        action_form(goal, service(), f"organisation-{world.org_a.pk}", status="in_progress"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.provider == world.org_a and action.status == ActionStatus.IN_PROGRESS
    plan.refresh_from_db()
    assert plan.versions.get(number=plan.version).change == "Action F2.4.c: Planned → In progress"


def test_it_updates_the_status_and_outcome_of_an_action(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal)
    response = login(world.users["labour_expert"]).post(
        url("plan_action_status", plan.case, action.pk), {"status": "done", "outcome_note": "Completato con profitto"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.outcome_note == "Completato con profitto"
    plan.refresh_from_db()
    version = plan.versions.get(number=plan.version)
    assert version.snapshot["actions"][0]["status"] == "done"
    audit = AuditEntry.objects.filter(object_type="cases.planaction", action=AuditAction.UPDATE).last()
    assert audit.changes["status"] == ["planned", "done"] and "profitto" not in str(audit.changes)


def test_it_requires_a_reason_for_a_service_not_delivered(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal)
    response = login(world.users["social_expert"]).post(
        url("plan_action_status", plan.case, action.pk), {"status": "not_delivered", "outcome_note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["outcome_note"] == ["Say why the service was not delivered."]
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_it_refuses_changes_to_the_plan_of_a_closed_case(world):
    plan, goal = plan_with_goal(world)
    plan.case.status = CaseStatus.CLOSED
    plan.case.save()
    with pytest.raises(ValidationError, match="The case is closed"):
        plan_services.goal_add(plan=plan, area="work", description="x", by=world.users["director"])


# --- agreement --------------------------------------------------------------------------------------

def test_it_records_the_agreement_with_the_signed_plan_and_activates_the_plan(world, login, media):
    plan, goal = plan_with_goal(world)
    add_action(world, plan, goal)
    language = Language.objects.get(code="ar")
    today = timezone.localdate()
    response = login(world.users["social_expert"]).post(url("plan_agree", plan.case), {
        "agreed_on": today.isoformat(), "language": language.pk,
        "signed_file": SimpleUploadedFile("Piano firmato Mario Rossi.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302
    plan.refresh_from_db()
    plan.case.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_on == today and plan.agreed_language == language
    assert plan.next_review_due == today + datetime.timedelta(days=30)
    assert plan.case.status == CaseStatus.PLAN_ACTIVE
    document = plan.signed_document
    assert document.kind == DocumentKind.SIGNED_PLAN and document.case == plan.case
    assert document.person == plan.case.person and document.content_type == "application/pdf"
    assert "mario" not in document.file.name.lower() and "signed-plan-v4" in document.file.name
    assert (media / document.file.name).exists()
    assert CaseEvent.objects.filter(case=plan.case, kind=CaseEventKind.DOCUMENT, object_id=document.pk).exists()
    assert plan_selectors.agreed_version_number(plan) == plan.version
    assert plan.versions.get(number=plan.version).change == "Plan agreed with the person"


def test_it_refuses_to_agree_an_empty_plan(world, login):
    case = case_at_a(world)
    plan = plan_services.plan_create(case=case, by=world.users["director"])
    response = login(world.users["director"]).post(url("plan_agree", case), {"agreed_on": "2026-11-01"})
    assert response.status_code == 200
    assert "Add at least one goal and one action" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.version == 1


def test_it_refuses_a_signed_plan_that_is_not_a_document(world, login, media):
    plan, goal = plan_with_goal(world)
    add_action(world, plan, goal)
    response = login(world.users["social_expert"]).post(url("plan_agree", plan.case), {
        "agreed_on": timezone.localdate().isoformat(),
        "signed_file": SimpleUploadedFile("piano.pdf", b"MZ not a pdf", content_type="application/pdf"),
    })
    assert response.status_code == 200
    assert "is not a valid PDF document" in str(response.context["form"].errors["signed_file"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not CaseDocument.objects.exists()


def test_it_refuses_an_agreement_in_the_future(world):
    plan, goal = plan_with_goal(world)
    add_action(world, plan, goal)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        plan_services.plan_agree(plan=plan, agreed_on=timezone.localdate() + datetime.timedelta(days=1),
                                 by=world.users["director"])


def test_it_tells_when_the_plan_changed_after_the_agreement(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal)
    plan_services.plan_agree(plan=plan, agreed_on=timezone.localdate(), by=world.users["director"])
    plan_services.action_set_status(action=action, status="in_progress", by=world.users["director"])
    client = login(world.users["director"])
    assert client.get(url("plan_detail", plan.case)).context["changed_since_agreement"] is False  # progress only
    plan_services.goal_add(plan=plan, area="health", description="Visita medica", by=world.users["director"])
    response = client.get(url("plan_detail", plan.case))
    assert response.context["changed_since_agreement"] is True
    assert "The plan changed after the agreement" in response.content.decode()


# --- reviews --------------------------------------------------------------------------------------

def test_it_records_a_review_and_schedules_the_next_one(world, login):
    plan, _ = plan_with_goal(world)
    reviewed = timezone.localdate() - datetime.timedelta(days=2)
    response = login(world.users["social_expert"]).post(url("plan_review_add", plan.case), {
        "reviewed_on": reviewed.isoformat(), "notes": "Procede bene", "next_review_due": ""})
    assert response.status_code == 302
    review = PlanReview.objects.get(plan=plan)
    assert review.reviewed_by == world.users["social_expert"]
    assert review.next_review_due == reviewed + datetime.timedelta(days=30)
    plan.refresh_from_db()
    assert plan.next_review_due == review.next_review_due
    event = CaseEvent.objects.get(case=plan.case, kind=CaseEventKind.REVIEW)
    assert event.summary == "Plan reviewed" and "bene" not in str(event.data)


def test_it_takes_the_next_review_date_given(world):
    plan, _ = plan_with_goal(world)
    today = timezone.localdate()
    plan_services.plan_review_record(plan=plan, reviewed_on=today, notes="", by=world.users["director"],
                                     next_review_due=today + datetime.timedelta(days=10))
    plan.refresh_from_db()
    assert plan.next_review_due == today + datetime.timedelta(days=10)


def test_it_refuses_a_review_in_the_future_or_a_next_review_before_it(world, login):
    plan, _ = plan_with_goal(world)
    today = timezone.localdate()
    response = login(world.users["social_expert"]).post(url("plan_review_add", plan.case), {
        "reviewed_on": (today + datetime.timedelta(days=3)).isoformat(), "notes": ""})
    assert response.context["form"].errors["reviewed_on"] == ["The date of the review cannot be in the future."]
    with pytest.raises(ValidationError, match="must come after"):
        plan_services.plan_review_record(plan=plan, reviewed_on=today, notes="", by=world.users["director"],
                                         next_review_due=today)
    assert not PlanReview.objects.exists()


def test_it_changes_the_review_cadence_and_moves_the_next_review(world, login):
    plan, _ = plan_with_goal(world)
    today = timezone.localdate()
    plan_services.plan_review_record(plan=plan, reviewed_on=today, notes="", by=world.users["director"])
    response = login(world.users["director"]).post(url("plan_cadence", plan.case), {"review_every_days": "14"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.review_every_days == 14 and plan.next_review_due == today + datetime.timedelta(days=14)
    assert plan.versions.get(number=plan.version).change == "Review every 14 days (was 30)"


def test_it_refuses_a_cadence_out_of_range(world, login):
    plan, _ = plan_with_goal(world)
    response = login(world.users["director"]).post(url("plan_cadence", plan.case), {"review_every_days": "0"})
    assert response.status_code == 200 and response.context["form"].errors["review_every_days"]
    with pytest.raises(ValidationError, match="1 to 365"):
        plan_services.plan_set_review_cadence(plan=plan, review_every_days=400, by=world.users["director"])


def test_it_shows_an_overdue_review(world, login):
    plan, _ = plan_with_goal(world)
    Plan.objects.filter(pk=plan.pk).update(next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    response = login(world.users["outreach_operator"]).get(url("plan_detail", plan.case))
    assert response.context["review_overdue"] is True
    assert "Review overdue" in response.content.decode()


# --- versions -------------------------------------------------------------------------------------

def test_it_lists_the_versions(world, login):
    plan, goal = plan_with_goal(world)
    add_action(world, plan, goal)
    response = login(world.users["social_expert"]).get(url("plan_versions", plan.case))
    assert response.status_code == 200
    assert [v.number for v in response.context["page"].object_list] == [3, 2, 1]
    content = response.content.decode()
    assert "Action added: F2.4.c" in content and "Goal added (Work)" in content
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                     object_id=str(plan.case.pk)).exists()


def test_it_shows_an_earlier_version_and_what_changed(world, login):
    plan, goal = plan_with_goal(world)
    action = add_action(world, plan, goal)
    plan_services.action_set_status(action=action, status="in_progress", by=world.users["director"])
    plan_services.goal_update(goal=goal, area="work", description="Lavoro a tempo pieno", by=world.users["director"])
    client = login(world.users["social_expert"])

    response = client.get(url("plan_version", plan.case, 4))
    assert response.status_code == 200
    changed = response.context["diff"]["actions_changed"]
    assert changed[0]["fields"] == [{"label": "Status", "old": "Planned", "new": "In progress"}]
    content = response.content.decode()
    assert "Trovare un lavoro regolare" in content  # the goal as it was then
    assert "Lavoro a tempo pieno" not in content

    diff = client.get(url("plan_version", plan.case, 5)).context["diff"]
    assert diff["goals_changed"][0]["fields"][0]["new"] == "Lavoro a tempo pieno"
    first = client.get(url("plan_version", plan.case, 1))
    assert first.context["previous"] is None and "The plan as first drafted." in first.content.decode()
    added = client.get(url("plan_version", plan.case, 3)).context["diff"]["actions_added"]
    assert [a["provider"] for a in added] == [world.partner_org.name]
    assert client.get(url("plan_version", plan.case, 99)).status_code == 404


def test_it_compares_snapshots_field_by_field():
    older = {"status": "draft", "goals": [{"id": 1, "area": "work", "description": "A"}],
             "actions": [{"id": 7, "goal_id": 1, "service_code": "F2.4.c", "service_label": "Mediazione",
                          "service_label_en": "Mediation", "provider": "Coop", "status": "planned"}]}
    newer = {"status": "agreed", "agreed_on": "2026-11-01", "goals": [{"id": 2, "area": "health", "description": "B"}],
             "actions": []}
    diff = plan_selectors.version_diff(older, newer)
    assert [c["label"] for c in diff["plan"]] == ["Status", "Agreed on"]
    assert [g["id"] for g in diff["goals_added"]] == [2] and [g["id"] for g in diff["goals_removed"]] == [1]
    assert [a["id"] for a in diff["actions_removed"]] == [7]
    assert plan_selectors.version_diff(newer, newer)["is_empty"] is True


# --- the plan page ----------------------------------------------------------------------------------

def _grow(world, plan, goals):
    svc = service()
    for i in range(goals):
        goal = PlanGoalFactory(plan=plan, area=["work", "housing", "health"][i % 3], description=f"Obiettivo {i}")
        for _ in range(3):
            PlanActionFactory(goal=goal, plan=plan, service=svc, provider=world.partner_org,
                              responsible=world.users["social_expert"],
                              offering=offering_of(world.partner_org, svc))
        PlanReview.objects.create(plan=plan, reviewed_on=timezone.localdate(), reviewed_by=world.users["director"],
                                  next_review_due=timezone.localdate())


def test_it_shows_the_plan_by_area_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    plan, _ = plan_with_goal(world)
    client = login(world.users["social_expert"])
    _grow(world, plan, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("plan_detail", plan.case)).status_code == 200
    _grow(world, plan, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("plan_detail", plan.case))
    assert response.context["action_count"] == 66
    assert [g.area for g in response.context["areas"]] == ["work", "housing", "health"]


def test_it_lists_the_versions_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    plan, goal = plan_with_goal(world)
    client = login(world.users["social_expert"])
    with CaptureQueriesContext(connection) as few:
        client.get(url("plan_versions", plan.case))
    for i in range(30):
        plan_services.goal_update(goal=goal, area="work", description=f"Obiettivo {i}", by=world.users["director"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("plan_versions", plan.case))
    assert response.context["page"].paginator.count == 32


# --- My work: reviews due and overdue actions ---------------------------------------------------------

def test_it_lists_reviews_due_for_the_users_cases_only(world):
    me = world.users["social_expert"]
    today = timezone.localdate()
    managed = PlanFactory(case=case_at_a(world, manager=me), next_review_due=today + datetime.timedelta(days=3))
    in_team = PlanFactory(case=case_at_a(world), next_review_due=today - datetime.timedelta(days=5))
    CaseTeamMemberFactory(case=in_team.case, user=me)
    left_team = PlanFactory(case=case_at_a(world), next_review_due=today)
    CaseTeamMemberFactory(case=left_team.case, user=me, removed_at=timezone.now())
    PlanFactory(case=case_at_a(world, manager=me), next_review_due=today + datetime.timedelta(days=20))  # not yet
    PlanFactory(case=case_at_a(world, manager=me, status=CaseStatus.CLOSED), next_review_due=today)
    PlanFactory(case=case_at_a(world, manager=world.users["director"]), next_review_due=today)  # someone else's
    assert list(plan_selectors.reviews_due(me, today=today)) == [in_team, managed]
    assert list(plan_selectors.reviews_due(world.other_worker, today=today)) == []
    assert list(plan_selectors.reviews_due(world.users["partner_operator"], today=today)) == []


def test_it_lists_overdue_actions_of_the_users_cases_or_responsibility(world):
    me = world.users["labour_expert"]
    today = timezone.localdate()
    past = today - datetime.timedelta(days=1)
    mine = PlanActionFactory(goal=PlanGoalFactory(plan=PlanFactory(case=case_at_a(world, manager=me))),
                             planned_end=past - datetime.timedelta(days=5))
    responsible = PlanActionFactory(responsible=me, planned_end=past, status=ActionStatus.IN_PROGRESS,
                                    goal=PlanGoalFactory(plan=PlanFactory(case=case_at_a(world))))
    PlanActionFactory(goal=mine.goal, plan=mine.plan, planned_end=past, status=ActionStatus.DONE)
    PlanActionFactory(goal=mine.goal, plan=mine.plan, planned_end=today)  # due today: not overdue yet
    PlanActionFactory(responsible=world.users["director"], planned_end=past,
                      goal=PlanGoalFactory(plan=PlanFactory(case=case_at_a(world))))
    assert list(plan_selectors.actions_overdue(me, today=today)) == [mine, responsible]
    assert list(plan_selectors.actions_overdue(world.other_director, today=today)) == []


def test_it_reads_due_lists_in_one_query_each(world, django_assert_num_queries):
    me = world.users["social_expert"]
    for _ in range(5):
        plan = PlanFactory(case=case_at_a(world, manager=me), next_review_due=timezone.localdate())
        PlanActionFactory(goal=PlanGoalFactory(plan=plan), plan=plan, planned_end=datetime.date(2020, 1, 1))
    plan_selectors.reviews_due(me).count()  # loads the user's grants once
    with django_assert_num_queries(1):
        rows = list(plan_selectors.reviews_due(me))
        assert all(r.case.person.case_number for r in rows)
    with django_assert_num_queries(1):
        rows = list(plan_selectors.actions_overdue(me))
        assert all(a.plan.case.person.case_number and a.service.code for a in rows)


def test_it_keeps_the_version_numbers_in_sequence(world):
    plan, goal = plan_with_goal(world)
    for status in ("in_progress", "done"):
        plan_services.action_set_status(action=add_action(world, plan, goal), status=status, by=world.users["director"])
    numbers = list(PlanVersion.objects.filter(plan=plan).order_by("number").values_list("number", flat=True))
    plan.refresh_from_db()
    assert numbers == list(range(1, plan.version + 1)) and plan.version == 6


def test_it_keeps_the_provider_of_another_access_point_out(world):
    plan, goal = plan_with_goal(world)
    inactive = OrganisationFactory(access_points=[world.ap_a], is_active=False)
    with pytest.raises(ValidationError, match="active organisation"):
        add_action(world, plan, goal, provider=inactive)
