"""/api/v1/persons/: the rules of the person pages — staff of the access
point read and register, names only with the identity permission, the same
duplicate check (409 unless confirm_new), partners read only the persons
shared with them, everyone else nothing — and an audit READ per retrieve."""

import pytest
from django.utils import timezone

from pua.cases.tests.factories import ConsentFactory, PersonFactory, ReferralFactory
from pua.core.models import AuditEntry
from pua.network.models import TargetGroup
from pua.people.models import Person
from pua.people.services import person_create

from .assertions import assert_error, audit_entries, ids

URL = "/api/v1/persons/"


def _person(world, ap=None, by=None, **fields):
    fields.setdefault("first_name", "Mario")
    fields.setdefault("last_name", "Rossi")
    return person_create(by=by or world.users["director"], access_point=ap or world.ap_a, **fields)


def _shared_with_partner(world, person):
    ConsentFactory(person=person, organisation=world.partner_org)
    ReferralFactory(person=person, organisation=world.partner_org)
    return person


def test_it_lists_persons_with_names_for_the_experts(api_as, world):
    person = _person(world, first_name="Settimio", last_name="Quaglieri", aliases=["Setti"])
    other = _person(world, ap=world.ap_b, by=world.other_director, last_name="Bianchi")

    response = api_as(world.users["social_expert"]).get(URL)

    assert ids(response) == {person.pk}
    row = response.json()["results"][0]
    assert row["case_number"] == person.case_number
    assert row["last_name"] == "Quaglieri" and row["aliases"] == ["Setti"]
    assert row["shows_identity"] is True
    assert other.pk not in ids(response)


def test_it_leaves_identity_out_for_an_outreach_operator(api_as, world):
    person = _person(world, first_name="Settimio", last_name="Quaglieri", tax_code="", phone="333 1234567")
    api = api_as(world.users["outreach_operator"])

    row = api.get(URL).json()["results"][0]
    detail = api.get(f"{URL}{person.pk}/").json()

    for data in (row, detail):
        assert data["case_number"] == person.case_number
        assert data["shows_identity"] is False
        assert not {"first_name", "last_name", "aliases", "tax_code", "phone", "birth_date"} & set(data)
    assert "Quaglieri" not in str(detail)


def test_it_searches_names_only_where_the_user_may_see_them(api_as, world):
    person = _person(world, last_name="Quaglieri")

    assert ids(api_as(world.users["social_expert"]).get(URL, {"q": "quagl"})) == {person.pk}
    assert ids(api_as(world.users["outreach_operator"]).get(URL, {"q": "quagl"})) == set()
    assert ids(api_as(world.users["outreach_operator"]).get(URL, {"q": person.case_number})) == {person.pk}


def test_it_filters_the_list_like_the_page(api_as, world):
    group = TargetGroup.objects.first()
    pending = _person(world, legal_status="permit_application_pending", target_groups=[group])
    _person(world, last_name="Verdi", legal_status="italian_citizen")
    api = api_as(world.users["director"])

    assert ids(api.get(URL, {"legal_status": "permit_application_pending"})) == {pending.pk}
    assert ids(api.get(URL, {"target_group": group.code})) == {pending.pk}
    assert_error(api.get(URL, {"legal_status": "martian"}), 400, "invalid")
    assert_error(api.get(URL, {"access_point": world.ap_b.pk}), 400, "invalid")


def test_it_leaves_merged_records_out_of_the_list(api_as, world):
    kept = _person(world)
    merged = _person(world, last_name="Rossi bis")
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, merged_at=timezone.now())

    assert ids(api_as(world.users["director"]).get(URL)) == {kept.pk}


@pytest.mark.parametrize("rows", [2, 12])
def test_it_lists_persons_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    group = TargetGroup.objects.first()
    for i in range(rows):
        _person(world, last_name=f"Rossi{i}", citizenships=["MA"], aliases=[f"R{i}"], target_groups=[group])
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(15):  # one INSERT: the audit entry of the page
        response = api.get(URL)

    assert len(response.json()["results"]) == rows


def test_it_audits_every_retrieve(api_as, world):
    person = _person(world)

    response = api_as(world.users["social_expert"]).get(f"{URL}{person.pk}/")

    assert response.status_code == 200
    entry = audit_entries(person, "read").get()
    assert entry.actor == world.users["social_expert"]
    assert entry.access_point_id == world.ap_a.pk


