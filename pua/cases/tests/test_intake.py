"""Eligibility criteria of an access point and the intake decision on a case."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from pua.cases.models import (
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    EligibilityCriterion,
    IntakeDecision,
    Referral,
    ReferralDirection,
)
from pua.cases.tests.factories import CaseFactory, EligibilityCriterionFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.search_factories import service

LIST = reverse("cases:eligibility_list")
CREATE = reverse("cases:eligibility_create")


@pytest.fixture(autouse=True)
def _english(world):
    """Messages are asserted in English, whatever the catalogue holds."""
    get_user_model().objects.update(preferred_language="en")
    with translation.override("en"):
        yield


def _url(name, obj):
    return reverse(f"cases:{name}", args=[obj.pk])


def _criteria(world, ap=None):
    ap = ap or world.ap_a
    return [
        EligibilityCriterionFactory(access_point=ap, kind="document", label="Documento di identità", sort_order=10),
        EligibilityCriterionFactory(access_point=ap, kind="residence", label="Domicilio nell'ambito", sort_order=20),
        EligibilityCriterionFactory(access_point=ap, kind="age", label="Maggiore età", sort_order=30,
                                    is_mandatory=False),
    ]


def _case(world, ap=None, status=CaseStatus.SCREENING):
    return CaseFactory(person=PersonFactory(access_point=ap or world.ap_a, last_name="Quaglieri"), status=status)


def _decision(criteria, results, **overrides):
    data = {"outcome": "eligible", "rationale": "Requisiti verificati al colloquio", "referred_to": "",
            "referral_service": "", "referred_to_note": ""}
    for criterion, result in zip(criteria, results, strict=True):
        data[f"result_{criterion.pk}"] = result
        data[f"note_{criterion.pk}"] = ""
    data.update(overrides)
    return data


# --- eligibility criteria -------------------------------------------------------------------------

def test_it_lists_the_criteria_of_the_current_access_point(world, login):
    mine = _criteria(world)
    mine[2].is_active = False
    mine[2].save()
    theirs = EligibilityCriterionFactory(access_point=world.ap_b, label="Residenza a Frosinone")
    response = login(world.users["director"]).get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Documento di identità" in content and "Deactivated criteria" in content and "Maggiore età" in content
    assert theirs.label not in content
    assert "Residenza a Frosinone" in login(world.other_director).get(LIST).content.decode()


def test_it_keeps_the_criteria_from_the_administrator_even_as_a_superuser(world, login):
    criterion = _criteria(world)[0]
    admin = world.users["admin"]
    admin.is_superuser = admin.is_staff = True
    admin.save()
    admin.memberships.get().access_points.add(world.ap_a)
    client = login(admin)
    assert client.get(LIST).status_code == 403
    assert client.get(_url("eligibility_edit", criterion)).status_code in (403, 404)
    assert login(world.users["director"]).get(_url("eligibility_edit", criterion)).status_code == 200


def test_it_adds_a_criterion_at_the_end(world, login):
    _criteria(world)
    response = login(world.users["director"]).post(CREATE, {
        "kind": "legal_status", "label": "Permesso di soggiorno o richiesta", "description": "", "is_mandatory": "on"})
    assert response.status_code == 302 and response.url == LIST
    criterion = EligibilityCriterion.objects.get(label="Permesso di soggiorno o richiesta")
    assert criterion.access_point == world.ap_a and criterion.is_mandatory and criterion.sort_order > 30
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.eligibilitycriterion").exists()


def test_it_refuses_a_criterion_without_a_name(world, login):
    response = login(world.users["director"]).post(CREATE, {"kind": "other", "label": "   ", "description": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["label"]
    assert not EligibilityCriterion.objects.exists()


def test_it_edits_a_criterion(world, login):
    criterion = _criteria(world)[0]
    response = login(world.users["director"]).post(_url("eligibility_edit", criterion), {
        "kind": "document", "label": "Documento valido", "description": "Anche scaduto da poco"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.label == "Documento valido" and not criterion.is_mandatory
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="cases.eligibilitycriterion").exists()


def test_it_deactivates_and_reactivates_a_criterion(world, login):
    criterion = _criteria(world)[0]
    client = login(world.users["director"])
    client.post(_url("eligibility_deactivate", criterion))
    criterion.refresh_from_db()
    assert not criterion.is_active
    case = _case(world)
    assert "Documento di identità" not in client.get(_url("intake_decide", case)).content.decode()
    client.post(_url("eligibility_activate", criterion))
    criterion.refresh_from_db()
    assert criterion.is_active


def test_it_reorders_criteria(world, login):
    first, second, third = _criteria(world)
    client = login(world.users["director"])
    client.post(_url("eligibility_move", third), {"direction": "up"})
    order = list(EligibilityCriterion.objects.order_by("sort_order").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    client.post(_url("eligibility_move", first), {"direction": "up"})  # already first: nothing moves
    client.post(_url("eligibility_move", first), {"direction": "down"})
    order = list(EligibilityCriterion.objects.order_by("sort_order").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]
    response = client.post(_url("eligibility_move", first), {"direction": "sideways"}, follow=True)
    assert "Move a criterion up or down." in response.content.decode()


@pytest.mark.parametrize("role", ["social_expert", "outreach_operator", "partner_operator", Role.BOARD_VIEWER.value])
def test_it_keeps_criteria_to_the_director(world, login, role):
    criterion = _criteria(world)[0]
    client = login(world.users[role])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(_url("eligibility_deactivate", criterion)).status_code in (403, 404)
    criterion.refresh_from_db()
    assert criterion.is_active


def test_it_hides_another_access_points_criteria(world, login):
    criterion = _criteria(world)[0]
    client = login(world.other_director)
    assert client.get(_url("eligibility_edit", criterion)).status_code == 404
    assert client.post(_url("eligibility_deactivate", criterion)).status_code == 404
    assert client.post(_url("eligibility_move", criterion), {"direction": "down"}).status_code == 404
    criterion.refresh_from_db()
    assert criterion.is_active


@pytest.mark.parametrize("name", ["eligibility_list", "eligibility_create"])
def test_it_sends_anonymous_users_to_login_for_criteria(client, world, name):
    response = client.get(reverse(f"cases:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- the intake decision --------------------------------------------------------------------------------

def test_it_lists_every_active_criterion_and_audits_the_case(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["social_expert"]).get(_url("intake_decide", case))
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert all(c.label in content for c in criteria) and "Quaglieri" in content
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                     object_id=str(case.pk)).exists()


def test_it_takes_an_eligible_person_in_charge(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["social_expert"]).post(
        _url("intake_decide", case), _decision(criteria, ["met", "met", "not_met"], **{
            f"note_{criteria[0].pk}": "Passaporto"}))
    decision = IntakeDecision.objects.get()
    assert response.status_code == 302 and response.url == _url("intake_detail", decision)
    case.refresh_from_db()
    assert case.status == CaseStatus.TAKEN_IN_CHARGE
    assert decision.decided_by == world.users["social_expert"] and decision.outcome == "eligible"
    checks = {c.criterion_id: (c.result, c.note) for c in decision.checks.all()}
    assert checks == {criteria[0].pk: ("met", "Passaporto"), criteria[1].pk: ("met", ""),
                      criteria[2].pk: ("not_met", "")}
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.INTAKE_DECISION)
    assert event.data["decision"] == decision.pk and "Requisiti" not in event.summary
    status_event = CaseEvent.objects.get(case=case, kind=CaseEventKind.STATUS_CHANGED)
    assert status_event.data["intake_decision"] == decision.pk
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.intakedecision")
    assert "Requisiti" not in str(entry.changes)


def test_it_refuses_eligible_when_a_mandatory_criterion_is_not_met(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["social_expert"]).post(
        _url("intake_decide", case), _decision(criteria, ["met", "not_met", "met"]))
    assert response.status_code == 200
    assert ("The person cannot be declared eligible: mandatory criteria are not met (Domicilio nell'ambito)."
            in html.unescape(response.content.decode()))
    case.refresh_from_db()
    assert case.status == CaseStatus.SCREENING and not IntakeDecision.objects.exists()


def test_it_requires_every_criterion_and_a_rationale(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["social_expert"]).post(
        _url("intake_decide", case), _decision(criteria, ["met", "", "met"], rationale=""))
    content = html.unescape(response.content.decode())
    assert "missing: Domicilio nell'ambito" in content and "Explain the decision." in content
    assert response.context["form"].errors[f"result_{criteria[1].pk}"]
    assert not IntakeDecision.objects.exists()


def test_it_requires_where_a_person_not_eligible_is_referred(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["social_expert"]).post(
        _url("intake_decide", case), _decision(criteria, ["not_met", "met", "met"], outcome="not_eligible"))
    assert "Say where the person is referred: choose an organisation or write a note." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SCREENING and not IntakeDecision.objects.exists()


def test_it_refers_a_person_not_eligible_and_closes_the_case(world, login):
    criteria = _criteria(world)
    case = _case(world)
    response = login(world.users["director"]).post(_url("intake_decide", case), _decision(
        criteria, ["not_met", "met", "met"], outcome="not_eligible", rationale="Senza documenti",
        referred_to=world.partner_org.pk, referral_service=service("F2.4.c").pk, referred_to_note="Sportello"))
    assert response.status_code == 302
    decision = IntakeDecision.objects.get()
    assert decision.referred_to == world.partner_org and decision.referred_to_note == "Sportello"
    referral = Referral.objects.get()
    assert (referral.direction, referral.organisation, referral.service, referral.case) == (
        ReferralDirection.OUTBOUND, world.partner_org, service("F2.4.c"), case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.NOT_ELIGIBLE
    assert case.closure_outcome == "Senza documenti"
    detail = login(world.users["director"]).get(_url("intake_detail", decision)).content.decode()
    assert world.partner_org.name in detail and reverse("cases:referral_detail", args=[referral.pk]) in detail


def test_it_records_a_note_only_referral_elsewhere(world, login):
    criteria = _criteria(world)
    case = _case(world)
    login(world.users["social_expert"]).post(_url("intake_decide", case), _decision(
        criteria, ["met", "not_met", "met"], outcome="not_eligible", referred_to_note="Inviato al PUA di Beta"))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and not Referral.objects.exists()
    assert IntakeDecision.objects.get().referred_to_note == "Inviato al PUA di Beta"


def test_it_refuses_a_referral_service_without_an_organisation(world, login):
    case = _case(world)
    response = login(world.users["social_expert"]).post(_url("intake_decide", case), _decision(
        [], [], outcome="not_eligible", referred_to_note="Altrove", referral_service=service("F2.4.c").pk))
    assert "A referral for a service needs the organisation it is sent to." in response.content.decode()
    assert not IntakeDecision.objects.exists()


def test_it_decides_without_criteria_configured(world, login):
    case = _case(world)
    content = login(world.users["director"]).get(_url("intake_decide", case)).content.decode()
    assert "no active eligibility criteria" in content and reverse("cases:eligibility_list") in content
    login(world.users["director"]).post(_url("intake_decide", case), _decision([], []))
    case.refresh_from_db()
    assert case.status == CaseStatus.TAKEN_IN_CHARGE


def test_it_refuses_a_decision_on_a_case_already_taken_in_charge(world, login):
    criteria = _criteria(world)
    case = _case(world, status=CaseStatus.TAKEN_IN_CHARGE)
    client = login(world.users["social_expert"])
    assert "the intake decision is taken at contact or screening" in client.get(
        _url("intake_decide", case)).content.decode()
    response = client.post(_url("intake_decide", case), _decision(criteria, ["met", "met", "met"]))
    assert "The intake decision is taken at contact or screening; this case is “Taken in charge”." in (
        response.content.decode())
    assert not IntakeDecision.objects.exists()


def test_it_keeps_the_decision_to_case_staff(world, login):
    case = _case(world)
    data = _decision([], [])
    assert login(world.users["outreach_operator"]).post(_url("intake_decide", case), data).status_code == 403
    assert login(world.users["partner_operator"]).get(_url("intake_decide", case)).status_code == 404
    assert login(world.users[Role.BOARD_VIEWER.value]).get(_url("intake_decide", case)).status_code == 404
    assert login(world.other_worker).post(_url("intake_decide", case), data).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.SCREENING and not IntakeDecision.objects.exists()


def test_it_sends_anonymous_users_to_login_for_the_intake(client, world):
    case = _case(world)
    response = client.post(_url("intake_decide", case), _decision([], []))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not IntakeDecision.objects.exists()


def test_it_shows_a_decision_to_the_access_point_only(world, login):
    criteria = _criteria(world)
    case = _case(world)
    login(world.users["social_expert"]).post(_url("intake_decide", case), _decision(criteria, ["met", "met", "met"]))
    decision = IntakeDecision.objects.get()
    response = login(world.users["outreach_operator"]).get(_url("intake_detail", decision))
    assert response.status_code == 200 and "Documento di identità" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                     actor=world.users["outreach_operator"]).exists()
    assert login(world.other_director).get(_url("intake_detail", decision)).status_code == 404
    assert login(world.users["partner_operator"]).get(_url("intake_detail", decision)).status_code == 404
