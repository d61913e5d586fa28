"""Pages and API answers with personal data are never stored by browsers or proxies."""

from django.http import HttpResponse
from django.urls import reverse

from pua.cases import case_services
from pua.cases.tests.factories import PersonFactory
from pua.core.middleware import NoStoreMiddleware


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_a_person_page_is_not_stored(world, login):
    person = PersonFactory(access_point=world.ap_a)
    response = login(world.users["director"]).get(reverse("people:person_detail", args=[person.pk]))
    assert response.status_code == 200
    assert _no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_case_page_is_not_stored(world, login):
    director = world.users["director"]
    case = case_services.case_open(person=PersonFactory(access_point=world.ap_a), by=director,
                                   case_manager=director)
    response = login(director).get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert _no_store(response)


def test_an_api_list_is_not_stored(world, login):
    response = login(world.users["director"]).get("/api/v1/cases/")
    assert response.status_code == 200
    assert _no_store(response)


def test_an_api_refusal_is_not_stored_either(db, client):
    response = client.get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert _no_store(response)


def test_every_page_of_a_signed_in_user_is_not_stored(world, login):
    client = login(world.users["partner_operator"])
    for url in (reverse("home"), reverse("accounts:profile"), reverse("network:organisation_list")):
        assert _no_store(client.get(url)), url


def test_static_files_keep_their_caching(world, rf):
    static = HttpResponse("body{}", content_type="text/css")
    static["Cache-Control"] = "max-age=315360000, public, immutable"
    request = rf.get("/static/core/pua.css")
    request.user = world.users["director"]

    response = NoStoreMiddleware(lambda request: static)(request)

    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
