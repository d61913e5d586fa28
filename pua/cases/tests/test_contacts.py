"""First contacts: the quick form, the full form, the list, the detail and
linking a contact to an existing or a new person."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases.models import CaseEvent, CaseEventKind, CaseStatus, Contact, ContactChannel
from pua.cases.tests.factories import CaseFactory, ContactFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language
from pua.network.tests.factories import MunicipalityFactory
from pua.people.models import Person

QUICK = reverse("cases:contact_quick")
LIST = reverse("cases:contact_list")
CREATE = reverse("cases:contact_create")


@pytest.fixture(autouse=True)
def _english(world):
    """Messages are asserted in English, whatever the catalogue holds."""
    get_user_model().objects.update(preferred_language="en")


def _url(name, obj):
    return reverse(f"cases:{name}", args=[obj.pk])


def _when(delta=datetime.timedelta(hours=-1)):
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def _quick(**overrides):
    data = {"channel": "street_unit", "occurred_at": _when(), "municipality": "", "place_description": "Piazza Roma",
            "alias": "Ahmed", "needs_expressed": "Cerca lavoro regolare", "approximate_age": "", "gender": "",
            "nationality": "", "language": "", "information_given": "", "follow_up_agreed": ""}
    data.update(overrides)
    return data


def _full(operator, **overrides):
    return _quick(operator=operator.pk, **overrides)


def _contact(world, **fields):
    fields.setdefault("access_point", world.ap_a)
    fields.setdefault("operator", world.users["outreach_operator"])
    return ContactFactory(**fields)


# --- quick contact -------------------------------------------------------------------------------

def test_it_shows_the_quick_form_with_now_and_the_essentials_first(world, login):
    response = login(world.users["outreach_operator"]).get(QUICK)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="btn-check"' in content and 'name="channel"' in content
    assert '<details class="pua-more mb-4"' in content
    assert content.index('name="needs_expressed"') < content.index("<details") < content.index('name="nationality"')
    assert timezone.localtime().strftime("%Y-%m-%dT") in content
    assert '<datalist id="municipality-options"></datalist>' in content
    assert 'name="operator"' not in content


def test_it_records_a_quick_contact_and_offers_another(world, login):
    user = world.users["outreach_operator"]
    client = login(user)
    response = client.post(QUICK, _quick())
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(QUICK + "?") and f"last={contact.pk}" in response.url
    assert contact.access_point == world.ap_a and contact.operator == user and contact.created_by == user
    assert contact.channel == ContactChannel.STREET_UNIT and contact.person is None and contact.alias == "Ahmed"
    page = client.get(response.url)
    content = page.content.decode()
    assert "Contact recorded" in content
    assert page.context["last_contact"] == contact
    assert _url("contact_link", contact) in content
    assert 'value="street_unit" class="btn-check" id="id_channel_0" required checked' in content
    assert 'value="Piazza Roma"' in content


def test_it_saves_every_detail_of_a_quick_contact(world, login):
    municipality = MunicipalityFactory(istat_code="019036", name="Cremona", province="CR")
    arabic, french = Language.objects.get(code="ar"), Language.objects.get(code="fr")
    login(world.users["outreach_operator"]).post(QUICK, _quick(
        municipality="019036", approximate_age="30", gender="male", nationality="MA", language=arabic.pk,
        interpreter_present="on", information_given="Volantino sportello", materials_languages=[arabic.pk, french.pk],
        follow_up_agreed="Appuntamento martedì"))
    contact = Contact.objects.get()
    assert contact.municipality == municipality and contact.approximate_age == 30 and contact.nationality == "MA"
    assert contact.language == arabic and contact.interpreter_present is True
    assert set(contact.materials_languages.all()) == {arabic, french}


def test_it_refuses_a_quick_contact_without_channel_or_in_the_future(world, login):
    client = login(world.users["outreach_operator"])
    response = client.post(QUICK, _quick(channel=""))
    assert response.status_code == 200 and response.context["form"].errors["channel"]
    response = client.post(QUICK, _quick(occurred_at=_when(datetime.timedelta(days=1))))
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == ["The time of a contact cannot be in the future."]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Contact.objects.exists()


def test_it_refuses_an_unknown_municipality(world, login):
    response = login(world.users["outreach_operator"]).post(QUICK, _quick(municipality="Atlantide"))
    assert "No single municipality matches" in response.context["form"].errors["municipality"][0]
    assert not Contact.objects.exists()


def test_it_audits_a_new_contact_without_what_the_person_said(world, login):
    login(world.users["outreach_operator"]).post(QUICK, _quick(needs_expressed="Sfruttato dal caporale Rossi"))
    contact = Contact.objects.get()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.contact", object_id=str(contact.pk))
    assert entry.changes["channel"] == [None, "street_unit"]
    assert entry.changes["needs_expressed"] == [None, "[set]"] and entry.changes["alias"] == [None, "[set]"]
    serialized = json.dumps(entry.changes) + entry.object_repr
    assert "Rossi" not in serialized and "Ahmed" not in serialized and "Piazza" not in serialized


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_forbids_contacts_to_roles_that_do_not_work_with_people(world, login, role):
    contact = _contact(world)
    client = login(world.users[role])
    assert client.get(QUICK).status_code == 403
    assert client.post(QUICK, _quick()).status_code == 403
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    for name in ("contact_detail", "contact_edit", "contact_link"):
        assert client.get(_url(name, contact)).status_code == 404
    assert Contact.objects.count() == 1


def test_it_sends_anonymous_users_to_the_login(client, world):
    contact = _contact(world)
    for url in (QUICK, LIST, CREATE, _url("contact_detail", contact), _url("contact_edit", contact),
                _url("contact_link", contact)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_it_hides_contacts_of_another_access_point(world, login):
    contact = _contact(world)
    client = login(world.other_worker)
    for name in ("contact_detail", "contact_edit", "contact_link"):
        assert client.get(_url(name, contact)).status_code == 404
    assert client.post(_url("contact_edit", contact), _full(world.other_worker)).status_code == 404
    assert contact not in client.get(LIST).context["page"].object_list


# --- the full form -------------------------------------------------------------------------------

def test_it_records_a_contact_with_another_operator(world, login):
    response = login(world.users["director"]).post(CREATE, _full(world.users["social_expert"], channel="hotline"))
    contact = Contact.objects.get()
    assert response.status_code == 302 and response.url == _url("contact_detail", contact)
    assert contact.operator == world.users["social_expert"] and contact.created_by == world.users["director"]
    assert contact.channel == "hotline"


def test_it_refuses_an_operator_of_another_access_point(world, login):
    response = login(world.users["director"]).post(CREATE, _full(world.other_worker))
    assert response.status_code == 200 and response.context["form"].errors["operator"]
    assert not Contact.objects.exists()


def test_it_records_a_contact_for_a_known_person_on_their_open_case(world, login):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.TAKEN_IN_CHARGE)
    user = world.users["social_expert"]
    client = login(user)
    assert case.person.case_number in client.get(CREATE, {"person": case.person.pk}).content.decode()
    response = client.post(f"{CREATE}?person={case.person.pk}", _full(user, channel="desk"))
    contact = Contact.objects.get()
    assert response.status_code == 302 and contact.person == case.person
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.CONTACT)
    assert event.data["contact_id"] == contact.pk and event.actor == user and "Ahmed" not in event.summary


def test_it_does_not_record_for_a_person_of_another_access_point(world, login):
    person = PersonFactory(access_point=world.ap_b)
    client = login(world.users["social_expert"])
    assert client.get(CREATE, {"person": person.pk}).status_code == 404
    assert client.post(f"{CREATE}?person={person.pk}", _full(world.users["social_expert"])).status_code == 404
    assert not Contact.objects.exists()


def test_it_edits_a_contact_and_audits_only_the_facts(world, login):
    contact = _contact(world, needs_expressed="Prima versione")
    client = login(world.users["outreach_operator"])
    form = client.get(_url("contact_edit", contact))
    assert form.status_code == 200 and "Prima versione" in form.content.decode()
    response = client.post(_url("contact_edit", contact), _full(contact.operator, channel="drop_in",
                                                                needs_expressed="Seconda versione"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.channel == "drop_in" and contact.needs_expressed == "Seconda versione"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="cases.contact")
    assert entry.changes["channel"] == ["street_unit", "drop_in"]
    assert entry.changes["needs_expressed"] == ["[redacted]", "[redacted]"]


def test_it_refuses_an_impossible_age_and_keeps_the_contact(world, login):
    contact = _contact(world, approximate_age=40)
    response = login(world.users["outreach_operator"]).post(_url("contact_edit", contact),
                                                            _full(contact.operator, approximate_age="150"))
    assert response.status_code == 200 and response.context["form"].errors["approximate_age"]
    contact.refresh_from_db()
    assert contact.approximate_age == 40


# --- list and detail -----------------------------------------------------------------------------

def test_it_filters_the_list(world, login):
    now = timezone.now()
    person = PersonFactory(access_point=world.ap_a)
    street = _contact(world, channel="street_unit", occurred_at=now - datetime.timedelta(days=10))
    hotline = _contact(world, channel="hotline", occurred_at=now, person=person,
                       operator=world.users["social_expert"])
    client = login(world.users["director"])

    def listed(**params):
        return set(client.get(LIST, params).context["page"].object_list)

    assert listed() == {street, hotline}
    assert listed(channel="hotline") == {hotline}
    assert listed(anonymous="on") == {street}
    assert listed(operator=world.users["social_expert"].pk) == {hotline}
    today = timezone.localdate()
    assert listed(date_from=(today - datetime.timedelta(days=2)).isoformat(), date_to=today.isoformat()) == {hotline}
    assert listed(date_to=(today - datetime.timedelta(days=5)).isoformat()) == {street}


def test_it_shows_the_date_range_error(world, login):
    response = login(world.users["director"]).get(LIST, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert "The end of the period cannot come before its start." in response.content.decode()


def test_it_shows_an_empty_state(world, login):
    content = login(world.users["outreach_operator"]).get(LIST).content.decode()
    assert "No contact recorded yet." in content and QUICK in content


def test_it_renders_the_results_fragment_for_htmx(world, login):
    _contact(world, alias="Karim")
    response = login(world.users["director"]).get(LIST, headers={"HX-Request": "true",
                                                                  "HX-Target": "contact-results"})
    content = response.content.decode()
    assert 'id="contact-results"' in content and "<html" not in content and "Karim" in content


def _many(world, count):
    italian = Language.objects.get(code="it")
    municipality = MunicipalityFactory()
    for i in range(count):
        person = PersonFactory(access_point=world.ap_a) if i % 2 else None
        _contact(world, person=person, municipality=municipality, language=italian,
                 operator=world.users["social_expert" if i % 3 else "outreach_operator"])


def test_it_lists_contacts_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    _many(world, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _many(world, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 63
    assert len(response.context["page"].object_list) == 25


def test_it_audits_the_detail_and_hides_names_from_an_outreach_operator(world, login):
    person = PersonFactory(access_point=world.ap_a, first_name="Settimio", last_name="Quaglieri")
    contact = _contact(world, person=person)
    response = login(world.users["outreach_operator"]).get(_url("contact_detail", contact))
    content = response.content.decode()
    assert response.status_code == 200 and person.case_number in content and "Quaglieri" not in content
    reads = AuditEntry.objects.filter(action=AuditAction.READ)
    assert reads.filter(object_type="cases.contact", object_id=str(contact.pk)).count() == 1
    assert reads.filter(object_type="people.person", object_id=str(person.pk)).count() == 1
    assert "Quaglieri" in login(world.users["social_expert"]).get(_url("contact_detail", contact)).content.decode()


# --- linking -------------------------------------------------------------------------------------

def test_it_finds_persons_by_case_number_and_by_name_only_where_names_are_seen(world, login):
    person = PersonFactory(access_point=world.ap_a, last_name="Quaglieri")
    PersonFactory(access_point=world.ap_b, last_name="Quaglieri")
    merged = PersonFactory(access_point=world.ap_a, last_name="Quaglieri", merged_into=person)
    contact = _contact(world)
    outreach = login(world.users["outreach_operator"])
    assert outreach.get(_url("contact_link", contact), {"q": "Quaglieri"}, follow=True).context["candidates"] == []
    found = outreach.get(_url("contact_link", contact), {"q": person.case_number}, follow=True)
    assert found.context["candidates"] == [person] and "Quaglieri" not in found.content.decode()
    expert = login(world.users["social_expert"])
    assert expert.get(_url("contact_link", contact), {"q": "quaglieri"}, follow=True).context["candidates"] == [person]
    found = expert.get(_url("contact_link", contact), {"q": merged.case_number}, follow=True)
    assert merged not in found.context["candidates"]


def test_it_links_a_contact_to_a_person_and_tells_the_open_case(world, login):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.SCREENING)
    contact = _contact(world)
    user = world.users["outreach_operator"]
    response = login(user).post(_url("contact_link", contact), {"action": "link", "person": case.person.pk})
    assert response.status_code == 302 and response.url == reverse("cases:person_journey", args=[case.person.pk])
    contact.refresh_from_db()
    assert contact.person == case.person
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="cases.contact", object_id=str(contact.pk))
    assert entry.changes == {"person": [None, case.person.pk]} and entry.actor == user
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.CONTACT)
    assert event.data == {"contact_id": contact.pk, "channel": "street_unit", "linked": True}


def test_it_refuses_to_link_twice_to_the_same_person(world, login):
    person = PersonFactory(access_point=world.ap_a)
    contact = _contact(world, person=person)
    response = login(world.users["director"]).post(_url("contact_link", contact),
                                                   {"action": "link", "person": person.pk})
    assert response.status_code == 200
    assert "The contact is already linked to this person." in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_it_does_not_link_a_merged_or_foreign_person(world, login):
    target = PersonFactory(access_point=world.ap_a)
    merged = PersonFactory(access_point=world.ap_a, merged_into=target)
    foreign = PersonFactory(access_point=world.ap_b)
    contact = _contact(world)
    client = login(world.users["director"])
    for person in (merged, foreign):
        assert client.post(_url("contact_link", contact), {"action": "link", "person": person.pk}).status_code == 404
    contact.refresh_from_db()
    assert contact.person is None


def test_it_registers_a_new_person_from_the_contact(world, login):
    contact = _contact(world, alias="Karim", approximate_age=30, gender="male", nationality="MA")
    client = login(world.users["outreach_operator"])
    form = client.get(_url("contact_link", contact)).context["person_form"]
    assert form.initial["aliases"] == "Karim" and form.initial["citizenships"] == ["MA"]
    assert form.initial["sex"] == "male" and form.initial["birth_year"] == timezone.localdate().year - 30
    data = {"action": "register", "first_name": "", "last_name": "", "aliases": "Karim", "sex": "male",
            "birth_year": str(timezone.localdate().year - 30), "citizenships": ["MA"], "legal_status": "unknown",
            "education_level": "unknown", "employment_situation": "unknown"}
    response = client.post(_url("contact_link", contact), data)
    person = Person.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:person_journey", args=[person.pk])
    assert person.access_point == world.ap_a and [a.alias for a in person.aliases.all()] == ["Karim"]
    contact.refresh_from_db()
    assert contact.person == person


def test_it_offers_duplicates_before_registering_and_saves_nothing(world, login):
    existing = PersonFactory(access_point=world.ap_a, first_name="Mario", last_name="Rossi", birth_year=1980,
                             name_key="mr")
    contact = _contact(world)
    data = {"action": "register", "first_name": "Mario", "last_name": "Rosi", "aliases": "", "sex": "male",
            "birth_year": "1980", "legal_status": "unknown", "education_level": "unknown",
            "employment_situation": "unknown"}
    client = login(world.users["social_expert"])
    response = client.post(_url("contact_link", contact), data)
    assert response.status_code == 200 and response.context["duplicates"] == [existing]
    assert 'name="confirm_new" value="1"' in response.content.decode()
    assert Person.objects.count() == 1
    response = client.post(_url("contact_link", contact), {**data, "confirm_new": "1"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_it_shows_person_form_errors_and_links_nothing(world, login):
    contact = _contact(world, alias="")
    data = {"action": "register", "first_name": "", "last_name": "", "aliases": "", "sex": "unknown",
            "legal_status": "unknown", "education_level": "unknown", "employment_situation": "unknown"}
    response = login(world.users["social_expert"]).post(_url("contact_link", contact), data)
    assert response.status_code == 200
    assert response.context["person_form"].errors["last_name"] == ["Enter a name or at least an alias."]
    assert not Person.objects.exists()
    contact.refresh_from_db()
    assert contact.person is None
