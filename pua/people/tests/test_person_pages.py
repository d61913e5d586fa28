"""The person pages: list, detail (audited), registration with a duplicate check."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.core.models import AuditAction, AuditEntry
from pua.network.models import TargetGroup
from pua.people.models import PermitKind, Person
from pua.people.services import person_create

LIST = reverse("people:person_list")
CREATE = reverse("people:person_create")


def _detail(person):
    return reverse("people:person_detail", args=[person.pk])


def _person(world, ap=None, by=None, **fields):
    fields.setdefault("first_name", "Mario")
    fields.setdefault("last_name", "Rossi")
    return person_create(by=by or world.users["director"], access_point=ap or world.ap_a, **fields)


def _form(**overrides):
    data = {"first_name": "Mario", "last_name": "Rosi", "aliases": "", "sex": "male", "birth_year": "1980",
            "birth_country": "", "tax_code": "", "phone": "", "email": "", "residence_municipality": "",
            "legal_status": "unknown", "education_level": "unknown", "employment_situation": "unknown"}
    data.update(overrides)
    return data


def test_it_hides_names_from_an_outreach_operator(world, login):
    person = _person(world, first_name="Settimio", last_name="Quaglieri")
    response = login(world.users["outreach_operator"]).get(LIST)
    assert response.status_code == 200
    assert person.case_number in response.content.decode()
    assert "Quaglieri" not in response.content.decode()


def test_it_shows_names_to_a_social_expert(world, login):
    person = _person(world, first_name="Settimio", last_name="Quaglieri", aliases=["Setti"])
    content = login(world.users["social_expert"]).get(LIST).content.decode()
    assert person.case_number in content and "Quaglieri" in content and "Setti" in content


def test_it_lists_only_persons_of_the_users_access_points(world, login):
    mine = _person(world)
    other = _person(world, ap=world.ap_b, by=world.other_director, last_name="Bianchi")
    content = login(world.users["social_expert"]).get(LIST).content.decode()
    assert mine.case_number in content and other.case_number not in content


def test_it_filters_the_list(world, login):
    group = TargetGroup.objects.first()
    in_group = _person(world, legal_status="asylum_seeker", target_groups=[group])
    out = _person(world, last_name="Verdi", legal_status="irregular")
    client = login(world.users["director"])
    content = client.get(LIST, {"legal_status": "asylum_seeker"}).content.decode()
    assert in_group.case_number in content and out.case_number not in content
    content = client.get(LIST, {"target_group": group.pk}).content.decode()
    assert in_group.case_number in content and out.case_number not in content
    content = client.get(LIST, {"q": "verdi"}, follow=True).content.decode()
    assert out.case_number in content and in_group.case_number not in content


def test_it_does_not_search_names_for_an_outreach_operator(world, login):
    person = _person(world, last_name="Quaglieri")
    content = login(world.users["outreach_operator"]).get(LIST, {"q": "Quaglieri"}, follow=True).content.decode()
    assert person.case_number not in content
    content = login(world.users["outreach_operator"]).get(LIST, {"q": person.case_number}, follow=True).content.decode()
    assert person.case_number in content


def _many(world, count):
    groups = list(TargetGroup.objects.all()[:2])
    expires = timezone.localdate() + datetime.timedelta(days=300)
    for i in range(count):
        _person(world, last_name=f"Person{i}", aliases=[f"Alias{i}"], citizenships=["IT", "AL"], target_groups=groups,
                permits=[{"kind": PermitKind.WORK, "expires_on": expires}])


def test_it_lists_persons_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    _many(world, 10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(LIST).status_code == 200
    _many(world, 190)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 200
    assert len(response.context["rows"]) == 25


def test_it_hides_a_person_of_another_access_point(world, login):
    other = _person(world, ap=world.ap_b, by=world.other_director)
    assert login(world.users["social_expert"]).get(_detail(other)).status_code == 404


def test_it_audits_every_view_of_a_person(world, login):
    person = _person(world)
    client = login(world.users["social_expert"])
    client.get(_detail(person))
    response = client.get(_detail(person))
    assert response.status_code == 200
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person", object_id=str(person.pk))
    assert reads.count() == 2
    assert reads.first().actor == world.users["social_expert"]


def test_it_shows_identity_on_the_detail_only_to_those_allowed(world, login):
    person = _person(world, first_name="Settimio", last_name="Quaglieri", birth_year=1979, citizenships=["AL"])
    content = login(world.users["outreach_operator"]).get(_detail(person)).content.decode()
    assert person.case_number in content and "Quaglieri" not in content
    assert "1979" in content and "Albania" in content
    content = login(world.users["director"]).get(_detail(person)).content.decode()
    assert "Quaglieri" in content


def test_it_warns_of_a_permit_expiring_within_60_days(world, login):
    today = timezone.localdate()
    soon = _person(world, permits=[{"kind": PermitKind.WORK, "expires_on": today + datetime.timedelta(days=30)}])
    later = _person(world, permits=[{"kind": PermitKind.WORK, "expires_on": today + datetime.timedelta(days=90)}])
    client = login(world.users["director"])
    assert client.get(_detail(soon)).context["permit_expiring"] is True
    assert 'class="alert alert-warning"' in client.get(_detail(soon)).content.decode()
    assert client.get(_detail(later)).context["permit_expiring"] is False


def test_it_shows_duplicate_candidates_and_saves_nothing(world, login):
    existing = _person(world, birth_year=1980)
    client = login(world.users["social_expert"])
    response = client.post(CREATE, _form())
    assert response.status_code == 200
    content = response.content.decode()
    assert [c["person"] for c in response.context["candidates"]] == [existing]
    assert existing.case_number in content and 'name="confirm_new" value="1"' in content
    assert "Rosi" in content  # the input is kept
    assert Person.objects.count() == 1


def test_it_hides_candidate_names_from_an_outreach_operator(world, login):
    existing = _person(world, first_name="Settimio", last_name="Quaglieri", birth_year=1980)
    response = login(world.users["outreach_operator"]).post(CREATE, _form(first_name="Settimio", last_name="Quaglieri"))
    candidates = response.context["candidates"]
    assert [c["person"] for c in candidates] == [existing] and candidates[0]["shows_identity"] is False
    assert Person.objects.count() == 1


def test_it_creates_anyway_when_confirmed(world, login):
    _person(world, birth_year=1980)
    response = login(world.users["social_expert"]).post(CREATE, _form(confirm_new="1", aliases="Mariolino, Il Rosso",
                                                                      citizenships=["IT"]))
    created = Person.objects.get(last_name="Rosi")
    assert response.status_code == 302 and response.url == _detail(created)
    assert created.access_point == world.ap_a and created.created_by == world.users["social_expert"]
    assert sorted(a.alias for a in created.aliases.all()) == ["Il Rosso", "Mariolino"]
    assert [c.country for c in created.citizenships.all()] == ["IT"]


def test_it_creates_a_person_without_candidates_directly(world, login):
    response = login(world.users["director"]).post(CREATE, _form())
    assert response.status_code == 302
    assert Person.objects.filter(last_name="Rosi").exists()


def test_it_shows_a_tax_code_error_and_saves_nothing(world, login):
    response = login(world.users["director"]).post(CREATE, _form(tax_code="ABCDEF12G34H567I"))
    assert response.status_code == 200
    assert response.context["form"].errors["tax_code"]
    assert "ABCDEF12G34H567I" in response.content.decode()
    assert Person.objects.count() == 0


def test_it_shows_the_create_form(world, login):
    response = login(world.users["outreach_operator"]).get(CREATE)
    assert response.status_code == 200
    assert '<datalist id="municipality-options"></datalist>' in response.content.decode()


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_forbids_roles_that_do_not_work_with_people(world, login, role):
    person = _person(world)
    client = login(world.users[role])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form(confirm_new="1")).status_code == 403
    assert client.get(_detail(person)).status_code == 404
    assert Person.objects.count() == 1


def test_it_sends_anonymous_users_to_the_login(client, world):
    assert client.get(LIST).status_code == 302


def test_it_says_when_a_record_was_merged_into_another(world, login):
    kept = _person(world)
    merged = _person(world, first_name="Mario", last_name="Rosi")
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, merged_at=timezone.now())
    content = login(world.users["director"]).get(_detail(merged)).content.decode()
    assert 'id="merged-notice"' in content and kept.case_number in content
    assert 'id="merged-notice"' not in login(world.users["director"]).get(_detail(kept)).content.decode()
