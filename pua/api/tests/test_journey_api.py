"""/api/v1/contacts/, consents/ and referrals/: the rules of the pages
through the API, with the same services (errors come back as the usual 400)
and an audit READ for every contact and referral shown."""

import datetime

import pytest
from django.utils import timezone

from pua.cases.models import Consent, Contact, Referral, ReferralDirection, ReferralStatus
from pua.cases.referrals_services import referral_create_outbound
from pua.cases.tests.factories import CaseFactory, ConsentFactory, ContactFactory, PersonFactory, ReferralFactory
from pua.network.tests.factories import OrganisationFactory
from pua.network.tests.search_factories import service

from .assertions import assert_error, audit_entries, ids

CONTACTS = "/api/v1/contacts/"
CONSENTS = "/api/v1/consents/"
REFERRALS = "/api/v1/referrals/"


def _person(world, ap=None, **fields):
    fields.setdefault("last_name", "Quaglieri")
    return PersonFactory(access_point=ap or world.ap_a, **fields)


def _contact(world, ap=None, **fields):
    ap = ap or world.ap_a
    fields.setdefault("operator", world.users["outreach_operator"] if ap == world.ap_a else world.other_worker)
    return ContactFactory(access_point=ap, **fields)


# --- contacts ---------------------------------------------------------------------------------

def test_it_records_an_anonymous_contact_at_the_current_access_point(api_as, world):
    operator = world.users["outreach_operator"]

    response = api_as(operator).post(CONTACTS, {
        "channel": "street_unit", "alias": "Ali", "approximate_age": 30, "nationality": "MA",
        "needs_expressed": "Lavoro e alloggio", "materials_languages": ["ar", "fr"],
    }, format="json")

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.access_point == world.ap_a and contact.operator == operator and contact.person is None
    assert sorted(response.json()["materials_languages"]) == ["ar", "fr"]
    assert "Lavoro" not in str(audit_entries(contact, "create").get().changes)


def test_it_records_a_contact_for_a_known_person_at_their_access_point(api_as, world):
    person = _person(world)

    response = api_as(world.users["social_expert"]).post(CONTACTS, {"channel": "desk", "person": person.pk},
                                                          format="json")

    assert response.status_code == 201, response.content
    assert response.json()["person_ref"]["case_number"] == person.case_number
    assert Contact.objects.get().person == person


def test_it_refuses_an_invalid_contact_and_saves_nothing(api_as, world):
    api = api_as(world.users["outreach_operator"])
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()

    bad_channel = api.post(CONTACTS, {"channel": "pigeon", "nationality": "xx"}, format="json")
    in_future = api.post(CONTACTS, {"channel": "desk", "occurred_at": future}, format="json")
    other_operator = api.post(CONTACTS, {"channel": "desk", "operator": world.other_worker.pk}, format="json")

    assert {"channel", "nationality"} <= set(assert_error(bad_channel, 400, "invalid")["fields"])
    assert "occurred_at" in assert_error(in_future, 400)["fields"]
    assert "operator" in assert_error(other_operator, 400)["fields"]
    assert not Contact.objects.exists()


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator", "admin"])
def test_it_keeps_contacts_from_roles_without_people(api_as, world, role):
    contact = _contact(world)
    api = api_as(world.users[role])

    assert_error(api.get(CONTACTS), 403)
    assert_error(api.get(f"{CONTACTS}{contact.pk}/"), 404)
    assert_error(api.post(CONTACTS, {"channel": "desk"}, format="json"), 403)


def test_it_answers_anonymous_clients_with_401(api, world):
    contact = _contact(world)
    referral = ReferralFactory(person=_person(world))

    assert_error(api.get(CONTACTS), 401, "not_authenticated")
    assert_error(api.get(f"{CONTACTS}{contact.pk}/"), 401)
    assert_error(api.get(CONSENTS), 401)
    assert_error(api.get(f"{REFERRALS}{referral.pk}/"), 401)
    assert_error(api.post(f"{REFERRALS}inbound/", {}, format="json"), 401)


