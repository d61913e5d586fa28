"""The person's journey page: one hub with the sections of every feature."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases.models import ConsentPurpose, PrivacyNotice, PrivacyNoticeDelivery
from pua.cases.tests.factories import ConsentFactory, ContactFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language


@pytest.fixture(autouse=True)
def _english(world):
    get_user_model().objects.update(preferred_language="en")


def _journey(person):
    return reverse("cases:person_journey", args=[person.pk])


def _person(world, **fields):
    fields.setdefault("first_name", "Settimio")
    fields.setdefault("last_name", "Quaglieri")
    return PersonFactory(access_point=world.ap_a, **fields)


def _history(world, person, count):
    italian = Language.objects.get(code="it")
    notice = PrivacyNotice.objects.create(access_point=world.ap_a, version=f"v{count}", language=italian,
                                          title="Informativa", valid_from=timezone.localdate())
    for i in range(count):
        ContactFactory(access_point=world.ap_a, person=person, operator=world.users["outreach_operator"],
                       language=italian, follow_up_agreed="Richiamare")
        ConsentFactory(person=person, purpose=ConsentPurpose.PHONE_CONTACT, organisation=None, notice=notice,
                       withdrawn_at=timezone.now() if i else None)
        PrivacyNoticeDelivery.objects.create(person=person, notice=notice, given_on=timezone.localdate(),
                                             given_by=world.users["director"])


def test_it_shows_the_journey_with_every_section(world, login):
    person = _person(world)
    contact = ContactFactory(access_point=world.ap_a, person=person, operator=world.users["outreach_operator"])
    ConsentFactory(person=person, organisation=world.partner_org)
    response = login(world.users["social_expert"]).get(_journey(person))
    content = response.content.decode()
    assert response.status_code == 200
    assert person.case_number in content and "Quaglieri" in content
    assert [s["feature"] for s in response.context["sections"]] == [
        "cases", "contacts", "consents", "referrals", "documents"]
    assert reverse("cases:contact_detail", args=[contact.pk]) in content
    assert "Associazione Partner" in content
    assert "No privacy notice recorded as given yet." in content
    assert f'{reverse("cases:contact_create")}?person={person.pk}' in content
    assert reverse("cases:person_consents", args=[person.pk]) in content


def test_it_shows_the_case_number_but_not_the_name_to_an_outreach_operator(world, login):
    person = _person(world)
    content = login(world.users["outreach_operator"]).get(_journey(person)).content.decode()
    assert person.case_number in content and "Quaglieri" not in content and "Settimio" not in content


def test_it_audits_every_view_of_the_journey(world, login):
    person = _person(world)
    client = login(world.users["director"])
    client.get(_journey(person))
    client.get(_journey(person))
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person", object_id=str(person.pk))
    assert reads.count() == 2 and reads.first().actor == world.users["director"]


def test_it_shows_empty_states(world, login):
    content = login(world.users["director"]).get(_journey(_person(world))).content.decode()
    assert "No contact linked to this person yet." in content and "No consent recorded yet." in content


def test_it_keeps_a_merged_record_read_only(world, login):
    current = _person(world)
    merged = _person(world, merged_into=current)
    response = login(world.users["director"]).get(_journey(merged))
    content = response.content.decode()
    assert response.status_code == 200 and current.case_number in content
    assert response.context["can_add_contact"] is False and response.context["can_change_consent"] is False
    assert f'{reverse("cases:contact_create")}?person={merged.pk}' not in content


def test_it_hides_a_person_of_another_access_point(world, login):
    person = _person(world)
    assert login(world.other_worker).get(_journey(person)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_hides_the_journey_from_roles_outside_the_access_point_staff(world, login, role):
    person = _person(world)
    ConsentFactory(person=person, organisation=world.partner_org)
    assert login(world.users[role]).get(_journey(person)).status_code == 404


def test_it_sends_anonymous_users_to_the_login(client, world):
    response = client.get(_journey(_person(world)))
    assert response.status_code == 302 and "login" in response.url


def test_it_links_the_person_record_to_the_journey(world, login):
    person = _person(world)
    content = login(world.users["outreach_operator"]).get(reverse("people:person_detail", args=[person.pk]))
    assert _journey(person) in content.content.decode()


def test_it_loads_the_journey_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    person = _person(world)
    client = login(world.users["director"])
    _history(world, person, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_journey(person)).status_code == 200
    _history(world, person, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_journey(person))
    assert len(response.context["sections"][1]["items"]) == 32


def test_it_offers_the_merge_of_duplicates_to_the_director_only(world, login):
    person = _person(world)
    merge_url = reverse("cases:person_merge", args=[person.pk])
    assert merge_url in login(world.users["director"]).get(_journey(person)).content.decode()
    assert merge_url not in login(world.users["social_expert"]).get(_journey(person)).content.decode()
