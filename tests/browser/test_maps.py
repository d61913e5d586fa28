"""An operator opens both maps: markers are drawn (tiles or not) and the
accessible list below has the same items."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from pua.network.models import Service
from pua.network.tests.factories import MunicipalityFactory
from pua.network.tests.search_factories import OfferingFactory, SiteFactory

pytestmark = pytest.mark.browser


def _place(istat_code, name, latitude, longitude):
    # Browser tests run on a flushed database: the reference data loaded by
    # migration may be gone, so the places are made here.
    return MunicipalityFactory(istat_code=istat_code, name=name, province="FR", region="Lazio",
                               latitude=latitude, longitude=longitude)


@pytest.fixture
def directory(world):
    frosinone = _place("060038", "Frosinone", 41.63976, 13.34109)
    ceccano = _place("060024", "Ceccano", 41.57236, 13.32901)
    torrice = _place("060079", "Torrice", 41.63374, 13.40375)
    alatri = _place("060003", "Alatri", 41.73187, 13.3412)
    mediation, _ = Service.objects.get_or_create(
        code="F2.4.c", programme=None,
        defaults={"level": "service", "label_it": "Mediazione linguistica", "label_en": "Linguistic mediation",
                  "for_persons": True, "sort_key": "F2.4.c"},
    )
    world.ap_a.municipality = frosinone
    world.ap_a.save()
    SiteFactory(organisation=world.org_a, name="Sede Ceccano", municipality=ceccano)
    world.partner_org.municipality = torrice
    world.partner_org.save()
    OfferingFactory(organisation=world.org_a, service=mediation, municipality=ceccano)
    OfferingFactory(organisation=world.partner_org, service=mediation, municipality=torrice)
    OfferingFactory(organisation=world.home_org_a, service=mediation, municipality=alatri)
    OfferingFactory(organisation=world.org_b, service=mediation, municipality=alatri)
    return world


def _watch(page, live_server):
    """Collect console errors and failed requests, leaving out map tiles
    (there is no internet here: they are refused on purpose)."""
    problems = []

    def is_tile(url):
        return bool(url) and not url.startswith(live_server.url)

    def on_console(msg):
        if msg.type == "error" and not is_tile(msg.location.get("url", "")):
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # Nothing leaves the machine: every request not for the live server is refused.
    page.route(re.compile(r"^https?://(?!" + re.escape(live_server.url.split("://", 1)[1]) + r")"),
               lambda route: route.abort())
    return problems


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_it_shows_both_maps_with_markers_and_their_lists(directory, live_server, page):
    problems = _watch(page, live_server)
    _sign_in(page, live_server, "social_expert_a")

    page.goto(f"{live_server.url}/network/maps/organisations/")
    expect(page.locator("h1")).to_have_text(re.compile("Mappa delle organizzazioni|Map of organisations"))
    expect(page.locator("#pua-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#pua-map .leaflet-marker-icon").first).to_be_visible()
    assert page.locator("#pua-map .leaflet-marker-icon").count() > 0
    # Comune Alfa has no known place: it is in the list, not on the map.
    expect(page.locator("#map-list-table tbody tr")).to_have_count(3)
    expect(page.locator("#map-list-table")).to_contain_text("Comune Alfa")
    expect(page.locator("#map-list-table")).not_to_contain_text("Cooperativa Beta")
    expect(page.locator("#pua-map-status")).to_contain_text("2")

    page.goto(f"{live_server.url}/network/maps/services/")
    expect(page.locator("#pua-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#pua-map .leaflet-marker-icon").first).to_be_visible()
    assert page.locator("#pua-map .leaflet-marker-icon").count() > 0
    expect(page.locator("#map-list-table tbody tr")).to_have_count(3)
    expect(page.locator("#map-list-table")).not_to_contain_text("Cooperativa Beta")

    assert problems == []


def test_it_opens_a_popup_with_a_link_to_the_organisation(directory, live_server, page):
    problems = _watch(page, live_server)
    _sign_in(page, live_server, "social_expert_a")

    page.goto(f"{live_server.url}/network/maps/organisations/?kind=social_coop_b")
    expect(page.locator("#pua-map")).to_have_attribute("data-state", "ready")
    marker = page.locator("#pua-map .leaflet-marker-icon:not(.marker-cluster)")
    expect(marker).to_have_count(1)
    marker.click()

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Cooperativa Alfa")
    expect(popup).to_contain_text("Ceccano (FR)")
    # By keyboard: the popup may still be panning into view, which can make a click miss.
    popup.locator("strong a").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/network/organisations/{directory.org_a.pk}/")
    assert problems == []


def test_it_narrows_the_search_in_place_when_a_filter_changes(directory, live_server, page):
    problems = _watch(page, live_server)
    directory.org_a.offerings.update(cost="fee")
    _sign_in(page, live_server, "social_expert_a")

    page.goto(f"{live_server.url}/network/search/")
    results = page.locator("#search-results .search-result")
    expect(results).to_have_count(3)
    expect(page.locator("#search-results")).to_contain_text("Cooperativa Alfa")
    page.evaluate("window.notReloaded = true")

    page.locator("label[for=id_free_only]").click()  # Bootstrap Italia draws the box on the label

    expect(results).to_have_count(2)
    expect(page.locator("#search-results")).not_to_contain_text("Cooperativa Alfa")
    expect(page).to_have_url(re.compile(r"free_only=on"))
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a new page
    assert problems == []


def test_it_opens_an_offerings_page_from_the_services_map(directory, live_server, page):
    problems = _watch(page, live_server)
    _sign_in(page, live_server, "social_expert_a")

    page.goto(f"{live_server.url}/network/maps/services/?municipality=060024")
    expect(page.locator("#pua-map")).to_have_attribute("data-state", "ready")
    page.locator("#pua-map .leaflet-marker-icon:not(.marker-cluster)").first.click()

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("F2.4.c")
    popup.locator("a.pua-map-popup-meta").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/network/offerings/\d+/$"))
    assert problems == []