@pytest.mark.parametrize("who", ["other_worker", "other_director"])
def test_it_hides_the_persons_of_another_access_point(api_as, world, who):
    person = _person(world)
    api = api_as(getattr(world, who))

    assert person.pk not in ids(api.get(URL))
    assert_error(api.get(f"{URL}{person.pk}/"), 404)
    assert_error(api.patch(f"{URL}{person.pk}/", {"legal_status": "irregular"}, format="json"), 404)
    assert not audit_entries(person, "read").exists()


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "admin"])
def test_it_shows_nobody_to_roles_without_people(api_as, world, role):
    person = _person(world)
    api = api_as(world.users[role])

    assert_error(api.get(URL), 403)
    assert_error(api.get(f"{URL}{person.pk}/"), 404)
    assert_error(api.post(URL, {"last_name": "Nuovo"}, format="json"), 403)


def test_it_shows_a_partner_only_the_persons_shared_with_them(api_as, world):
    shared = _shared_with_partner(world, _person(world, last_name="Quaglieri"))
    unshared = _person(world, last_name="Verdi")
    ReferralFactory(person=unshared, organisation=world.partner_org)  # no consent: not shared
    api = api_as(world.users["partner_operator"])

    listed = api.get(URL)
    detail = api.get(f"{URL}{shared.pk}/")

    assert ids(listed) == {shared.pk}
    assert detail.status_code == 200
    assert set(detail.json()) == {"id", "case_number"}  # the shared view, nothing else
    assert audit_entries(shared, "read").filter(actor=world.users["partner_operator"]).exists()
    assert_error(api.get(f"{URL}{unshared.pk}/"), 404)
    assert_error(api.patch(f"{URL}{shared.pk}/", {"legal_status": "irregular"}, format="json"), 403)
    assert_error(api.post(URL, {"last_name": "Nuovo"}, format="json"), 403)


def test_it_answers_anonymous_clients_with_401(api, world):
    person = PersonFactory(access_point=world.ap_a)

    assert_error(api.get(URL), 401, "not_authenticated")
    assert_error(api.get(f"{URL}{person.pk}/"), 401, "not_authenticated")
    assert_error(api.post(URL, {"last_name": "Nuovo"}, format="json"), 401, "not_authenticated")


