"""The search page and the two maps, through their URLs."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pua.network.models import Language, Offering

from .search_factories import (
    ALATRI,
    CECCANO,
    FROSINONE,
    MILANO,
    TORRICE,
    OfferingFactory,
    SiteFactory,
    municipality,
    service,
)

SEARCH = "/network/search/"
MAP_ORGANISATIONS = "/network/maps/organisations/"
MAP_SERVICES = "/network/maps/services/"


@pytest.fixture
def frosinone_world(world):
    """Access point A works in Frosinone."""
    world.ap_a.municipality = municipality(FROSINONE)
    world.ap_a.save()
    return world


def _positions(html, *names):
    return [html.index(name) for name in names]


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    for url in (SEARCH, MAP_ORGANISATIONS, MAP_SERVICES):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_lists_the_nearest_services_first_from_the_access_points_municipality(frosinone_world, login):
    w = frosinone_world
    OfferingFactory(organisation=w.org_a, municipality=municipality(ALATRI), referral_email="alatri@example.org")
    OfferingFactory(organisation=w.partner_org, municipality=municipality(TORRICE))
    OfferingFactory(organisation=w.org_b, municipality=municipality(TORRICE))

    response = login(w.users["social_expert"]).get(SEARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dove posso inviare questa persona?" in html or "Where can I send this person?" in html
    assert 'value="Frosinone (FR)"' in html
    a, b = _positions(html, "Associazione Partner", "Cooperativa Alfa")
    assert a < b
    assert "Cooperativa Beta" not in html
    assert re.search(r"5[.,]3 km", html) and re.search(r"10[.,]2 km", html)
    assert "mailto:alatri@example.org" in html
    assert "tel:0775 000000" in html


def test_it_takes_the_territorys_first_municipality_when_the_access_point_has_none(world, login):
    world.ap_a.territory.municipalities.set([municipality(CECCANO), municipality(TORRICE)])
    OfferingFactory(organisation=world.org_a, municipality=municipality(CECCANO))

    html = login(world.users["social_expert"]).get(SEARCH).content.decode()

    assert 'value="Ceccano (FR)"' in html
    assert re.search(r"0[.,]0 km", html)


def test_it_filters_by_the_chosen_area_language_and_person(frosinone_world, login):
    w = frosinone_world
    OfferingFactory(organisation=w.org_a, service=service("F2.4.c"), languages=["ar"], legal_status="none")
    OfferingFactory(organisation=w.partner_org, service=service("F2.4.g"), languages=["ar"],
                    legal_status="valid_permit")
    OfferingFactory(organisation=w.home_org_a, service=service("F2.5.a"), languages=["ar"])
    area = service("F2.4")

    html = login(w.users["social_expert"]).get(SEARCH, {
        "service": area.pk, "language": "ar", "legal_status": "none", "municipality": "060038",
    }).content.decode()

    assert "Cooperativa Alfa" in html
    assert "Associazione Partner" not in html
    assert "Comune Alfa" not in html
    assert re.search(r"1 (servizio trovato|service found)", html)


def test_it_returns_only_the_results_to_htmx(frosinone_world, login):
    OfferingFactory(organisation=frosinone_world.org_a)

    response = login(frosinone_world.users["social_expert"]).get(
        SEARCH, {"free_only": "on"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="search-results"')
    assert "<form" not in html and "Cooperativa Alfa" in html


@pytest.mark.parametrize(("text", "message"), [
    ("Atlantide", ("Nessun comune", "No municipality")),
    ("Samone", ("Samone (", "Samone (")),
])
def test_it_explains_a_municipality_it_cannot_place(frosinone_world, login, text, message):
    OfferingFactory(organisation=frosinone_world.org_a)

    html = login(frosinone_world.users["social_expert"]).get(SEARCH, {"municipality": text}).content.decode()

    assert 'aria-invalid="true"' in html
    assert message[0] in html or message[1] in html
    assert "Cooperativa Alfa" not in html


def test_it_flags_stale_offerings_and_says_when_they_were_confirmed(frosinone_world, login):
    now = timezone.now()
    OfferingFactory(organisation=frosinone_world.org_a, last_confirmed_at=now - timedelta(days=400))

    html = login(frosinone_world.users["social_expert"]).get(SEARCH).content.decode()

    assert "search-stale" in html
    assert re.search(r"400 (giorni fa|days ago)", html)


def test_it_pages_results_by_25(frosinone_world, login):
    for _ in range(27):
        OfferingFactory(organisation=frosinone_world.org_a)

    client = login(frosinone_world.users["social_expert"])
    first = client.get(SEARCH).content.decode()
    second = client.get(SEARCH, {"page": 2}).content.decode()

    assert first.count('class="card card-bg shadow-sm h-100 search-result"') == 25
    assert second.count('class="card card-bg shadow-sm h-100 search-result"') == 2
    assert 'start="26"' in second


def test_it_shows_a_partner_only_its_organisations_services(frosinone_world, login):
    w = frosinone_world
    OfferingFactory(organisation=w.partner_org)
    OfferingFactory(organisation=w.org_a)

    html = login(w.users["partner_operator"]).get(SEARCH).content.decode()

    assert "Associazione Partner" in html
    assert "Cooperativa Alfa" not in html


def test_it_never_shows_access_point_a_to_access_point_b(frosinone_world, login):
    OfferingFactory(organisation=frosinone_world.org_a)

    html = login(frosinone_world.other_worker).get(SEARCH).content.decode()

    assert "Cooperativa Alfa" not in html


def _bulk_offerings(count, organisation):
    places = [municipality(code) for code in (FROSINONE, TORRICE, CECCANO, ALATRI, MILANO)]
    now = timezone.now()
    mediation = service("F2.4.c")
    offerings = Offering.objects.bulk_create(
        Offering(organisation=organisation, service=mediation, municipality=places[n % 5],
                 latitude=places[n % 5].latitude, longitude=places[n % 5].longitude,
                 last_confirmed_at=now - timedelta(days=n % 400))
        for n in range(count)
    )
    languages = list(Language.objects.filter(code__in=["ar", "en", "it"]))
    Languages = Offering.languages.through
    Languages.objects.bulk_create(
        Languages(offering_id=o.pk, language_id=language.pk) for o in offerings for language in languages
    )


def test_it_renders_the_search_page_in_the_same_number_of_queries_for_10_and_500_offerings(
        frosinone_world, login, django_assert_max_num_queries):
    client = login(frosinone_world.users["social_expert"])
    client.get(SEARCH)  # settle the session and the current access point
    counts = []
    for count in (10, 490):
        _bulk_offerings(count, frosinone_world.org_a)
        with django_assert_max_num_queries(22) as captured:
            response = client.get(SEARCH, {"language": "ar", "municipality": "060038"})
            assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        assert response.content.decode().count('search-result"') == (10 if count == 10 else 25)

    assert counts[0] == counts[1]


def test_it_renders_the_maps_in_the_same_number_of_queries_for_10_and_500_items(
        frosinone_world, login, django_assert_max_num_queries):
    client = login(frosinone_world.users["social_expert"])
    client.get(MAP_SERVICES)
    counts = {MAP_SERVICES: [], MAP_ORGANISATIONS: []}
    for count in (10, 490):
        _bulk_offerings(count, frosinone_world.org_a)
        for url in counts:
            with django_assert_max_num_queries(22) as captured:
                assert client.get(url).status_code == 200
            counts[url].append(len(captured.captured_queries))

    assert all(a == b for a, b in counts.values())


def test_it_draws_the_organisations_map_with_a_list_of_the_same_organisations(frosinone_world, login):
    w = frosinone_world
    SiteFactory(organisation=w.org_a, municipality=municipality(CECCANO), address="Via dei Volsci 1")

    response = login(w.users["social_expert"]).get(MAP_ORGANISATIONS, {"kind": "social_coop_b"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-geojson-url="/api/v1/geojson/organisations/?kind=social_coop_b"' in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    rows = re.findall(r'<tr>\s*<th scope="row">', html)
    assert len(rows) == 1  # only Cooperativa Alfa is a type B cooperative at A
    assert "Via dei Volsci 1" in html and "Ceccano (FR)" in html
    assert "Cooperativa Beta" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attributes for attributes in scripts)
    assert "/static/leaflet/leaflet.js" in html and "/static/markercluster/leaflet.markercluster.js" in html


def test_it_draws_the_services_map_with_the_search_filters(frosinone_world, login):
    w = frosinone_world
    OfferingFactory(organisation=w.org_a, languages=["ar"], municipality=municipality(CECCANO))
    OfferingFactory(organisation=w.partner_org, languages=["en"])
    mediation = service("F2.4.c")

    response = login(w.users["social_expert"]).get(MAP_SERVICES, {
        "service": mediation.pk, "language": "ar", "free_only": "on",
    })

    html = response.content.decode()
    assert response.status_code == 200
    url = re.search(r'data-geojson-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert url.startswith("/api/v1/geojson/offerings/?")
    assert {"service=F2.4.c", "language=ar", "municipality=060038", "free_only=true"} <= set(url.split("?")[1].split("&"))
    rows = re.findall(r'<tr>\s*<th scope="row">', html)
    assert len(rows) == 1
    assert "Cooperativa Alfa" in html and "Associazione Partner" not in html
    assert re.search(r"7[.,]6 km", html)
