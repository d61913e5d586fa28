"""The search page's results: filters carried to the map and back, suspended
and stale offerings set apart, the "Refer" button, the map's own labels."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from pua.network.models import Availability, Language, Offering

from .search_factories import CECCANO, FROSINONE, TORRICE, OfferingFactory, municipality, service

SEARCH = "/network/search/"
MAP_SERVICES = "/network/maps/services/"
MAP_ORGANISATIONS = "/network/maps/organisations/"
COURSE = "Corsi di lingua italiana L2 per adulti stranieri"


@pytest.fixture
def frosinone_world(world):
    world.ap_a.municipality = municipality(FROSINONE)
    world.ap_a.save()
    return world


def _href(html, element_id):
    return unescape(re.search(rf'id="{element_id}" href="([^"]+)"', html).group(1))


def _query(url):
    return parse_qs(urlsplit(url).query)


def _titles(html):
    return re.findall(r'id="offering-(\d+)-title"', html)


def test_it_carries_the_filters_to_the_map_and_back(frosinone_world, login):
    w = frosinone_world
    course = OfferingFactory(organisation=w.org_a, service=service("F2.4.f"), description=COURSE, languages=["ar"])
    OfferingFactory(organisation=w.partner_org, service=service("F2.6.a"), description="Ricerca di un alloggio",
                    languages=["ar"])
    client = login(w.users["social_expert"])
    filters = {"q": "corso di italiano", "language": "ar", "free_only": "on", "page": "1"}

    search = client.get(SEARCH, filters).content.decode()
    map_link = _href(search, "search-map-link")

    assert map_link.startswith(MAP_SERVICES)
    assert _query(map_link) == {"q": ["corso di italiano"], "language": ["ar"], "free_only": ["on"]}

    map_page = client.get(map_link).content.decode()
    geojson = unescape(re.search(r'data-geojson-url="([^"]+)"', map_page).group(1))
    rows = re.findall(r'<tr>\s*<th scope="row">.*?</tr>', map_page, flags=re.S)
    back = _href(map_page, "map-list-link")

    assert 'name="q" value="corso di italiano"' in map_page
    assert _query(geojson)["q"] == ["corso di italiano"] and _query(geojson)["language"] == ["ar"]
    assert len(rows) == 1 and "Cooperativa Alfa" in rows[0]
    assert back.startswith(SEARCH) and _query(back) == _query(map_link)
    assert _titles(client.get(back).content.decode()) == [str(course.pk)]


def test_it_draws_on_the_map_what_the_search_found(frosinone_world, login):
    w = frosinone_world
    course = OfferingFactory(organisation=w.org_a, service=service("F2.4.f"), description=COURSE)
    OfferingFactory(organisation=w.partner_org, service=service("F2.6.a"), description="Ricerca di un alloggio")
    client = login(w.users["social_expert"])

    geojson = unescape(re.search(r'data-geojson-url="([^"]+)"',
                                 client.get(MAP_SERVICES, {"q": "lingua italiana"}).content.decode()).group(1))
    features = client.get(geojson).json()["features"]

    assert [feature["id"] for feature in features] == [course.pk]


def test_it_gives_htmx_results_a_map_link_with_the_new_filters(frosinone_world, login):
    OfferingFactory(organisation=frosinone_world.org_a)

    html = login(frosinone_world.users["social_expert"]).get(
        SEARCH, {"q": "mediazione", "free_only": "on"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results",
    ).content.decode()

    assert html.lstrip().startswith('<section id="search-results"')
    assert _query(_href(html, "search-map-link")) == {"q": ["mediazione"], "free_only": ["on"]}


def test_it_lists_suspended_offerings_apart_and_last_with_a_badge(frosinone_world, login, english_personas):
    w = frosinone_world
    suspended = OfferingFactory(organisation=w.org_a, municipality=municipality(FROSINONE),
                                availability=Availability.SUSPENDED)
    taking = OfferingFactory(organisation=w.partner_org, municipality=municipality(CECCANO))

    html = login(w.users["social_expert"]).get(SEARCH).content.decode()

    assert _titles(html) == [str(taking.pk), str(suspended.pk)]  # the nearest is suspended: it comes last
    section = html[html.index('id="search-suspended-title"'):]
    assert f'id="offering-{suspended.pk}-title"' in section
    assert f'id="offering-{taking.pk}-title"' not in section
    assert re.search(r'class="badge bg-secondary[^"]*search-suspended">Suspended</span>', section)
    assert "search-suspended" not in html[:html.index('id="search-suspended-title"')]


def test_it_badges_offerings_not_confirmed_for_too_long_and_lists_them_after_the_current_ones(
        frosinone_world, login, english_personas):
    w = frosinone_world
    stale = OfferingFactory(organisation=w.org_a, municipality=municipality(FROSINONE),
                            last_confirmed_at=timezone.now() - timedelta(days=400))
    current = OfferingFactory(organisation=w.partner_org, municipality=municipality(TORRICE))

    html = login(w.users["social_expert"]).get(SEARCH).content.decode()

    assert _titles(html) == [str(current.pk), str(stale.pk)]
    assert html.count(">To be verified</span>") == 1
    assert html.index(">To be verified</span>") > html.index(f'id="offering-{stale.pk}-title"')
    assert "Not confirmed for more than 180 days" in html
    assert "search-suspended" not in html


def test_it_offers_to_refer_a_person_to_those_who_refer(frosinone_world, login):
    w = frosinone_world
    offering = OfferingFactory(organisation=w.org_a)
    suspended = OfferingFactory(organisation=w.partner_org, availability=Availability.SUSPENDED)

    expert = login(w.users["social_expert"]).get(SEARCH).content.decode()

    assert f'href="/cases/referrals/new/?offering={offering.pk}"' in expert
    assert f"?offering={suspended.pk}" not in expert  # nobody is taken there now


@pytest.mark.parametrize("role", ["board_viewer", "partner_operator", "outreach_operator"])
def test_it_does_not_offer_to_refer_to_those_who_do_not(frosinone_world, login, role):
    w = frosinone_world
    OfferingFactory(organisation=w.partner_org)

    html = login(w.users[role]).get(SEARCH).content.decode()

    assert "Associazione Partner" in html
    assert "/cases/referrals/new/" not in html


def test_it_does_not_offer_to_refer_to_a_superuser_administrator(frosinone_world, login):
    """Django grants a superuser every permission; the role rules do not make an administrator refer persons."""
    w = frosinone_world
    offering = OfferingFactory(organisation=w.org_a)
    admin = w.users["admin"]
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = login(admin)

    search, detail = client.get(SEARCH), client.get(f"/network/offerings/{offering.pk}/")
    assert search.status_code == detail.status_code == 200
    assert "/cases/referrals/new/" not in search.content.decode()
    assert "/cases/referrals/new/" not in detail.content.decode()


def test_it_offers_to_refer_from_the_offerings_page_too(frosinone_world, login):
    offering = OfferingFactory(organisation=frosinone_world.org_a)
    url = f"/network/offerings/{offering.pk}/"

    assert f"/cases/referrals/new/?offering={offering.pk}" in login(
        frosinone_world.users["social_expert"]).get(url).content.decode()
    assert "/cases/referrals/new/" not in login(frosinone_world.users["board_viewer"]).get(url).content.decode()


@pytest.mark.parametrize("url", [MAP_SERVICES, MAP_ORGANISATIONS])
def test_it_gives_the_maps_controls_labels_in_the_pages_language(world, login, english_personas, url):
    html = login(world.users["social_expert"]).get(url).content.decode()

    for attribute, text in [("zoom-in", "Zoom in"), ("zoom-out", "Zoom out"), ("close-popup", "Close popup"),
                            ("leaflet", "A JavaScript library for interactive maps"),
                            ("cluster", "{count} places in this area: zoom in to see them")]:
        assert f'data-label-{attribute}="{text}"' in html


def _bulk_courses(count, organisation):
    offerings = Offering.objects.bulk_create(
        Offering(organisation=organisation, service=service("F2.4.f"), municipality=municipality(CECCANO),
                 latitude=41.57, longitude=13.33, description=COURSE, search_text=" cors lingu italian l2 adult "
                 "stranier ", last_confirmed_at=timezone.now() - timedelta(days=n % 400),
                 availability=Availability.SUSPENDED if n % 7 == 0 else Availability.AVAILABLE)
        for n in range(count)
    )
    languages = list(Language.objects.filter(code__in=["ar", "en", "it"]))
    Offering.languages.through.objects.bulk_create(
        Offering.languages.through(offering_id=o.pk, language_id=language.pk)
        for o in offerings for language in languages
    )


def test_it_renders_a_free_text_search_in_the_same_number_of_queries_for_10_and_500_offerings(
        frosinone_world, login, django_assert_max_num_queries):
    client = login(frosinone_world.users["social_expert"])
    client.get(SEARCH)  # settle the session and the current access point
    counts = []
    for count in (10, 490):
        _bulk_courses(count, frosinone_world.org_a)
        with django_assert_max_num_queries(22) as captured:
            response = client.get(SEARCH, {"q": "corso di italiano", "language": "ar"})
            assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        html = response.content.decode()
        assert html.count('search-result"') + html.count("search-result search-result-suspended") == (
            10 if count == 10 else 25)
        assert "/cases/referrals/new/?offering=" in html

    assert counts[0] == counts[1]