def test_it_registers_a_person_and_audits_it(api_as, world):
    group = TargetGroup.objects.first()
    api = api_as(world.users["social_expert"])

    response = api.post(URL, {
        "first_name": "Amina", "last_name": "Benali", "aliases": ["Mina"], "sex": "female", "birth_year": 1990,
        "citizenships": ["MA"], "legal_status": "asylum_seeker", "target_groups": [group.code],
        "languages": [{"language": "ar", "level": "native"}],
    }, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.get(pk=data["id"])
    assert person.access_point == world.ap_a and person.created_by == world.users["social_expert"]
    assert data["case_number"] == person.case_number
    assert data["aliases"] == ["Mina"] and data["citizenships"] == ["MA"]
    assert data["languages"] == [{"language": "ar", "level": "native"}]
    entry = audit_entries(person, "create").get()
    assert "Benali" not in str(entry.changes)


def test_it_refuses_invalid_data_and_saves_nothing(api_as, world):
    api = api_as(world.users["social_expert"])

    no_name = api.post(URL, {"sex": "female", "birth_year": 1990}, format="json")
    bad_code = api.post(URL, {"last_name": "Rossi", "citizenships": ["XX"], "sex": "other"}, format="json")
    future = api.post(URL, {"last_name": "Rossi", "birth_date": "2999-01-01", "confirm_new": True}, format="json")

    assert "last_name" in assert_error(no_name, 400, "invalid")["fields"]
    assert {"citizenships", "sex"} <= set(assert_error(bad_code, 400, "invalid")["fields"])
    assert "birth_date" in assert_error(future, 400, "invalid")["fields"]
    assert not Person.objects.exists()


def test_it_answers_409_with_the_possible_duplicates(api_as, world):
    existing = _person(world, first_name="Settimio", last_name="Quaglieri", birth_year=1985)
    payload = {"first_name": "Settimio", "last_name": "Quagliere", "birth_year": 1985}

    expert = assert_error(api_as(world.users["social_expert"]).post(URL, payload, format="json"), 409,
                          "possible_duplicates")
    outreach = assert_error(api_as(world.users["outreach_operator"]).post(URL, payload, format="json"), 409)

    assert [c["case_number"] for c in expert["candidates"]] == [existing.case_number]
    assert expert["candidates"][0]["last_name"] == "Quaglieri"
    assert expert["candidates"][0]["score"] >= 85 and "same_birth_year" in expert["candidates"][0]["reasons"]
    assert outreach["candidates"][0]["case_number"] == existing.case_number
    assert "last_name" not in outreach["candidates"][0]
    assert Person.objects.count() == 1


def test_it_registers_despite_duplicates_when_confirmed(api_as, world):
    _person(world, first_name="Settimio", last_name="Quaglieri", birth_year=1985)

    response = api_as(world.users["outreach_operator"]).post(URL, {
        "first_name": "Settimio", "last_name": "Quagliere", "birth_year": 1985, "confirm_new": True,
    }, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["shows_identity"] is False
    assert Person.objects.count() == 2


def test_it_does_not_offer_persons_of_another_access_point_as_duplicates(api_as, world):
    _person(world, ap=world.ap_b, by=world.other_director, first_name="Mohamed", last_name="Ben Ali")

    response = api_as(world.users["social_expert"]).post(URL, {"first_name": "Mohamed", "last_name": "Ben Ali"},
                                                          format="json")

    assert response.status_code == 201, response.content


def test_it_updates_a_person_through_the_service(api_as, world):
    person = _person(world)
    api = api_as(world.users["social_expert"])

    response = api.patch(f"{URL}{person.pk}/", {"legal_status": "regular_permit", "aliases": ["Marietto"]},
                         format="json")

    assert response.status_code == 200, response.content
    assert response.json()["legal_status"] == "regular_permit" and response.json()["aliases"] == ["Marietto"]
    entry = audit_entries(person, "update").get()
    assert entry.changes["legal_status"] == ["unknown", "regular_permit"]
    assert entry.changes["aliases"] == ["[set]", "[set]"] or "Marietto" not in str(entry.changes)


def test_it_refuses_identity_changes_to_those_who_cannot_see_it(api_as, world):
    person = _person(world)
    api = api_as(world.users["outreach_operator"])

    assert_error(api.patch(f"{URL}{person.pk}/", {"last_name": "Bianchi"}, format="json"), 403)
    ok = api.patch(f"{URL}{person.pk}/", {"employment_situation": "unemployed"}, format="json")

    assert ok.status_code == 200, ok.content
    person.refresh_from_db()
    assert person.last_name == "Rossi" and person.employment_situation == "unemployed"


def test_it_refuses_a_bad_update_and_changes_nothing(api_as, world):
    person = _person(world)

    error = assert_error(api_as(world.users["director"]).patch(f"{URL}{person.pk}/", {"birth_date": "2999-01-01"},
                                                                format="json"), 400, "invalid")

    assert "birth_date" in error["fields"]
    person.refresh_from_db()
    assert person.birth_date is None
    assert not AuditEntry.objects.filter(action="update").exists()


def test_it_keeps_merged_records_read_only(api_as, world):
    kept = _person(world)
    merged = _person(world, last_name="Rossi bis")
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, merged_at=timezone.now())
    api = api_as(world.users["director"])

    assert api.get(f"{URL}{merged.pk}/").json()["merged_into"] == kept.pk
    error = assert_error(api.patch(f"{URL}{merged.pk}/", {"legal_status": "irregular"}, format="json"), 400)
    assert "non_field_errors" in error["fields"]
    merged.refresh_from_db()
    assert merged.legal_status == "unknown"


# --- merging ---------------------------------------------------------------------------------

def test_it_lets_a_director_merge_a_duplicate(api_as, world):
    keep = _person(world, first_name="Settimio", last_name="Quaglieri", birth_year=1985)
    duplicate = _person(world, first_name="Settimio", last_name="Quagliere", phone="333 1234567")

    response = api_as(world.users["director"]).post(f"{URL}{duplicate.pk}/merge/", {"into": keep.pk}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == keep.pk and response.json()["phone"] == "333 1234567"
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert audit_entries(duplicate, "update").filter(actor=world.users["director"]).exists()


def test_it_refuses_bad_merges(api_as, world):
    _person(world)
    duplicate = _person(world, last_name="Rosi")
    elsewhere = _person(world, ap=world.ap_b, by=world.other_director, last_name="Rossi")
    api = api_as(world.users["director"])

    into_itself = api.post(f"{URL}{duplicate.pk}/merge/", {"into": duplicate.pk}, format="json")
    out_of_reach = api.post(f"{URL}{duplicate.pk}/merge/", {"into": elsewhere.pk}, format="json")
    missing = api.post(f"{URL}{duplicate.pk}/merge/", {}, format="json")

    assert assert_error(into_itself, 400)["fields"]["non_field_errors"]
    assert "into" in assert_error(out_of_reach, 400)["fields"]
    assert "into" in assert_error(missing, 400)["fields"]
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("who", ["social_expert", "outreach_operator", "partner_operator", "other_director"])
def test_it_lets_only_the_director_merge(api_as, world, who):
    keep = _person(world)
    duplicate = _shared_with_partner(world, _person(world, last_name="Rosi"))
    user = world.users.get(who) or getattr(world, who)

    response = api_as(user).post(f"{URL}{duplicate.pk}/merge/", {"into": keep.pk}, format="json")

    assert_error(response, 404 if who == "other_director" else 403)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
