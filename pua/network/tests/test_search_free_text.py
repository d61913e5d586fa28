"""Where can I send this person? — by need, in the person's words: free text
matched against the service's labels, the offering's description and the
organisation's name, with Italian stems and without accents, the same on
SQLite and PostgreSQL."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from pua.network import exchange
from pua.network.models import Service
from pua.network.search_selectors import offering_search

from .factories import OrganisationFactory
from .imports_support import build_network, delete_network, read_xlsx_rows, upload
from .search_factories import ALATRI, FROSINONE, TORRICE, OfferingFactory, municipality, service

SEARCH = "/network/search/"
COURSE = "Corsi di lingua italiana L2 per adulti stranieri"
HOUSING = "Ricerca di un alloggio e contributi per l'affitto"


@pytest.fixture
def operator(world):
    return world.users["social_expert"]


@pytest.fixture
def directory(world):
    """An Italian course, two housing offerings (one says "alloggio", one
    only has the catalogue's housing service), a job centre and a desk."""
    return {
        "course": OfferingFactory(organisation=world.org_a, service=service("F2.4.f"), description=COURSE),
        "housing": OfferingFactory(organisation=world.partner_org, service=service("F2.6.a"), description=HOUSING),
        "shelter": OfferingFactory(organisation=world.home_org_a, service=service("F2.6.a"),
                                   description="Accoglienza temporanea e accompagnamento all'autonomia."),
        "job_centre": OfferingFactory(
            organisation=_organisation(world, "Centro per l'Impiego di Frosinone"), service=service("F2.5.d"),
            description="Iscrizione, patto di servizio e incrocio tra domanda e offerta."),
        "desk": OfferingFactory(organisation=world.org_a, service=service("F2.4.d"),
                                description="Sportello sociale: prima assistenza e contributi economici."),
    }


def _organisation(world, name):
    return OrganisationFactory(name=name, kind="employment_centre", access_points=[world.ap_a])


def _found(user, q, **filters):
    return [offering.pk for offering in offering_search(user=user, q=q, **filters)]


@pytest.mark.parametrize("q", ["corso di italiano", "lingua italiana", "italiano per stranieri", "CORSO D'ITALIANO"])
def test_it_finds_the_italian_course_and_not_housing(directory, operator, q):
    found = _found(operator, q)

    assert found[0] == directory["course"].pk
    assert directory["housing"].pk not in found and directory["shelter"].pk not in found


def test_it_finds_housing_by_the_word_a_social_worker_uses(directory, operator):
    found = _found(operator, "alloggio")

    # The shelter never says "alloggio": its catalogue service is the housing one.
    assert set(found) == {directory["housing"].pk, directory["shelter"].pk}
    assert found[0] == directory["housing"].pk  # it says it in its description too


def test_it_puts_the_job_centre_first_for_sportello_lavoro(directory, operator):
    found = _found(operator, "sportello lavoro")

    assert found[0] == directory["job_centre"].pk
    assert directory["desk"].pk in found
    assert directory["course"].pk not in found


def test_it_matches_organisation_names_and_english_labels(world, directory, operator):
    assert _found(operator, "impiego") == [directory["job_centre"].pk]
    assert set(_found(operator, "housing")) == {directory["housing"].pk, directory["shelter"].pk}


def test_it_folds_accents_in_the_text_and_in_the_query(world, operator):
    canteen = OfferingFactory(organisation=world.org_a, description="Mensa della città, attività serali")

    assert _found(operator, "citta") == [canteen.pk]
    assert _found(operator, "ATTIVITÀ") == [canteen.pk]


def test_it_ranks_by_words_matched_then_by_distance(world, operator):
    near_both = OfferingFactory(organisation=world.org_a, municipality=municipality(TORRICE),
                                description="Corso di italiano serale")
    far_both = OfferingFactory(organisation=world.org_a, municipality=municipality(ALATRI),
                               description="Corso di italiano per donne")
    nearest_one = OfferingFactory(organisation=world.org_a, municipality=municipality(FROSINONE),
                                  description="Corso di informatica")

    results = list(offering_search(user=operator, q="corso italiano", municipality=municipality(FROSINONE)))

    assert [o.pk for o in results] == [near_both.pk, far_both.pk, nearest_one.pk]
    assert [o.relevance for o in results] == [2, 2, 1]


def test_it_keeps_the_other_filters_and_the_visibility(world, directory, operator):
    OfferingFactory(organisation=world.org_b, service=service("F2.4.f"), description=COURSE)  # access point B

    assert _found(operator, "corso di italiano", service=service("F2.6.a")) == []
    assert _found(operator, "corso di italiano", free_only=True) == [directory["course"].pk]
    assert _found(world.other_worker, "corso di italiano") != []
    assert directory["course"].pk not in _found(world.other_worker, "corso di italiano")


def test_it_ignores_a_query_of_stopwords_only(directory, operator):
    assert len(_found(operator, "di per la")) == len(directory)


def test_it_searches_from_the_page_and_keeps_the_words_in_the_form(world, directory, login, english_personas):
    world.ap_a.municipality = municipality(FROSINONE)
    world.ap_a.save()

    html = login(world.users["social_expert"]).get(SEARCH, {"q": "corso di italiano"}).content.decode()

    assert 'name="q" value="corso di italiano"' in html
    assert "Cooperativa Alfa" in html
    assert "Associazione Partner" not in html  # the housing offering
    assert "best matches first, then nearest to Frosinone (FR)" in html


def test_it_searches_the_same_way_through_the_api(world, directory):
    api = APIClient()
    api.force_login(world.users["social_expert"])

    response = api.get("/api/v1/offering-search/", {"q": "lingua italiana"})

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [directory["course"].pk]


# --- the stored tokens follow what is written -------------------------------------------------

def test_it_ships_the_catalogue_with_its_tokens(db):
    assert " abit" in Service.objects.get(code="F2.6.a", programme__isnull=True).search_text
    assert " housing " in Service.objects.get(code="F2.6.a", programme__isnull=True).search_text


def test_it_finds_an_offering_and_an_organisation_as_they_are_edited(world, login, operator):
    client = login(world.users["director"])
    client.post(reverse("network:offering_create", args=[world.org_a.pk]), {
        "service": service("F2.4.f").pk, "availability": "available", "legal_status": "none", "cost": "free",
        "description": COURSE,
    })
    course = world.org_a.offerings.get()
    assert _found(operator, "corso di italiano") == [course.pk]

    client.post(reverse("network:offering_edit", args=[course.pk]), {
        "service": service("F2.4.f").pk, "availability": "available", "legal_status": "none", "cost": "free",
        "description": "Laboratorio di cucito",
    })
    client.post(reverse("network:organisation_edit", args=[world.org_a.pk]), {
        "name": "Cooperativa Arcobaleno", "kind": "social_coop_b", "access_points": [world.ap_a.pk],
    })

    assert _found(operator, "cucito") == [course.pk]
    assert _found(operator, "arcobaleno") == [course.pk]
    assert _found(operator, "corso di italiano") == []


def _edited_export(client):
    tables = read_xlsx_rows(client.get(reverse("network:network_export"), {"format": "xlsx"}).content)
    for row in tables["offerings"]:
        if row["description"] == "Mediazione":
            row["description"] = COURSE
    for row in tables["organisations"]:
        if row["name"] == "Cooperativa Round Trip":
            row["name"] = "Cooperativa Girasole"
    return exchange.write_xlsx({sheet: [{k: (v or None) for k, v in row.items()} for row in rows]
                                for sheet, rows in tables.items()})


@pytest.mark.parametrize("deleted_first", [False, True], ids=["updated", "created"])
def test_it_finds_what_an_import_wrote(world, login, operator, settings, tmp_path, deleted_first):
    settings.MEDIA_ROOT = tmp_path
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    client = login(director)
    edited = _edited_export(client)
    if deleted_first:
        delete_network(built)

    upload(client, edited)

    assert [o.description for o in offering_search(user=operator, q="corso di italiano")] == [COURSE]
    assert {o.organisation.name for o in offering_search(user=operator, q="girasole")} == {"Cooperativa Girasole"}


def test_it_finds_the_italian_courses_of_the_demo_network(db):
    from django.contrib.auth import get_user_model

    from pua.network.demo import demo_load

    demo_load(with_users=False)
    administrator = get_user_model().objects.create_superuser("amministrazione", "root@example.org", "x")

    found = list(offering_search(user=administrator, q="corso di italiano"))
    descriptions = [offering.description for offering in found if offering.relevance == 2]

    assert "Corsi di italiano per adulti stranieri." in descriptions
    assert "Scuola di italiano gestita da volontari." in descriptions
    assert "Laboratori di lingua italiana per donne." in [offering.description for offering in found]
    assert not [offering for offering in found if offering.service.code.startswith("F2.6")]
    assert {o.service.code for o in offering_search(user=administrator, q="alloggio")} <= {"F2.6.a", "F2.4.h"}
