"""Referrals both ways: recording, answering, reporting, withdrawing, the
partners' inbox and what partners may see of the person."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from pua.cases import referrals_selectors
from pua.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from pua.cases.referrals_services import referral_accept, referral_create_outbound
from pua.cases.tests.factories import (
    CaseFactory,
    ConsentFactory,
    PersonFactory,
    ReferralFactory,
)
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Agreement, Role
from pua.network.tests.factories import OrganisationFactory
from pua.network.tests.search_factories import OfferingFactory, service

LIST = reverse("cases:referral_list")
INBOUND = reverse("cases:referral_create_inbound")


@pytest.fixture(autouse=True)
def _english(world):
    """Messages are asserted in English, whatever the catalogue holds."""
    get_user_model().objects.update(preferred_language="en")
    with translation.override("en"):
        yield


def _detail(referral):
    return reverse("cases:referral_detail", args=[referral.pk])


def _action(name, referral):
    return reverse(f"cases:referral_{name}", args=[referral.pk])


def _outbound_url(case):
    return reverse("cases:referral_create_outbound", args=[case.pk])


def _person(world, ap=None, **fields):
    fields.setdefault("first_name", "Settimio")
    fields.setdefault("last_name", "Quaglieri")
    return PersonFactory(access_point=ap or world.ap_a, **fields)


def _case(world, ap=None, status=CaseStatus.SCREENING, **person_fields):
    return CaseFactory(person=_person(world, ap, **person_fields), status=status)


def _outbound(world, case=None, **fields):
    """An outbound referral of a case at A to the partner organisation, made through the service."""
    case = case or _case(world)
    fields.setdefault("organisation", world.partner_org)
    fields.setdefault("service", service("F2.4.c"))
    return referral_create_outbound(case=case, reason="Mediazione per il colloquio", by=world.users["social_expert"],
                                    **fields)


def _inbound(world, person=None, **fields):
    fields.setdefault("direction", ReferralDirection.INBOUND)
    fields.setdefault("organisation", world.org_a)
    fields.setdefault("service", None)
    return ReferralFactory(person=person or _person(world), **fields)


def _inbound_form(world, **overrides):
    data = {"organisation": world.org_a.pk, "referrer_name": "Dott.ssa Neri", "referrer_contact": "0372 111222",
            "sent_on": timezone.localdate().isoformat(), "agreement": "", "reason": "Percorso di inserimento",
            "work_done": "Sei mesi di percorso in comunità"}
    data.update(overrides)
    return data


def _events(referral):
    return list(CaseEvent.objects.filter(kind=CaseEventKind.REFERRAL, object_id=referral.pk)
                .order_by("id").values_list("data__to", flat=True))


# --- inbound --------------------------------------------------------------------------------

def test_it_records_an_inbound_referral(world, login):
    person = _person(world)
    response = login(world.users["social_expert"]).post(f"{INBOUND}?person={person.pk}", _inbound_form(world))
    referral = Referral.objects.get(person=person)
    assert response.status_code == 302 and response.url == _detail(referral)
    assert referral.direction == ReferralDirection.INBOUND and referral.status == ReferralStatus.SENT
    assert referral.organisation == world.org_a and referral.referrer_name == "Dott.ssa Neri"
    assert referral.access_point == world.ap_a and referral.case is None
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.referral")
    assert "Percorso" not in str(entry.changes) and "Neri" not in str(entry.changes)


def test_it_shows_the_inbound_form_and_audits_the_person(world, login):
    person = _person(world)
    response = login(world.users["social_expert"]).get(f"{INBOUND}?person={person.pk}")
    assert response.status_code == 200
    assert "Quaglieri" in response.content.decode() and world.org_a.name in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     object_id=str(person.pk)).exists()


def test_it_links_an_inbound_referral_to_the_open_case(world, login):
    case = _case(world)
    login(world.users["social_expert"]).post(f"{INBOUND}?person={case.person.pk}", _inbound_form(world))
    referral = Referral.objects.get(person=case.person)
    assert referral.case == case
    assert _events(referral) == [ReferralStatus.SENT]


def test_it_refuses_an_inbound_referral_without_a_reason(world, login):
    person = _person(world)
    response = login(world.users["social_expert"]).post(f"{INBOUND}?person={person.pk}",
                                                        _inbound_form(world, reason="  "))
    assert response.status_code == 200
    assert "Say why the person is referred." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_a_referring_body_outside_the_network(world, login):
    outsider = OrganisationFactory(name="Ente Esterno")
    person = _person(world)
    client = login(world.users["social_expert"])
    response = client.post(f"{INBOUND}?person={person.pk}", _inbound_form(world, organisation=outsider.pk))
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_it_refuses_an_agreement_the_referring_body_did_not_sign(world, login):
    agreement = Agreement.objects.create(access_point=world.ap_a, kind="protocol", subject="Protocollo SerD",
                                         status="active")
    agreement.parties.set([world.partner_org])
    person = _person(world)
    response = login(world.users["social_expert"]).post(f"{INBOUND}?person={person.pk}",
                                                        _inbound_form(world, agreement=agreement.pk))
    assert "The referring body is not a party to this agreement." in response.content.decode()
    assert not Referral.objects.exists()
    agreement.parties.add(world.org_a)
    login(world.users["social_expert"]).post(f"{INBOUND}?person={person.pk}",
                                             _inbound_form(world, agreement=agreement.pk))
    assert Referral.objects.get().agreement == agreement


def test_it_refuses_a_future_referral_date(world, login):
    person = _person(world)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = login(world.users["director"]).post(f"{INBOUND}?person={person.pk}",
                                                   _inbound_form(world, sent_on=tomorrow))
    assert "The referral date cannot be in the future." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_finds_the_person_before_recording_an_inbound_referral(world, login):
    person = _person(world)
    other = _person(world, ap=world.ap_b, last_name="Quaglieri")
    content = login(world.users["social_expert"]).get(INBOUND, {"q": "Quaglieri"}, follow=True).content.decode()
    assert f"?person={person.pk}" in content and f"?person={other.pk}" not in content


def test_it_does_not_let_an_outreach_operator_record_a_referral(world, login):
    person = _person(world)
    client = login(world.users["outreach_operator"])
    assert client.get(INBOUND).status_code == 403
    assert client.post(f"{INBOUND}?person={person.pk}", _inbound_form(world)).status_code == 403
    assert not Referral.objects.exists()


def test_it_hides_persons_of_another_access_point_from_the_inbound_form(world, login):
    person = _person(world)
    assert login(world.other_worker).get(f"{INBOUND}?person={person.pk}").status_code == 404
    assert login(world.other_worker).get(f"{INBOUND}?person=abc").status_code == 404


def test_it_opens_a_case_at_screening_when_an_inbound_referral_is_accepted(world, login):
    referral = _inbound(world)
    response = login(world.users["social_expert"]).post(_action("accept", referral), {"reason": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.answered_by == world.users["social_expert"]
    case = Case.objects.get(person=referral.person)
    assert referral.case == case and case.status == CaseStatus.SCREENING
    assert _events(referral) == [ReferralStatus.ACCEPTED]


def test_it_keeps_the_open_case_when_an_inbound_referral_is_accepted(world, login):
    case = _case(world, status=CaseStatus.TAKEN_IN_CHARGE)
    referral = _inbound(world, person=case.person)
    login(world.users["director"]).post(_action("accept", referral), {"reason": "Coerente con il PIP"})
    referral.refresh_from_db()
    assert referral.case == case and Case.objects.filter(person=case.person).count() == 1
    assert referral.answer_reason == "Coerente con il PIP"


def test_it_requires_a_reason_to_decline(world, login):
    referral = _inbound(world)
    response = login(world.users["social_expert"]).post(_action("decline", referral), {"reason": ""})
    assert response.status_code == 200
    assert "Say why the referral is declined." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and not Case.objects.exists()


def test_it_declines_an_inbound_referral_without_opening_a_case(world, login):
    referral = _inbound(world)
    login(world.users["social_expert"]).post(_action("decline", referral), {"reason": "Fuori territorio"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.answer_reason == "Fuori territorio"
    assert not Case.objects.exists()


def test_it_refuses_to_answer_a_referral_twice(world, login):
    referral = _inbound(world)
    client = login(world.users["social_expert"])
    client.post(_action("decline", referral), {"reason": "Fuori territorio"})
    response = client.post(_action("accept", referral), {"reason": ""}, follow=True)
    assert "This referral has already been answered (it is “Declined”)." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and not Case.objects.exists()


# --- outbound ---------------------------------------------------------------------------------

def test_it_lists_the_network_offerings_of_the_chosen_service(world, login):
    case = _case(world)
    OfferingFactory(organisation=world.partner_org, service=service("F2.4.c"))
    OfferingFactory(organisation=world.org_b, service=service("F2.4.c"))  # network of B only
    client = login(world.users["social_expert"])
    content = client.get(_outbound_url(case)).content.decode()
    assert "Choose the service the person needs" in content and world.partner_org.name not in content
    content = client.get(_outbound_url(case), {"service": service("F2.4.c").pk}).content.decode()
    assert world.partner_org.name in content and world.org_b.name not in content
    partial = client.get(_outbound_url(case), {"service": service("F2.4.c").pk},
                         HTTP_HX_REQUEST="true", HTTP_HX_TARGET="referral-step").content.decode()
    assert world.partner_org.name in partial and "<html" not in partial
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                     object_id=str(case.pk)).exists()


def test_it_sends_an_outbound_referral_for_a_picked_offering(world, login):
    case = _case(world)
    offering = OfferingFactory(organisation=world.partner_org, service=service("F2.4.c"))
    response = login(world.users["social_expert"]).post(_outbound_url(case), {
        "service": offering.service_id, "offering": offering.pk, "organisation": "", "reason": "Serve un mediatore"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == _detail(referral)
    assert (referral.direction, referral.organisation, referral.offering, referral.service, referral.case) == (
        ReferralDirection.OUTBOUND, world.partner_org, offering, offering.service, case)
    assert _events(referral) == [ReferralStatus.SENT]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.referral").exists()


def test_it_sends_an_outbound_referral_to_an_organisation_without_an_offering(world, login):
    case = _case(world)
    login(world.users["labour_expert"]).post(_outbound_url(case), {
        "service": service("F2.4.c").pk, "offering": "", "organisation": world.org_a.pk, "reason": "Orientamento"})
    referral = Referral.objects.get()
    assert referral.organisation == world.org_a and referral.offering is None


def test_it_refuses_an_outbound_referral_without_a_recipient(world, login):
    case = _case(world)
    response = login(world.users["social_expert"]).post(_outbound_url(case), {
        "service": service("F2.4.c").pk, "offering": "", "organisation": "", "reason": "Orientamento"})
    assert "Choose an offering from the directory or an organisation." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_an_outbound_referral_twice_to_the_same_service(world):
    case = _case(world)
    _outbound(world, case=case)
    with pytest.raises(ValidationError, match="already has an open referral"):
        _outbound(world, case=case)


def test_it_refuses_an_organisation_outside_the_network(world):
    with pytest.raises(ValidationError) as error:
        _outbound(world, organisation=world.org_b)
    assert "Choose an active organisation of the access point's network." in str(error.value)
    assert not Referral.objects.exists()


def test_it_refuses_an_outbound_referral_on_a_closed_case(world, login):
    case = _case(world, status=CaseStatus.CLOSED)
    client = login(world.users["social_expert"])
    assert "reopen it before referring" in client.get(_outbound_url(case)).content.decode()
    response = client.post(_outbound_url(case), {
        "service": service("F2.4.c").pk, "organisation": world.partner_org.pk, "reason": "Orientamento"})
    assert "The case is closed: reopen it before referring the person." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_keeps_outbound_referrals_to_case_staff(world, login):
    case = _case(world)
    data = {"service": service("F2.4.c").pk, "organisation": world.partner_org.pk, "reason": "Orientamento"}
    assert login(world.users["outreach_operator"]).post(_outbound_url(case), data).status_code == 403
    assert login(world.other_worker).post(_outbound_url(case), data).status_code == 404
    assert login(world.users["partner_operator"]).get(_outbound_url(case)).status_code == 404
    assert not Referral.objects.exists()


# --- the partner's side ----------------------------------------------------------------------------

def test_it_walks_an_outbound_referral_through_accept_and_report(world, login):
    referral = _outbound(world)
    partner = login(world.users["partner_operator"])
    assert partner.post(_action("accept", referral), {"reason": "Posto disponibile"}).status_code == 302
    assert partner.post(_action("report", referral), {"report": "Tre incontri svolti"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.report == "Tre incontri svolti"
    assert referral.reported_at is not None and referral.answered_by == world.users["partner_operator"]
    assert _events(referral) == [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]
    staff_view = login(world.users["social_expert"]).get(_detail(referral)).content.decode()
    assert "Tre incontri svolti" in staff_view and "Posto disponibile" in staff_view


def test_it_lets_the_partner_decline_with_a_reason(world, login):
    referral = _outbound(world)
    partner = login(world.users["partner_operator"])
    response = partner.post(_action("decline", referral), {"reason": ""})
    assert "Say why the referral is declined." in response.content.decode()
    partner.post(_action("decline", referral), {"reason": "Nessun posto"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_it_refuses_a_report_on_a_declined_referral(world, login):
    referral = _outbound(world)
    partner = login(world.users["partner_operator"])
    partner.post(_action("decline", referral), {"reason": "Nessun posto"})
    response = partner.post(_action("report", referral), {"report": "Niente"}, follow=True)
    assert "Only an accepted referral can be reported on (this one is “Declined”)." in response.content.decode()
    referral.refresh_from_db()
    assert referral.report == "" and referral.status == ReferralStatus.DECLINED


def test_it_requires_the_report_text(world, login):
    referral = _outbound(world)
    partner = login(world.users["partner_operator"])
    partner.post(_action("accept", referral), {"reason": ""})
    response = partner.post(_action("report", referral), {"report": " "})
    assert "Write the report for the access point." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_it_lets_only_the_receiving_organisation_answer(world, login):
    referral = _outbound(world)
    assert login(world.users["social_expert"]).post(_action("accept", referral)).status_code == 403
    inbound = _inbound(world, organisation=world.partner_org)
    assert login(world.users["partner_operator"]).post(_action("accept", inbound)).status_code == 403
    response = login(world.users["partner_operator"]).post(_action("report", inbound), {"report": "x"}, follow=True)
    assert "Only the organisation a person was referred to reports back." in response.content.decode()
    inbound.refresh_from_db()
    referral.refresh_from_db()
    assert referral.status == inbound.status == ReferralStatus.SENT


def test_it_shows_partners_only_their_organisations_referrals(world, login):
    mine = _outbound(world)
    other = _outbound(world, organisation=world.org_a)
    response = login(world.users["partner_operator"]).get(LIST)
    content = response.content.decode()
    assert response.status_code == 200 and "Referral inbox" in content
    assert _detail(mine) in content and _detail(other) not in content
    assert login(world.users["partner_operator"]).get(_detail(other)).status_code == 404


def test_it_shows_a_partner_only_the_case_number_without_consent(world, login):
    referral = _outbound(world, case=_case(world, phone="333 1234567", tax_code="QGLSTM80A01D150X"))
    for url in (LIST, _detail(referral)):
        content = login(world.users["partner_operator"]).get(url).content.decode()
        assert referral.person.case_number in content
        assert "Quaglieri" not in content and "Settimio" not in content and "333 1234567" not in content
        assert "QGLSTM80A01D150X" not in content


def test_it_shows_a_partner_names_and_phone_with_active_consent(world, login):
    case = _case(world, phone="333 1234567", tax_code="QGLSTM80A01D150X")
    referral = _outbound(world, case=case)
    ConsentFactory(person=case.person, organisation=world.partner_org, recorded_by=world.users["social_expert"])
    content = login(world.users["partner_operator"]).get(_detail(referral)).content.decode()
    assert "Settimio" in content and "Quaglieri" in content and "333 1234567" in content
    assert "QGLSTM80A01D150X" not in content and "Mediazione per il colloquio" in content
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     actor=world.users["partner_operator"]).exists()
    assert "Quaglieri" in login(world.users["partner_operator"]).get(LIST).content.decode()


def test_it_hides_documents_and_other_partners_from_a_partner(world, login):
    case = _case(world)
    referral = _outbound(world, case=case)
    _outbound(world, case=case, organisation=world.org_a)
    ConsentFactory(person=case.person, organisation=world.partner_org, recorded_by=world.users["social_expert"])
    content = login(world.users["partner_operator"]).get(_detail(referral)).content.decode()
    assert "Documents" not in content and world.org_a.name not in content
    assert "Documents" in login(world.users["social_expert"]).get(_detail(referral)).content.decode()


def test_it_stops_showing_names_after_consent_is_withdrawn(world, login):
    case = _case(world)
    referral = _outbound(world, case=case)
    ConsentFactory(person=case.person, organisation=world.partner_org, recorded_by=world.users["social_expert"],
                   withdrawn_at=timezone.now())
    content = login(world.users["partner_operator"]).get(_detail(referral)).content.decode()
    assert referral.person.case_number in content and "Quaglieri" not in content


# --- withdrawing -----------------------------------------------------------------------------------

def test_it_withdraws_a_waiting_referral(world, login):
    referral = _outbound(world)
    response = login(world.users["social_expert"]).post(_action("withdraw", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert _events(referral) == [ReferralStatus.SENT, ReferralStatus.WITHDRAWN]
    response = login(world.users["partner_operator"]).post(_action("accept", referral), {"reason": ""}, follow=True)
    assert "This referral was withdrawn: it can no longer be answered." in response.content.decode()


def test_it_refuses_to_withdraw_an_answered_referral(world, login):
    referral = _outbound(world)
    referral_accept(referral=referral, by=world.users["partner_operator"])
    response = login(world.users["social_expert"]).post(_action("withdraw", referral), follow=True)
    assert "Only a referral waiting for an answer can be withdrawn (this one is “Accepted”)." in (
        response.content.decode())
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_it_keeps_withdrawal_to_the_access_point(world, login):
    referral = _outbound(world)
    assert login(world.users["partner_operator"]).post(_action("withdraw", referral)).status_code == 403
    assert login(world.users["outreach_operator"]).post(_action("withdraw", referral)).status_code == 403
    assert login(world.other_worker).post(_action("withdraw", referral)).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


# --- list, detail and access ---------------------------------------------------------------------------

def test_it_shows_a_referral_to_staff_and_audits_the_read(world, login):
    referral = _inbound(world)
    response = login(world.users["outreach_operator"]).get(_detail(referral))
    assert response.status_code == 200
    content = response.content.decode()
    assert referral.person.case_number in content and "Quaglieri" not in content
    assert "Answer the referral" not in content  # outreach operators do not answer
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.referral",
                                     object_id=str(referral.pk)).exists()
    content = login(world.users["social_expert"]).get(_detail(referral)).content.decode()
    assert "Quaglieri" in content and "Answer the referral" in content


def test_it_filters_the_staff_list(world, login):
    inbound = _inbound(world)
    outbound = _outbound(world)
    declined = _outbound(world, organisation=world.org_a)
    Referral.objects.filter(pk=declined.pk).update(status=ReferralStatus.DECLINED)
    client = login(world.users["director"])
    content = client.get(LIST).content.decode()
    assert all(_detail(r) in content for r in (inbound, outbound, declined))
    content = client.get(LIST, {"direction": "inbound"}).content.decode()
    assert _detail(inbound) in content and _detail(outbound) not in content
    content = client.get(LIST, {"status": "declined"}).content.decode()
    assert _detail(declined) in content and _detail(outbound) not in content
    content = client.get(LIST, {"organisation": world.partner_org.pk}).content.decode()
    assert _detail(outbound) in content and _detail(declined) not in content
    content = client.get(LIST, {"q": inbound.person.case_number}).content.decode()
    assert _detail(inbound) in content and _detail(outbound) not in content
    partial = client.get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="referral-results").content.decode()
    assert _detail(inbound) in partial and "<html" not in partial


def test_it_lists_only_the_referrals_of_the_users_access_points(world, login):
    mine = _inbound(world)
    theirs = _inbound(world, person=_person(world, ap=world.ap_b), organisation=world.org_b)
    content = login(world.other_worker).get(LIST).content.decode()
    assert _detail(theirs) in content and _detail(mine) not in content


@pytest.mark.parametrize("name", ["detail", "accept", "decline", "report", "withdraw"])
def test_it_hides_a_referral_from_another_access_point(world, login, name):
    referral = _inbound(world)
    client = login(world.other_director)
    response = client.get(_detail(referral)) if name == "detail" else client.post(_action(name, referral))
    assert response.status_code == 404


def test_it_keeps_board_viewers_out(world, login):
    referral = _inbound(world)
    client = login(world.users[Role.BOARD_VIEWER.value])
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(referral)).status_code == 404
    assert client.get(INBOUND).status_code == 403
    assert client.get(_outbound_url(_case(world))).status_code == 404


@pytest.mark.parametrize("method,url_name", [
    ("get", "list"), ("get", "inbound"), ("get", "outbound"), ("get", "detail"), ("post", "accept"),
    ("post", "decline"), ("post", "report"), ("post", "withdraw"),
])
def test_it_sends_anonymous_users_to_the_login_page(world, client, method, url_name):
    referral = _outbound(world)
    urls = {"list": LIST, "inbound": INBOUND, "outbound": _outbound_url(referral.case)}
    url = urls.get(url_name) or (_detail(referral) if url_name == "detail" else _action(url_name, referral))
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_it_refuses_get_on_state_changes(world, login):
    referral = _inbound(world)
    assert login(world.users["social_expert"]).get(_action("accept", referral)).status_code == 405


def _many(world, count):
    for i in range(count):
        case = _case(world)
        _outbound(world, case=case)
        _inbound(world, person=_person(world), organisation=world.partner_org)
        if i % 2:
            ConsentFactory(person=case.person, organisation=world.partner_org,
                           recorded_by=world.users["social_expert"])


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("role", ["director", "partner_operator"])
def test_it_lists_referrals_in_a_bounded_number_of_queries(world, login, django_assert_max_num_queries, count, role):
    _many(world, count)
    client = login(world.users[role])
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert response.status_code == 200


def test_it_lists_a_persons_referrals_for_the_journey_page(world):
    person = _person(world)
    inbound = _inbound(world, person=person)
    case = CaseFactory(person=person)
    outbound = _outbound(world, case=case)
    _inbound(world)  # someone else
    user = world.users["social_expert"]
    assert referrals_selectors.referrals_for_person(user, person) == [outbound, inbound]
    assert referrals_selectors.referrals_for_person(world.other_worker, person) == []
    assert referrals_selectors.referrals_for_person(world.users["partner_operator"], person) == [outbound]
    request = RequestFactory().get("/")
    request.user = user
    html = render_to_string("cases/journey/_referrals.html", {
        "referrals": [outbound, inbound], "person": person, "user": user}, request=request)
    assert _detail(outbound) in html and _detail(inbound) in html
    assert f"{INBOUND}?person={person.pk}" in html


def test_it_lists_the_referrals_waiting_for_the_users_answer(world):
    inbound = _inbound(world)
    outbound = _outbound(world)
    assert referrals_selectors.referrals_waiting(world.users["social_expert"]) == [inbound]
    assert referrals_selectors.referrals_waiting(world.users["partner_operator"]) == [outbound]
    assert referrals_selectors.referrals_waiting(world.users["outreach_operator"]) == []
