"""The header's search (cases, persons, organisations) for every role, and
the person's name next to the case number in the task and referral lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, ReferralFactory, TaskFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import OrganisationFactory

FIND = reverse("find:results")


def _case(world, ap=None, **person):
    person.setdefault("first_name", "Settimio")
    person.setdefault("last_name", "Quaglieri")
    return CaseFactory(person=PersonFactory(access_point=ap or world.ap_a, **person))


def _share(world, case):
    """Shared with world.partner_org: an active referral, and the consent."""
    ReferralFactory(person=case.person, case=case, organisation=world.partner_org)
    ConsentFactory(person=case.person, organisation=world.partner_org)


def _found(response, kind):
    groups = {group.kind: group for group in response.context["findings"].groups}
    return groups.get(kind)


def _rows(response, kind):
    group = _found(response, kind)
    return None if group is None else [row[0] if isinstance(row, tuple) else row for row in group.rows]


def _search_reads(user):
    return AuditEntry.objects.filter(action=AuditAction.READ, actor=user, changes__search=True)


# --- staff --------------------------------------------------------------------------------------

def test_it_finds_a_person_and_their_case_by_name_for_a_social_expert(world, login):
    case = _case(world)
    response = login(world.users["social_expert"]).get(FIND, {"q": "quagl"}, follow=True)
    assert response.status_code == 200
    assert _rows(response, "persons") == [case.person] and _rows(response, "cases") == [case]
    content = response.content.decode()
    assert reverse("people:person_detail", args=[case.person.pk]) in content
    assert reverse("cases:case_detail", args=[case.pk]) in content and "Quaglieri Settimio" in content


def test_it_finds_a_case_and_its_person_by_case_number(world, login):
    case = _case(world)
    _case(world, last_name="Altri")
    response = login(world.users["social_expert"]).get(FIND, {"q": case.number}, follow=True)
    assert _rows(response, "cases") == [case]
    assert _rows(response, "persons") == [case.person]


def test_it_finds_organisations_by_name(world, login):
    response = login(world.users["social_expert"]).get(FIND, {"q": "cooperativa"}, follow=True)
    assert _rows(response, "organisations") == [world.org_a]
    assert reverse("network:organisation_detail", args=[world.org_a.pk]) in response.content.decode()


def test_it_finds_only_case_numbers_for_an_outreach_operator(world, login):
    case = _case(world)
    client = login(world.users["outreach_operator"])
    assert _rows(client.get(FIND, {"q": "Quaglieri"}, follow=True), "persons") == []
    response = client.get(FIND, {"q": case.person.case_number}, follow=True)
    assert _rows(response, "persons") == [case.person] and _rows(response, "cases") == [case]
    assert "Quaglieri" not in response.content.decode()


def test_it_finds_nothing_of_another_access_point(world, login):
    case = _case(world)
    client = login(world.other_worker)
    for q in ("Quaglieri", case.number, case.person.case_number):
        response = client.get(FIND, {"q": q}, follow=True)
        assert _rows(response, "persons") == [] and _rows(response, "cases") == []
    assert _rows(client.get(FIND, {"q": "Cooperativa"}, follow=True), "organisations") == [world.org_b]


# --- partners and those who see no person ---------------------------------------------------------

def test_it_finds_a_partner_only_their_shared_person(world, login):
    shared = _case(world)
    _share(world, shared)
    unshared = _case(world, first_name="Settimio", last_name="Quaglieri")
    ReferralFactory(person=unshared.person, case=unshared, organisation=world.partner_org)  # no consent
    response = login(world.users["partner_operator"]).get(FIND, {"q": "Quaglieri"}, follow=True)
    assert _rows(response, "persons") == [shared.person]
    content = response.content.decode()
    assert unshared.person.case_number not in content
    # A partner has no person page: the person leads to the cases shared with them.
    assert f'{reverse("cases:case_list")}?q={shared.person.case_number}' in content
    assert reverse("people:person_detail", args=[shared.person.pk]) not in content
    by_number = login(world.users["partner_operator"]).get(FIND, {"q": shared.number}, follow=True)
    assert _rows(by_number, "cases") == [shared]
    assert _rows(login(world.users["partner_operator"]).get(FIND, {"q": unshared.number}, follow=True), "cases") == []


@pytest.mark.parametrize("role", [Role.BOARD_VIEWER, Role.REGIONAL_COORDINATOR, Role.ADMIN])
def test_it_finds_no_person_and_no_case_for_who_sees_none(world, login, role):
    case = _case(world)
    OrganisationFactory(name="Quaglieri e figli", access_points=[world.ap_a])
    client = login(world.users[role.value])
    for q in ("Quaglieri", case.number):
        response = client.get(FIND, {"q": q}, follow=True)
        assert response.status_code == 200
        assert _found(response, "persons") is None and _found(response, "cases") is None
        content = response.content.decode()
        assert reverse("cases:case_detail", args=[case.pk]) not in content and "Settimio" not in content
    found = client.get(FIND, {"q": "Quaglieri"}, follow=True)
    assert [o.name for o in _rows(found, "organisations")] == ["Quaglieri e figli"]
    assert not _search_reads(world.users[role.value]).exists()


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(FIND, {"q": "Quaglieri"})
    assert response.status_code == 302 and reverse("accounts:login") in response.url


# --- audit, bounds, form ------------------------------------------------------------------------

def test_it_audits_a_search_that_shows_persons_without_the_query(world, login):
    case = _case(world)
    user = world.users["social_expert"]
    login(user).get(FIND, {"q": "Quaglieri"}, follow=True)
    entry = _search_reads(user).get()
    assert entry.changes["shown"] == {"cases.case": [case.pk], "people.person": [case.person.pk]}
    assert entry.access_point_id == world.ap_a.pk
    stored = f"{entry.changes} {entry.object_repr} {entry.object_type} {entry.object_id}"
    assert "Quaglieri" not in stored and "Settimio" not in stored and "quaglieri" not in stored.lower()


def test_it_does_not_audit_a_search_that_shows_no_person(world, login):
    user = world.users["social_expert"]
    client = login(user)
    client.get(FIND, {"q": "Cooperativa"}, follow=True)
    client.get(FIND)
    assert not _search_reads(user).exists()


def test_it_shows_the_first_ten_of_each_kind_with_a_link_to_the_list(world, login):
    for _ in range(12):
        _case(world)
    client = login(world.users["social_expert"])
    response = client.get(FIND, {"q": "Quaglieri"}, follow=True)
    persons, cases = _found(response, "persons"), _found(response, "cases")
    assert (len(persons.rows), persons.count, len(cases.rows), cases.count) == (10, 12, 10, 12)
    content = response.content.decode()
    people_link = re.search(r'href="([^"]+)">See all 12 people', content).group(1)
    cases_link = re.search(r'href="([^"]+)">See all 12 cases', content).group(1)
    # The links name the search by a key, not by its words, and find the same rows.
    assert people_link.startswith(f'{reverse("people:person_list")}?s=') and "Quaglieri" not in people_link
    assert cases_link.startswith(f'{reverse("cases:case_list")}?s=') and "Quaglieri" not in cases_link
    assert len(_search_reads(world.users["social_expert"]).get().changes["shown"]["people.person"]) == 10
    assert client.get(people_link).context["page"].paginator.count == 12
    assert client.get(cases_link).context["page"].paginator.count == 12


def test_it_searches_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    _case(world)
    with CaptureQueriesContext(connection) as few:
        assert client.get(FIND, {"q": "Quaglieri"}, follow=True).status_code == 200
    for _ in range(25):
        _case(world)
        OrganisationFactory(name="Quaglieri servizi", access_points=[world.ap_a])
    with django_assert_max_num_queries(len(few.captured_queries) + 3):  # the three counts, now needed
        response = client.get(FIND, {"q": "Quaglieri"}, follow=True)
    assert [group.count for group in response.context["findings"].groups] == [26, 26, 25]


def test_it_asks_for_at_least_two_characters(world, login):
    _case(world)
    response = login(world.users["social_expert"]).get(FIND, {"q": "Q"}, follow=True)
    assert response.context["findings"] is None
    assert response.context["form"].errors["q"]
    assert not _search_reads(world.users["social_expert"]).exists()


def test_it_offers_the_search_box_in_the_header(world, login):
    content = login(world.users["social_expert"]).get(reverse("home")).content.decode()
    # The words searched are posted, never put in the URL.
    assert f'role="search" method="post" action="{FIND}"' in content
    assert '<label for="header-search-q" class="visually-hidden">Search cases, people and organisations</label>' \
        in content
    board = login(world.users["board_viewer"]).get(reverse("home")).content.decode()
    assert ">Search organisations</label>" in board


# --- the person next to the case number in the lists ------------------------------------------------

def test_it_links_the_person_next_to_the_case_number_in_the_task_list(world, login):
    case = _case(world)
    for role in ("social_expert", "outreach_operator"):
        TaskFactory(access_point=world.ap_a, case=case, assignee=world.users[role])
    person_url = reverse("people:person_detail", args=[case.person.pk])
    expert = login(world.users["social_expert"]).get(reverse("cases:task_list")).content.decode()
    assert f'{case.number} · <a href="{person_url}">Quaglieri Settimio</a>' in expert
    outreach = login(world.users["outreach_operator"]).get(reverse("cases:task_list")).content.decode()
    assert case.number in outreach and "Quaglieri" not in outreach and person_url not in outreach


def test_it_lists_tasks_with_their_person_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    user = world.users["social_expert"]
    client = login(user)
    TaskFactory(access_point=world.ap_a, case=_case(world), assignee=user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:task_list"))
    for _ in range(10):
        TaskFactory(access_point=world.ap_a, case=_case(world), assignee=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:task_list")).content.decode().count("Quaglieri Settimio") == 11


def test_it_links_the_person_in_the_referral_list_for_staff_only(world, login):
    case = _case(world)
    _share(world, case)
    person_url = reverse("people:person_detail", args=[case.person.pk])
    staff = login(world.users["social_expert"]).get(reverse("cases:referral_list")).content.decode()
    assert f'<a href="{person_url}">Quaglieri Settimio</a>' in staff
    partner = login(world.users["partner_operator"]).get(reverse("cases:referral_list")).content.decode()
    assert "Quaglieri Settimio" in partner and person_url not in partner
