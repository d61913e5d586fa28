"""Only the director of the person's access point exercises the person's rights."""

import pytest

from pua.network.models import Role

pytestmark = pytest.mark.django_db

PAGES = ("person_privacy", "person_erase")


def _url(name, person):
    return f"/privacy/people/{person.pk}/" + {"person_privacy": "", "person_erase": "erase/"}[name]


@pytest.mark.parametrize("page", PAGES)
def test_it_opens_the_data_protection_pages_to_the_director(world, subject, login, page):
    response = login(world.users["director"]).get(_url(page, subject))
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR])
@pytest.mark.parametrize("page", PAGES)
def test_it_refuses_other_staff_of_the_access_point(world, subject, login, role, page):
    assert login(world.users[role.value]).get(_url(page, subject)).status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNER_OPERATOR, Role.BOARD_VIEWER, Role.REGIONAL_COORDINATOR, Role.ADMIN])
def test_it_hides_the_person_from_roles_that_see_no_person(world, subject, login, role):
    assert login(world.users[role.value]).get(_url("person_privacy", subject)).status_code == 404


def test_it_hides_the_person_from_the_director_of_another_access_point(world, subject, login):
    client = login(world.other_director)
    assert client.get(_url("person_privacy", subject)).status_code == 404
    assert client.post(f"/privacy/people/{subject.pk}/export/").status_code == 404
    assert client.post(f"/privacy/people/{subject.pk}/erase/", {"confirm_case_number": subject.case_number}
                       ).status_code == 404


def test_it_refuses_the_export_to_a_social_expert(world, subject, login):
    assert login(world.users["social_expert"]).post(f"/privacy/people/{subject.pk}/export/").status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client, subject):
    response = client.get(f"/privacy/people/{subject.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/people/{pk}/", "/cases/person/{pk}/"])
def test_it_shows_the_data_protection_button_to_directors_only(world, subject, login, url):
    url = url.format(pk=subject.pk)
    director_page = login(world.users["director"]).get(url).content.decode()
    assert f'href="/privacy/people/{subject.pk}/"' in director_page
    expert_page = login(world.users["social_expert"]).get(url).content.decode()
    assert f'href="/privacy/people/{subject.pk}/"' not in expert_page
    assert f'href="/privacy/people/{subject.pk}/rectify/"' in expert_page
    outreach_page = login(world.users["outreach_operator"]).get(url).content.decode()
    assert "/privacy/people/" not in outreach_page
