"""The main menu: grouped, and only the pages each role may open."""

import re

import pytest
from django.urls import reverse

from pua.cases.tests.factories import CaseFactory, PersonFactory
from pua.core.menu import GROUPS, Link
from pua.network.models import Role

LINK = re.compile(r'<a class="dropdown-item list-item[^"]*" href="([^"]+)"')
GROUP = re.compile(r'<button type="button" class="nav-link dropdown-toggle[^"]*" id="main-menu-([a-z]+)"')


def _nav(html: str) -> str:
    return html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]


def _menu(client, path="/"):
    nav = _nav(client.get(path).content.decode())
    return GROUP.findall(nav), LINK.findall(nav)


def _personas(world):
    users = dict(world.users)
    users["director_b"] = world.other_director
    users["social_expert_b"] = world.other_worker
    return users


def employment_links(request):
    return [Link("employment", "Placements", "accounts:profile")]


@pytest.mark.parametrize("persona", [*(role.value for role in Role), "director_b", "social_expert_b"])
def test_it_opens_every_link_of_the_menu(world, login, persona):
    client = login(_personas(world)[persona])
    groups, links = _menu(client)
    assert groups and links
    for url in links:
        assert client.get(url).status_code < 400, f"{persona}: {url}"


def test_it_opens_every_link_of_a_superuser_administrators_menu(world, login):
    admin = world.users["admin"]
    admin.is_superuser = True  # as the demo's administrator
    admin.save(update_fields=["is_superuser"])
    client = login(admin)
    groups, links = _menu(client)
    assert "casework" not in groups
    assert reverse("cases:referral_list") not in links and reverse("people:person_list") not in links
    assert reverse("governance:audit_list") in links and reverse("network:user_list") in links
    for url in links:
        assert client.get(url).status_code < 400, url


def test_it_groups_the_menu_in_order(world, login):
    groups, links = _menu(login(world.users["director"]))
    assert groups == ["casework", "network", "assessments", "administration"]
    assert links.index(reverse("home")) < links.index(reverse("network:organisation_list")) < links.index(
        reverse("assessments:instrument_list")) < links.index(reverse("network:access_point_list"))
    assert links[-1] == reverse("api:docs")


def test_it_gives_an_outreach_operator_their_tasks_and_no_director_pages(world, login):
    groups, links = _menu(login(world.users["outreach_operator"]))
    assert reverse("cases:task_list") in links and reverse("cases:contact_list") in links
    for director_page in ("cases:eligibility_list", "network:user_list", "governance:audit_list",
                          "network:import_list", "assessments:overrides"):
        assert reverse(director_page) not in links


def test_it_gives_a_partner_their_own_work_and_no_persons(world, login):
    groups, links = _menu(login(world.users["partner_operator"]))
    assert links[0] == reverse("cases:my_work")
    assert reverse("cases:case_list") in links and reverse("cases:referral_list") in links
    for hidden in ("people:person_list", "cases:contact_list", "network:agreement_list", "cases:task_list",
                   "network:offering_search", "assessments:instrument_list"):
        assert reverse(hidden) not in links
    assert "assessments" not in groups


@pytest.mark.parametrize("role", [Role.BOARD_VIEWER, Role.REGIONAL_COORDINATOR, Role.ADMIN])
def test_it_gives_no_casework_to_who_sees_no_persons(world, login, role):
    groups, links = _menu(login(world.users[role.value]))
    assert "casework" not in groups
    assert not any(url.startswith(("/people/", "/cases/")) for url in links)


def test_it_marks_the_current_page_and_its_group(world, login):
    client = login(world.users["social_expert"])
    nav = _nav(client.get(reverse("cases:case_list")).content.decode())
    assert f'href="{reverse("cases:case_list")}" aria-current="page"' in nav
    assert re.search(r'id="main-menu-casework"\s+data-bs-toggle="dropdown" aria-expanded="false" aria-current="true"',
                     nav)
    assert nav.count("aria-current") == 2


def test_it_marks_the_section_of_a_page_below_a_menu_link(world, login):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    nav = _nav(login(world.users["social_expert"]).get(reverse("cases:case_detail", args=[case.pk])).content.decode())
    assert f'href="{reverse("cases:case_list")}" aria-current="true"' in nav
    assert 'aria-current="page"' not in nav


def test_it_shows_a_group_only_once_an_app_fills_it(world, login, settings):
    client = login(world.users["director"])
    assert "employment" not in _menu(client)[0]
    settings.MAIN_MENU = [*settings.MAIN_MENU, "pua.core.tests.test_menu.employment_links"]
    groups, links = _menu(client)
    assert groups == ["casework", "network", "assessments", "employment", "administration"]
    assert reverse("accounts:profile") in links


def test_it_refuses_a_link_to_an_undeclared_group():
    assert "employment" in {group.key for group in GROUPS}
    with pytest.raises(ValueError):
        Link("fundraising", "Donors", "home")


def test_it_labels_the_groups_in_the_users_language(world, login, english_personas):
    html = login(world.users["director"]).get("/").content.decode()
    for label in ("Casework", "Network", "Assessments", "Administration"):
        assert f"<span>{label}</span>" in html


def test_it_costs_no_query_to_build_the_menu(world, login, rf, django_assert_num_queries):
    from pua.core.menu import main_menu
    from pua.network.access import grants_for

    user = world.users["director"]
    request = rf.get("/")
    request.user = user
    request.access_point = world.ap_a
    grants_for(user)
    with django_assert_num_queries(0):
        groups = main_menu(request)
    assert [group.key for group in groups] == ["casework", "network", "assessments", "administration"]