def test_it_lists_and_filters_contacts_like_the_page(api_as, world):
    person = _person(world)
    anonymous = _contact(world, channel="hotline")
    linked = _contact(world, person=person, channel="desk")
    other = _contact(world, ap=world.ap_b)
    api = api_as(world.users["outreach_operator"])

    assert ids(api.get(CONTACTS)) == {anonymous.pk, linked.pk}
    assert ids(api.get(CONTACTS, {"anonymous": "true"})) == {anonymous.pk}
    assert ids(api.get(CONTACTS, {"channel": "desk"})) == {linked.pk}
    assert ids(api.get(CONTACTS, {"person": person.pk})) == {linked.pk}
    assert other.pk not in ids(api.get(CONTACTS))
    assert "date_to" in assert_error(api.get(CONTACTS, {"date_from": "2026-05-02", "date_to": "2026-05-01"}),
                                     400)["fields"]


@pytest.mark.parametrize("rows", [2, 15])
def test_it_lists_contacts_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _contact(world, person=_person(world))
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(11):  # one INSERT: the audit entry of the page
        response = api.get(CONTACTS)

    assert len(response.json()["results"]) == rows


def test_it_audits_a_contact_and_its_person_on_retrieve(api_as, world):
    person = _person(world)
    contact = _contact(world, person=person)

    response = api_as(world.users["outreach_operator"]).get(f"{CONTACTS}{contact.pk}/")

    assert response.status_code == 200
    assert "last_name" not in response.json()["person_ref"]
    assert audit_entries(contact, "read").count() == 1
    assert audit_entries(person, "read").count() == 1


def test_it_hides_the_contacts_of_another_access_point(api_as, world):
    contact = _contact(world)
    api = api_as(world.other_worker)

    assert_error(api.get(f"{CONTACTS}{contact.pk}/"), 404)
    assert_error(api.patch(f"{CONTACTS}{contact.pk}/", {"alias": "X"}, format="json"), 404)
    assert_error(api.post(f"{CONTACTS}{contact.pk}/link/", {"person": _person(world).pk}, format="json"), 404)
    assert not audit_entries(contact, "read").exists()


def test_it_corrects_and_links_a_contact(api_as, world):
    contact = _contact(world, alias="Ali")
    person = _person(world)
    other_person = _person(world, ap=world.ap_b)
    api = api_as(world.users["outreach_operator"])

    corrected = api.patch(f"{CONTACTS}{contact.pk}/", {"approximate_age": 31}, format="json")
    no_person_move = api.patch(f"{CONTACTS}{contact.pk}/", {"person": person.pk}, format="json")
    out_of_reach = api.post(f"{CONTACTS}{contact.pk}/link/", {"person": other_person.pk}, format="json")
    linked = api.post(f"{CONTACTS}{contact.pk}/link/", {"person": person.pk}, format="json")
    twice = api.post(f"{CONTACTS}{contact.pk}/link/", {"person": person.pk}, format="json")

    assert corrected.status_code == 200 and corrected.json()["approximate_age"] == 31
    assert "person" in assert_error(no_person_move, 400)["fields"]
    assert "person" in assert_error(out_of_reach, 400)["fields"]
    assert linked.status_code == 200 and linked.json()["person"] == person.pk
    assert "person" in assert_error(twice, 400)["fields"]
    assert audit_entries(contact, "update").count() == 2


# --- consents ---------------------------------------------------------------------------------

def test_it_gives_and_withdraws_a_sharing_consent(api_as, world):
    person = _person(world)
    api = api_as(world.users["outreach_operator"])

    given = api.post(CONSENTS, {"person": person.pk, "purpose": "sharing", "organisation": world.partner_org.pk},
                     format="json")
    listed = api.get(CONSENTS, {"person": person.pk, "active": "true"})
    withdrawn = api.post(f"{CONSENTS}{given.json()['id']}/withdraw/", {}, format="json")

    assert given.status_code == 201, given.content
    assert given.json()["is_active"] is True and given.json()["recorded_by"] == world.users["outreach_operator"].pk
    assert ids(listed) == {given.json()["id"]}
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
    assert Consent.objects.get().withdrawn_by == world.users["outreach_operator"]
    assert ids(api.get(CONSENTS, {"active": "false"})) == {given.json()["id"]}


