"""Names and tax codes typed in a search never travel in a URL: the forms
post them, the answer redirects to the page with an opaque ``?s=`` key, and
the terms come back from the session, page after page."""

import pytest
from django.urls import reverse

from pua.cases.tests.factories import CaseFactory, ContactFactory, PersonFactory
from pua.core.search_terms import KEEP

PEOPLE = reverse("people:person_list")
CASES = reverse("cases:case_list")
FIND = reverse("find:results")
SEARCH = {"search": "1"}


def _person(world, **fields):
    return PersonFactory(access_point=world.ap_a, **{"first_name": "Settimio", "last_name": "Quaglieri", **fields})


def _no_terms(url, *terms):
    return all(term.lower() not in url.lower() for term in terms)


def test_a_posted_person_search_redirects_to_a_url_without_the_name(world, login):
    wanted = _person(world)
    _person(world, last_name="Rossi")
    client = login(world.users["director"])
    response = client.post(PEOPLE, {"q": "Quaglieri", **SEARCH})
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{PEOPLE}?s=") and _no_terms(url, "Quaglieri")
    page = client.get(url)
    assert [person for person, _identity in page.context["rows"]] == [wanted]
    assert page.context["form"]["q"].value() == "Quaglieri"  # the box still shows what was typed


def test_a_tax_code_search_keeps_the_tax_code_out_of_the_url(world, login):
    wanted = _person(world, tax_code="QGLSTM80A01H501Z")
    client = login(world.users["director"])
    response = client.post(PEOPLE, {"q": "QGLSTM80A01H501Z", **SEARCH}, follow=True)
    url = response.redirect_chain[-1][0]
    assert _no_terms(url, "QGLSTM80A01H501Z")
    assert [person for person, _identity in response.context["rows"]] == [wanted]


def test_filters_that_identify_nobody_stay_in_the_query_string(world, login):
    _person(world)
    client = login(world.users["director"])
    response = client.post(PEOPLE, {"q": "Quaglieri", "legal_status": "unknown", **SEARCH})
    url = response["Location"]
    assert "legal_status=unknown" in url and "s=" in url and _no_terms(url, "Quaglieri")


def test_pagination_keeps_the_search_without_showing_it(world, login):
    for _ in range(30):
        _person(world)
    _person(world, last_name="Rossi")
    client = login(world.users["director"])
    first = client.post(PEOPLE, {"q": "Quaglieri", **SEARCH}, follow=True)
    page = first.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (30, 25)
    assert "s=" in page.querystring and _no_terms(page.querystring, "Quaglieri")
    second = client.get(f"{PEOPLE}?{page.querystring}&page=2")
    assert len(second.context["page"].object_list) == 5
    assert f'href="?{page.querystring}&amp;page=2"' in first.content.decode()  # the "Next" link


def test_a_search_term_in_an_old_link_is_moved_out_of_the_address(world, login):
    wanted = _person(world)
    client = login(world.users["director"])
    response = client.get(PEOPLE, {"q": "Quaglieri"})
    assert response.status_code == 302 and _no_terms(response["Location"], "Quaglieri")
    assert [p for p, _identity in client.get(response["Location"]).context["rows"]] == [wanted]


def test_an_unknown_key_finds_no_terms_and_no_error(world, login):
    _person(world)
    response = login(world.users["director"]).get(PEOPLE, {"s": "not-a-key"})
    assert response.status_code == 200 and response.context["form"]["q"].value() in (None, "")


def test_another_user_cannot_read_a_search_by_its_key(world, login, client):
    _person(world)
    url = login(world.users["director"]).post(PEOPLE, {"q": "Quaglieri", **SEARCH})["Location"]
    other = login(world.users["social_expert"])
    assert other.get(url).context["form"]["q"].value() in (None, "")


def test_the_live_search_posts_and_answers_htmx_with_the_results(world, login):
    wanted = _person(world)
    client = login(world.users["director"])
    page = client.get(PEOPLE).content.decode()
    assert 'hx-post="/people/"' in page and 'name="csrfmiddlewaretoken"' in page
    response = client.post(PEOPLE, {"q": "Quaglieri", **SEARCH}, follow=True, HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="person-results")
    content = response.content.decode()
    assert 'id="person-results"' in content and "<html" not in content and wanted.case_number in content


def test_the_case_search_posts_too(world, login):
    case = CaseFactory(person=_person(world))
    client = login(world.users["director"])
    response = client.post(CASES, {"q": "Quaglieri", "status": "", **SEARCH})
    assert _no_terms(response["Location"], "Quaglieri")
    assert [c for c, _identity in client.get(response["Location"]).context["rows"]] == [case]


def test_the_header_search_posts_and_the_results_link_to_the_lists_by_key(world, login):
    for _ in range(11):
        CaseFactory(person=_person(world))
    client = login(world.users["director"])
    home = client.get(reverse("people:person_list")).content.decode()
    assert f'method="post" action="{FIND}"' in home
    response = client.post(FIND, {"q": "Quaglieri", **SEARCH}, follow=True)
    assert _no_terms(response.redirect_chain[-1][0], "Quaglieri")
    content = response.content.decode()
    assert "Quaglieri" in content  # the names are on the page, where they may be shown
    assert "?q=" not in content


@pytest.mark.parametrize("page", ["merge", "contact_link", "referral_picker"])
def test_the_person_pickers_post_their_search(world, login, page):
    person = _person(world)
    director = world.users["director"]
    client = login(director)
    if page == "merge":
        url = reverse("cases:person_merge", args=[_person(world, last_name="Quaglieri").pk])
    elif page == "contact_link":
        url = reverse("cases:contact_link", args=[ContactFactory(access_point=world.ap_a).pk])
    else:
        url = reverse("cases:referral_create_inbound")
    assert 'name="search"' in client.get(url).content.decode()
    response = client.post(url, {"q": "Quaglieri", **SEARCH})
    assert response.status_code == 302 and _no_terms(response["Location"], "Quaglieri")
    shown = client.get(response["Location"])
    assert person.case_number in shown.content.decode()


def test_the_session_keeps_only_the_latest_searches(world, login):
    _person(world)
    client = login(world.users["director"])
    first = client.post(PEOPLE, {"q": "Quaglieri", **SEARCH})["Location"]
    for n in range(KEEP):
        client.post(PEOPLE, {"q": f"Rossi{n}", **SEARCH})
    # The oldest search is gone: its key finds no terms, and no error.
    response = client.get(first)
    assert response.status_code == 200 and response.context["form"]["q"].value() in (None, "")


def test_the_same_search_again_keeps_its_key(world, login):
    client = login(world.users["director"])
    first = client.post(PEOPLE, {"q": "Quaglieri", **SEARCH})["Location"]
    client.post(PEOPLE, {"q": "Rossi", **SEARCH})
    assert client.post(PEOPLE, {"q": "Quaglieri", **SEARCH})["Location"] == first
