"""Privacy notices, their delivery, consents by purpose and their withdrawal,
and what withdrawal means for partners."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pua.cases import access
from pua.cases.models import (
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    ConsentPurpose,
    PrivacyNotice,
    PrivacyNoticeDelivery,
)
from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, ReferralFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language

NOTICES = reverse("cases:privacy_notice_list")
NEW_NOTICE = reverse("cases:privacy_notice_create")


@pytest.fixture(autouse=True)
def _english(world):
    get_user_model().objects.update(preferred_language="en")


@pytest.fixture
def italian(db):
    return Language.objects.get(code="it")


def _url(name, obj):
    return reverse(f"cases:{name}", args=[obj.pk])


def _notice(ap, language, **fields):
    fields.setdefault("version", "2026.1")
    fields.setdefault("title", "Informativa privacy")
    fields.setdefault("text", "Titolare del trattamento è il Comune.")
    fields.setdefault("valid_from", timezone.localdate() - datetime.timedelta(days=30))
    return PrivacyNotice.objects.create(access_point=ap, language=language, **fields)


def _notice_form(language, **overrides):
    data = {"title": "Informativa", "version": "2026.2", "language": language.pk,
            "valid_from": timezone.localdate().isoformat(), "text": "Testo", "is_active": "on"}
    data.update(overrides)
    return data


def _consent_form(**overrides):
    data = {"purpose": "case_management", "organisation": "", "notice": "",
            "given_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "notes": ""}
    data.update(overrides)
    return data


def _person(world, ap=None, **fields):
    return PersonFactory(access_point=ap or world.ap_a, **fields)


# --- privacy notices ------------------------------------------------------------------------

def test_it_lists_the_notices_of_the_access_point(world, login, italian):
    mine = _notice(world.ap_a, italian)
    other = _notice(world.ap_b, italian, title="Informativa Beta")
    response = login(world.users["outreach_operator"]).get(NOTICES)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine] and other.title not in response.content.decode()
    assert response.context["can_manage"] is False and NEW_NOTICE not in response.content.decode()
    assert NEW_NOTICE in login(world.users["director"]).get(NOTICES).content.decode()


def test_it_lets_the_director_create_a_notice(world, login, italian):
    director = world.users["director"]
    response = login(director).post(NEW_NOTICE, _notice_form(italian))
    notice = PrivacyNotice.objects.get()
    assert response.status_code == 302 and response.url == _url("privacy_notice_detail", notice)
    assert notice.access_point == world.ap_a and notice.version == "2026.2" and notice.is_active
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.privacynotice")
    assert entry.actor == director and entry.changes["version"] == [None, "2026.2"]


def test_it_refuses_a_second_notice_with_the_same_version_and_language(world, login, italian):
    _notice(world.ap_a, italian, version="2026.2")
    response = login(world.users["director"]).post(NEW_NOTICE, _notice_form(italian))
    assert response.status_code == 200
    assert response.context["form"].errors["version"] == [
        "Version 2026.2 in this language already exists at this access point."]
    assert PrivacyNotice.objects.count() == 1
    english = Language.objects.get(code="en")
    assert login(world.users["director"]).post(NEW_NOTICE, _notice_form(english)).status_code == 302


def test_it_refuses_a_notice_without_title(world, login, italian):
    response = login(world.users["director"]).post(NEW_NOTICE, _notice_form(italian, title=""))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert not PrivacyNotice.objects.exists()


@pytest.mark.parametrize("role", ["social_expert", "outreach_operator", "board_viewer", "partner_operator"])
def test_it_keeps_notice_management_for_the_director(world, login, italian, role):
    notice = _notice(world.ap_a, italian)
    client = login(world.users[role])
    assert client.get(NEW_NOTICE).status_code == 403
    assert client.post(NEW_NOTICE, _notice_form(italian)).status_code == 403
    assert client.post(_url("privacy_notice_edit", notice), _notice_form(italian)).status_code in (403, 404)
    assert PrivacyNotice.objects.count() == 1


@pytest.mark.parametrize("role", ["board_viewer", "partner_operator", "regional_coordinator"])
def test_it_hides_notices_from_roles_outside_the_journey(world, login, italian, role):
    notice = _notice(world.ap_a, italian)
    client = login(world.users[role])
    assert client.get(NOTICES).status_code == 403
    assert client.get(_url("privacy_notice_detail", notice)).status_code == 404


def test_it_hides_notices_of_another_access_point(world, login, italian):
    notice = _notice(world.ap_a, italian)
    client = login(world.other_director)
    assert client.get(_url("privacy_notice_detail", notice)).status_code == 404
    assert client.post(_url("privacy_notice_edit", notice), _notice_form(italian)).status_code == 404


def test_it_freezes_the_text_of_a_notice_once_given(world, login, italian):
    notice = _notice(world.ap_a, italian)
    client = login(world.users["director"])
    assert client.post(_url("privacy_notice_edit", notice), _notice_form(italian, version="2026.1",
                                                                         text="Nuovo testo")).status_code == 302
    notice.refresh_from_db()
    assert notice.text == "Nuovo testo"
    PrivacyNoticeDelivery.objects.create(person=_person(world), notice=notice, given_on=timezone.localdate(),
                                         given_by=world.users["director"])
    response = client.post(_url("privacy_notice_edit", notice), _notice_form(italian, version="2026.1",
                                                                             text="Altro testo"))
    assert response.status_code == 200
    assert "Create a new version instead" in response.content.decode()
    response = client.post(_url("privacy_notice_edit", notice), _notice_form(
        italian, version="2026.1", title=notice.title, text="Nuovo testo", is_active="",
        valid_from=notice.valid_from.isoformat()))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text == "Nuovo testo" and notice.is_active is False


def test_it_shows_a_notice_to_the_staff(world, login, italian):
    notice = _notice(world.ap_a, italian)
    response = login(world.users["outreach_operator"]).get(_url("privacy_notice_detail", notice))
    assert response.status_code == 200 and "Titolare del trattamento" in response.content.decode()


def test_it_sends_anonymous_users_to_the_login(client, world, italian):
    notice = _notice(world.ap_a, italian)
    person = _person(world)
    consent = ConsentFactory(person=person, organisation=world.partner_org)
    for url in (NOTICES, NEW_NOTICE, _url("privacy_notice_detail", notice), _url("privacy_notice_edit", notice),
                _url("person_consents", person), _url("consent_give", person), _url("privacy_notice_give", person)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url
    assert client.post(_url("consent_withdraw", consent)).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- notice given ----------------------------------------------------------------------------

def test_it_records_a_notice_given_on_the_open_case(world, login, italian):
    notice = _notice(world.ap_a, italian)
    case = CaseFactory(person=_person(world), status=CaseStatus.SCREENING)
    user = world.users["outreach_operator"]
    response = login(user).post(_url("privacy_notice_give", case.person),
                                {"notice": notice.pk, "given_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response.url == _url("person_consents", case.person)
    delivery = PrivacyNoticeDelivery.objects.get()
    assert delivery.person == case.person and delivery.notice == notice and delivery.given_by == user
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.privacynoticedelivery").exists()
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.CONSENT)
    assert event.data["notice_id"] == notice.pk and "2026.1" in event.summary


def test_it_refuses_a_notice_given_before_it_was_valid_or_in_the_future(world, login, italian):
    notice = _notice(world.ap_a, italian, valid_from=timezone.localdate() - datetime.timedelta(days=3))
    person = _person(world)
    client = login(world.users["social_expert"])
    too_early = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = client.post(_url("privacy_notice_give", person), {"notice": notice.pk, "given_on": too_early})
    assert response.status_code == 200 and response.context["form"].errors["given_on"][0].startswith(
        "This notice is valid only from")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(_url("privacy_notice_give", person), {"notice": notice.pk, "given_on": tomorrow})
    assert response.context["form"].errors["given_on"] == ["The date cannot be in the future."]
    assert not PrivacyNoticeDelivery.objects.exists()


def test_it_offers_only_notices_of_the_persons_access_point(world, login, italian):
    other = _notice(world.ap_b, italian)
    person = _person(world)
    response = login(world.users["social_expert"]).post(_url("privacy_notice_give", person), {
        "notice": other.pk, "given_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["notice"]
    assert "no active privacy notice" in response.content.decode()
    assert not PrivacyNoticeDelivery.objects.exists()


# --- consents ----------------------------------------------------------------------------------

def test_it_records_a_consent_to_sharing_with_a_named_partner(world, login, italian):
    notice = _notice(world.ap_a, italian)
    case = CaseFactory(person=_person(world), status=CaseStatus.TAKEN_IN_CHARGE)
    user = world.users["social_expert"]
    client = login(user)
    form = client.get(_url("consent_give", case.person)).context["form"]
    assert world.partner_org in form.fields["organisation"].queryset
    assert world.org_b not in form.fields["organisation"].queryset
    response = client.post(_url("consent_give", case.person), _consent_form(
        purpose="sharing", organisation=world.partner_org.pk, notice=notice.pk, notes="Firmato con mediatrice"))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.purpose == "sharing" and consent.organisation == world.partner_org and consent.notice == notice
    assert consent.recorded_by == user and consent.is_active
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.consent")
    assert entry.changes["organisation"] == [None, world.partner_org.pk] and entry.changes["notes"] == [None, "[set]"]
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.CONSENT)
    assert event.data["action"] == "given" and event.data["organisation_id"] == world.partner_org.pk


def test_it_requires_an_organisation_only_for_sharing(world, login):
    person = _person(world)
    client = login(world.users["social_expert"])
    response = client.post(_url("consent_give", person), _consent_form(purpose="sharing"))
    assert response.context["form"].errors["organisation"] == ["Name the organisation the data may be shared with."]
    response = client.post(_url("consent_give", person), _consent_form(organisation=world.partner_org.pk))
    assert response.context["form"].errors["organisation"] == ["Only a consent to sharing names an organisation."]
    assert not Consent.objects.exists()


def test_it_refuses_an_organisation_outside_the_network(world, login):
    person = _person(world)
    response = login(world.users["social_expert"]).post(_url("consent_give", person), _consent_form(
        purpose="sharing", organisation=world.org_b.pk))
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert not Consent.objects.exists()


def test_it_refuses_a_duplicate_active_consent_but_not_after_withdrawal(world, login):
    person = _person(world)
    client = login(world.users["social_expert"])
    assert client.post(_url("consent_give", person), _consent_form()).status_code == 302
    response = client.post(_url("consent_give", person), _consent_form())
    assert response.status_code == 200
    assert "already active" in response.context["form"].non_field_errors()[0]
    assert Consent.objects.count() == 1
    consent = Consent.objects.get()
    client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""})
    assert client.post(_url("consent_give", person), _consent_form(
        given_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))).status_code == 302
    assert Consent.objects.count() == 2


def test_it_withdraws_a_consent_and_never_deletes_it(world, login):
    case = CaseFactory(person=_person(world), status=CaseStatus.PLAN_ACTIVE)
    consent = ConsentFactory(person=case.person, organisation=world.partner_org,
                             given_at=timezone.now() - datetime.timedelta(days=5))
    user = world.users["outreach_operator"]
    client = login(user)
    assert client.get(_url("consent_withdraw", consent)).status_code == 405
    response = client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""})
    assert response.status_code == 302 and response.url == _url("person_consents", case.person)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == user
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="cases.consent")
    assert entry.changes["withdrawn_by"] == [None, user.pk]
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.CONSENT).data["action"] == "withdrawn"
    page = client.get(response.url).content.decode()
    assert "Sharing based on it has stopped." in page and "Withdrawn" in page


def test_it_refuses_a_second_withdrawal_or_one_before_the_consent(world, login):
    consent = ConsentFactory(person=_person(world), organisation=world.partner_org)
    client = login(world.users["social_expert"])
    before = (timezone.localtime(consent.given_at) - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_url("consent_withdraw", consent), {"withdrawn_at": before}, follow=True)
    assert "The withdrawal cannot come before the consent was given." in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""})
    response = client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""}, follow=True)
    assert "This consent was already withdrawn" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="cases.consent").count() == 1


def test_it_shows_and_audits_a_persons_consents(world, login):
    person = _person(world, first_name="Settimio", last_name="Quaglieri")
    ConsentFactory(person=person, organisation=world.partner_org)
    ConsentFactory(person=person, purpose=ConsentPurpose.PHONE_CONTACT, organisation=None,
                   withdrawn_at=timezone.now(), withdrawn_by=world.users["director"])
    response = login(world.users["outreach_operator"]).get(_url("person_consents", person))
    content = response.content.decode()
    assert response.status_code == 200 and "Associazione Partner" in content and "Quaglieri" not in content
    assert [c.is_active for c in response.context["consents"]] == [True, False]
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     object_id=str(person.pk)).count() == 1


@pytest.mark.parametrize("role", ["board_viewer", "partner_operator", "regional_coordinator"])
def test_it_hides_consents_from_roles_outside_the_journey(world, login, role):
    person = _person(world)
    consent = ConsentFactory(person=person, organisation=world.partner_org)
    client = login(world.users[role])
    assert client.get(_url("person_consents", person)).status_code == 404
    assert client.post(_url("consent_give", person), _consent_form()).status_code == 404
    assert client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None and Consent.objects.count() == 1


def test_it_hides_consents_of_another_access_point(world, login):
    person = _person(world)
    consent = ConsentFactory(person=person, organisation=world.partner_org)
    client = login(world.other_worker)
    assert client.get(_url("person_consents", person)).status_code == 404
    assert client.get(_url("privacy_notice_give", person)).status_code == 404
    assert client.post(_url("consent_withdraw", consent), {"withdrawn_at": ""}).status_code == 404


def test_it_records_nothing_on_a_merged_record(world, login):
    person = _person(world, merged_into=_person(world))
    client = login(world.users["director"])
    assert client.post(_url("consent_give", person), _consent_form()).status_code == 404
    assert "consents are recorded there" in client.get(_url("person_consents", person)).content.decode()
    assert not Consent.objects.exists()


# --- what withdrawal means for partners -------------------------------------------------------

def test_it_shares_a_person_with_a_partner_only_while_consent_and_referral_are_active(world, login):
    partner = world.users["partner_operator"]
    person = _person(world)
    assert person not in access.shared_persons(partner)
    ReferralFactory(person=person, organisation=world.partner_org)
    assert person not in access.shared_persons(partner)  # a referral without consent shares nothing
    login(world.users["social_expert"]).post(_url("consent_give", person), _consent_form(
        purpose="sharing", organisation=world.partner_org.pk))
    assert list(access.shared_persons(partner)) == [person]
    consent = Consent.objects.get()
    login(world.users["outreach_operator"]).post(_url("consent_withdraw", consent), {"withdrawn_at": ""})
    assert person not in access.shared_persons(partner)


def test_it_does_not_share_without_an_active_referral(world, login):
    partner = world.users["partner_operator"]
    person = _person(world)
    ReferralFactory(person=person, organisation=world.partner_org, status="completed")
    ConsentFactory(person=person, organisation=world.partner_org)
    assert person not in access.shared_persons(partner)
    ReferralFactory(person=person, organisation=world.partner_org, status="accepted")
    assert person in access.shared_persons(partner)