def test_it_refuses_invalid_consents_with_the_services_messages(api_as, world):
    person = _person(world)
    ConsentFactory(person=person, organisation=world.partner_org)
    api = api_as(world.users["social_expert"])

    no_organisation = api.post(CONSENTS, {"person": person.pk, "purpose": "sharing"}, format="json")
    outside = api.post(CONSENTS, {"person": person.pk, "purpose": "sharing", "organisation": world.org_b.pk},
                       format="json")
    twice = api.post(CONSENTS, {"person": person.pk, "purpose": "sharing", "organisation": world.partner_org.pk},
                     format="json")

    assert "organisation" in assert_error(no_organisation, 400)["fields"]
    assert "organisation" in assert_error(outside, 400)["fields"]
    assert assert_error(twice, 400)["fields"]["non_field_errors"]
    assert Consent.objects.count() == 1


def test_it_refuses_withdrawing_twice(api_as, world):
    consent = ConsentFactory(person=_person(world), organisation=world.partner_org, withdrawn_at=timezone.now(),
                             withdrawn_by=world.users["director"])

    error = assert_error(api_as(world.users["director"]).post(f"{CONSENTS}{consent.pk}/withdraw/", {},
                                                              format="json"), 400)

    assert error["fields"]["non_field_errors"]


def test_it_keeps_consents_within_the_access_point(api_as, world):
    consent = ConsentFactory(person=_person(world), organisation=world.partner_org)
    elsewhere = _person(world, ap=world.ap_b)

    api = api_as(world.other_worker)
    assert consent.pk not in ids(api.get(CONSENTS))
    assert_error(api.get(f"{CONSENTS}{consent.pk}/"), 404)
    assert_error(api.post(f"{CONSENTS}{consent.pk}/withdraw/", {}, format="json"), 404)
    partner = api_as(world.users["partner_operator"])
    assert_error(partner.get(CONSENTS), 403)
    assert_error(partner.get(f"{CONSENTS}{consent.pk}/"), 404)
    mine = api_as(world.users["director"]).post(CONSENTS, {"person": elsewhere.pk, "purpose": "case_management"},
                                                format="json")
    assert "person" in assert_error(mine, 400)["fields"]
    assert Consent.objects.count() == 1


# --- referrals --------------------------------------------------------------------------------

def _case(world, ap=None, status="screening"):
    return CaseFactory(person=_person(world, ap), status=status)


def _outbound(world, case=None):
    return referral_create_outbound(case=case or _case(world), organisation=world.partner_org,
                                    service=service("F2.4.c"), reason="Mediazione", by=world.users["social_expert"])


