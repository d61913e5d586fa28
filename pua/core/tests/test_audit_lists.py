"""A list page writes one audit entry: the ids of the records on the page
and the filters that chose them, never a name nor the words searched."""

import pytest
from django.urls import reverse

from pua.cases.models import Case, ReferralStatus
from pua.cases.tests.factories import (
    CaseFactory,
    ContactFactory,
    PersonFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.core.models import AuditAction, AuditEntry


def _reads(user):
    return AuditEntry.objects.filter(actor=user, action=AuditAction.READ)


def _persons(world, n, **fields):
    return [PersonFactory(access_point=world.ap_a, first_name="Settimio", last_name="Quaglieri", **fields)
            for _ in range(n)]


def test_the_person_list_records_the_ids_shown_and_that_there_was_a_search(world, login):
    shown = _persons(world, 3)
    PersonFactory(access_point=world.ap_a, last_name="Rossi")
    director = world.users["director"]
    client = login(director)
    client.post(reverse("people:person_list"), {"q": "Quaglieri", "legal_status": "unknown", "search": "1"},
                follow=True)
    entry = _reads(director).get()
    assert entry.object_type == "people.person" and entry.access_point_id == world.ap_a.pk
    assert sorted(entry.changes["ids"]) == sorted(str(p.pk) for p in shown)
    assert entry.changes["list"] == {"legal_status": "unknown", "q": True}
    assert "Quaglieri" not in str(entry.changes) and "Settimio" not in entry.object_repr


def test_an_empty_page_writes_nothing(world, login):
    director = world.users["director"]
    login(director).get(reverse("cases:contact_list"))
    assert not _reads(director).exists()


def test_each_page_of_a_list_is_one_entry_with_its_page_number(world, login):
    _persons(world, 30)
    director = world.users["director"]
    client = login(director)
    client.get(reverse("people:person_list"))
    client.get(reverse("people:person_list"), {"page": 2})
    first, second = _reads(director).order_by("id")
    assert (len(first.changes["ids"]), len(second.changes["ids"])) == (25, 5)
    assert first.changes["list"] == {} and second.changes["list"] == {"page": 2}
    assert not set(first.changes["ids"]) & set(second.changes["ids"])


def _seed(world):
    expert = world.users["social_expert"]
    for person in _persons(world, 3):
        case = CaseFactory(person=person, case_manager=world.users["director"])
        ContactFactory(access_point=world.ap_a, person=person, operator=expert)
        ReferralFactory(person=person, case=case, organisation=world.partner_org, status=ReferralStatus.SENT)
        TaskFactory(access_point=world.ap_a, case=case, assignee=world.users["director"])


LISTS = {
    "people:person_list": "people.person",
    "cases:case_list": "cases.case",
    "cases:contact_list": "cases.contact",
    "cases:referral_list": "cases.referral",
    "cases:task_list": "cases.task",
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_page_writes_one_entry_in_one_insert(world, login, name, django_assert_max_num_queries):
    _seed(world)
    director = world.users["director"]
    client = login(director)
    client.get(reverse(name))  # warms the session and the caches
    before = _reads(director).count()
    with django_assert_max_num_queries(25):
        response = client.get(reverse(name))
    assert response.status_code == 200
    entries = _reads(director).order_by("id")[before:]
    assert [e.object_type for e in entries] == [LISTS[name]]
    assert len(entries[0].changes["ids"]) == 3


def test_my_work_writes_one_entry_naming_each_section(world, login):
    _seed(world)
    director = world.users["director"]
    login(director).get(reverse("home"))
    entry = _reads(director).get()
    assert entry.object_type == "" and len(entry.changes["shown"]["cases.case"]) == 3
    assert len(entry.changes["shown"]["cases.task"]) == 3


def test_the_partner_inbox_writes_one_entry_of_the_referrals_shown(world, login):
    _seed(world)
    partner = world.users["partner_operator"]
    login(partner).get(reverse("cases:my_work"))
    entry = _reads(partner).get()
    assert len(entry.changes["shown"]["cases.referral"]) == 3


def test_the_journey_page_writes_one_entry_about_the_person_with_its_sections(world, login):
    _seed(world)
    person = Case.objects.first().person
    director = world.users["director"]
    login(director).get(reverse("cases:person_journey", args=[person.pk]))
    entry = _reads(director).get()
    assert (entry.object_type, entry.object_id) == ("people.person", str(person.pk))
    assert set(entry.changes["shown"]) >= {"cases.case", "cases.contact", "cases.referral"}


def test_the_task_page_audits_the_task(world, login):
    task = TaskFactory(access_point=world.ap_a, assignee=world.users["director"])
    director = world.users["director"]
    login(director).get(reverse("cases:task_detail", args=[task.pk]))
    assert _reads(director).filter(object_type="cases.task", object_id=str(task.pk)).exists()