def test_it_records_an_inbound_referral(api_as, world):
    person = _person(world)

    response = api_as(world.users["social_expert"]).post(f"{REFERRALS}inbound/", {
        "person": person.pk, "organisation": world.org_a.pk, "reason": "Percorso di inserimento",
        "referrer_name": "Dott.ssa Neri",
    }, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["direction"] == "inbound" and data["status"] == "sent"
    assert data["person_ref"]["last_name"] == "Quaglieri"
    assert audit_entries(Referral.objects.get(), "create").exists()


def test_it_refuses_invalid_inbound_referrals(api_as, world):
    person = _person(world)
    outsider = OrganisationFactory(name="Ente Esterno")
    api = api_as(world.users["social_expert"])

    no_reason = api.post(f"{REFERRALS}inbound/", {"person": person.pk, "organisation": world.org_a.pk, "reason": " "},
                         format="json")
    outside = api.post(f"{REFERRALS}inbound/", {"person": person.pk, "organisation": world.org_b.pk,
                                                "reason": "x"}, format="json")
    not_in_network = api.post(f"{REFERRALS}inbound/", {"person": person.pk, "organisation": outsider.pk,
                                                       "reason": "x"}, format="json")
    outreach = api_as(world.users["outreach_operator"]).post(
        f"{REFERRALS}inbound/", {"person": person.pk, "organisation": world.org_a.pk, "reason": "x"}, format="json")

    assert "reason" in assert_error(no_reason, 400)["fields"]
    assert "organisation" in assert_error(outside, 400)["fields"]
    assert "organisation" in assert_error(not_in_network, 400)["fields"]
    assert_error(outreach, 403)
    assert not Referral.objects.exists()


def test_it_sends_an_outbound_referral_from_an_open_case(api_as, world):
    case = _case(world)
    api = api_as(world.users["social_expert"])

    response = api.post(f"{REFERRALS}outbound/", {
        "case": case.pk, "organisation": world.partner_org.pk, "service": service("F2.4.c").pk,
        "reason": "Mediazione per il colloquio",
    }, format="json")
    duplicate = api.post(f"{REFERRALS}outbound/", {
        "case": case.pk, "organisation": world.partner_org.pk, "service": service("F2.4.c").pk, "reason": "Ancora",
    }, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["service_code"] == "F2.4.c" and response.json()["case"] == case.pk
    assert assert_error(duplicate, 400)["fields"]["non_field_errors"]
    assert Referral.objects.count() == 1


def test_it_refuses_outbound_referrals_from_closed_or_foreign_cases(api_as, world):
    closed = _case(world, status="closed")
    foreign = _case(world, ap=world.ap_b)
    api = api_as(world.users["director"])
    payload = {"organisation": world.partner_org.pk, "service": service("F2.4.c").pk, "reason": "x"}

    assert assert_error(api.post(f"{REFERRALS}outbound/", {"case": closed.pk, **payload}, format="json"),
                        400)["fields"]["non_field_errors"]
    assert "case" in assert_error(api.post(f"{REFERRALS}outbound/", {"case": foreign.pk, **payload},
                                           format="json"), 400)["fields"]
    assert not Referral.objects.exists()


def test_it_lets_the_partner_answer_and_report_on_their_referrals(api_as, world):
    referral = _outbound(world)
    ConsentFactory(person=referral.person, organisation=world.partner_org)
    partner = api_as(world.users["partner_operator"])

    inbox = partner.get(REFERRALS)
    detail = partner.get(f"{REFERRALS}{referral.pk}/")
    accepted = partner.post(f"{REFERRALS}{referral.pk}/accept/", {"reason": "Posto disponibile"}, format="json")
    no_report = partner.post(f"{REFERRALS}{referral.pk}/report/", {"report": ""}, format="json")
    reported = partner.post(f"{REFERRALS}{referral.pk}/report/", {"report": "Percorso concluso"}, format="json")

    assert ids(inbox) == {referral.pk}
    assert detail.json()["person_ref"]["last_name"] == "Quaglieri"  # shared with consent, as on the page
    assert audit_entries(referral, "read").exists() and audit_entries(referral.person, "read").exists()
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert "report" in assert_error(no_report, 400)["fields"]
    assert reported.status_code == 200 and reported.json()["status"] == "completed"


def test_it_hides_names_from_a_partner_without_consent(api_as, world):
    referral = _outbound(world)

    detail = api_as(world.users["partner_operator"]).get(f"{REFERRALS}{referral.pk}/").json()

    assert detail["person_ref"] == {"id": referral.person.pk, "case_number": referral.person.case_number}
    assert not audit_entries(referral.person, "read").exists()


def test_it_keeps_other_referrals_from_a_partner(api_as, world):
    other_org = _outbound(world)
    Referral.objects.filter(pk=other_org.pk).update(organisation=world.org_a)
    inbound = ReferralFactory(person=_person(world), direction=ReferralDirection.INBOUND,
                              organisation=world.org_a, service=None)
    partner = api_as(world.users["partner_operator"])

    assert ids(partner.get(REFERRALS)) == set()
    assert_error(partner.get(f"{REFERRALS}{other_org.pk}/"), 404)
    assert_error(partner.post(f"{REFERRALS}{inbound.pk}/accept/", {}, format="json"), 404)
    assert_error(partner.post(f"{REFERRALS}inbound/", {"person": inbound.person.pk, "organisation": world.org_a.pk,
                                                       "reason": "x"}, format="json"), 400)


def test_it_lets_the_staff_accept_an_inbound_referral_opening_a_case(api_as, world):
    referral = ReferralFactory(person=_person(world), direction=ReferralDirection.INBOUND, organisation=world.org_a,
                               service=None)
    api = api_as(world.users["social_expert"])

    outbound_answer = api.post(f"{REFERRALS}{_outbound(world).pk}/accept/", {}, format="json")
    accepted = api.post(f"{REFERRALS}{referral.pk}/accept/", {}, format="json")

    assert_error(outbound_answer, 403)
    assert accepted.status_code == 200, accepted.content
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case.status == "screening"


def test_it_declines_and_withdraws_with_the_services_rules(api_as, world):
    waiting = _outbound(world)
    declined = _outbound(world)
    partner = api_as(world.users["partner_operator"])
    no_reason = partner.post(f"{REFERRALS}{declined.pk}/decline/", {"reason": ""}, format="json")
    partner.post(f"{REFERRALS}{declined.pk}/decline/", {"reason": "Nessun posto"}, format="json")
    partner_withdraw = partner.post(f"{REFERRALS}{waiting.pk}/withdraw/", {}, format="json")
    staff = api_as(world.users["social_expert"])

    withdrawn = staff.post(f"{REFERRALS}{waiting.pk}/withdraw/", {}, format="json")
    too_late = staff.post(f"{REFERRALS}{declined.pk}/withdraw/", {}, format="json")

    assert "reason" in assert_error(no_reason, 400)["fields"]
    assert_error(partner_withdraw, 403)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert assert_error(too_late, 400)["fields"]["non_field_errors"]
    declined.refresh_from_db()
    assert declined.status == ReferralStatus.DECLINED


def test_it_hides_the_referrals_of_another_access_point(api_as, world):
    referral = _outbound(world)
    api = api_as(world.other_director)

    assert referral.pk not in ids(api.get(REFERRALS))
    assert_error(api.get(f"{REFERRALS}{referral.pk}/"), 404)
    assert_error(api.post(f"{REFERRALS}{referral.pk}/withdraw/", {}, format="json"), 404)
    assert_error(api_as(world.users["board_viewer"]).get(REFERRALS), 403)
    assert_error(api_as(world.users["board_viewer"]).get(f"{REFERRALS}{referral.pk}/"), 404)


def test_it_filters_referrals_like_the_page(api_as, world):
    outbound = _outbound(world)
    inbound = ReferralFactory(person=_person(world), direction=ReferralDirection.INBOUND, organisation=world.org_a,
                              service=None)
    api = api_as(world.users["director"])

    assert ids(api.get(REFERRALS, {"direction": "inbound"})) == {inbound.pk}
    assert ids(api.get(REFERRALS, {"organisation": world.partner_org.pk})) == {outbound.pk}
    assert ids(api.get(REFERRALS, {"q": inbound.person.case_number})) == {inbound.pk}
    assert_error(api.get(REFERRALS, {"organisation": world.org_b.pk}), 400)


@pytest.mark.parametrize("rows", [2, 12])
def test_it_lists_referrals_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        referral = _outbound(world)
        ConsentFactory(person=referral.person, organisation=world.partner_org)
    api = api_as(world.users["partner_operator"])

    with django_assert_max_num_queries(12):
        response = api.get(REFERRALS)

    assert len(response.json()["results"]) == rows
    assert all("last_name" in row["person_ref"] for row in response.json()["results"])
