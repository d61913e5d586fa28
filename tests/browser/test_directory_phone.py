"""The directory on a phone (375 px wide): the search page, both maps and an
organisation's page never scroll sideways; the map's own controls speak the
page's language."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pua.network.models import Availability, ContactPerson, Service
from pua.network.search_text import search_text
from pua.network.tests.factories import MunicipalityFactory
from pua.network.tests.search_factories import OfferingFactory, SiteFactory
from tests.browser.pages import sign_in, watch

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LONG_NAME = "Cooperativa sociale Porto Franco (tipo A) – Mediazione interculturale e accoglienza"


def _place(istat_code, name, latitude, longitude):
    # Browser tests run on a flushed database: the places are made here.
    return MunicipalityFactory(istat_code=istat_code, name=name, province="FR", region="Lazio",
                               latitude=latitude, longitude=longitude)


def _service(code, label_it, label_en):
    service, _ = Service.objects.update_or_create(
        code=code, programme=None,
        defaults={"level": "service", "label_it": label_it, "label_en": label_en, "for_persons": True,
                  "sort_key": code, "search_text": search_text(label_it, label_en)},
    )
    return service


@pytest.fixture
def directory(world):
    """Offerings with long names, addresses and e-mail addresses, some of
    them suspended or stale, three at the same place (a cluster on the map)."""
    frosinone = _place("060038", "Frosinone", 41.63976, 13.34109)
    ceccano = _place("060024", "Ceccano", 41.57236, 13.32901)
    mediation = _service("F2.4.c", "Mediazione linguistica", "Linguistic mediation")
    literacy = _service("F2.4.f", "Azioni di empowerment (alfabetizzazione linguistica)", "Empowerment (language literacy)")
    world.ap_a.municipality = frosinone
    world.ap_a.save()
    org = world.org_a
    org.name, org.search_text = LONG_NAME, search_text(LONG_NAME)
    org.email = "segreteria.mediazione-interculturale.portofranco@example.org"
    org.website = "https://www.cooperativa-portofranco-mediazione-interculturale.example.org/servizi/"
    org.address, org.municipality = "Via dei Volsci 123, località Colle San Paolo", ceccano
    org.save()
    site = SiteFactory(organisation=org, name="Sportello di mediazione interculturale del centro storico",
                       address="Piazza della Libertà 1, scala B, interno 4", municipality=ceccano)
    ContactPerson.objects.create(organisation=org, name="Referente per gli invii", role="Coordinatrice dei mediatori",
                                 phone="+39 0775 000111", email="referente.invii.mediazione@example.org")
    description = "Corsi di lingua italiana L2 per adulti stranieri, livelli A1–B1, con certificazione finale."
    for availability in (Availability.AVAILABLE, Availability.SUSPENDED, Availability.LIMITED):
        OfferingFactory(organisation=org, service=literacy, site=site, municipality=ceccano, availability=availability,
                        description=description, search_text=search_text(description),
                        referral_email="invii.corsi-italiano.portofranco@example.org")
    OfferingFactory(organisation=world.partner_org, service=mediation, municipality=frosinone,
                    last_confirmed_at=timezone.now() - timedelta(days=400))
    return world


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_it_never_scrolls_sideways_on_a_phone(directory, live_server, page):
    problems = []
    watch(page, problems)
    page.route(re.compile(r"^https?://(?!" + re.escape(live_server.url.split("://", 1)[1]) + r")"),
               lambda route: route.abort())  # no map tiles: nothing leaves the machine
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "director_a")
    base = live_server.url

    page.goto(f"{base}/network/search/?q=corso+di+italiano")
    expect(page.locator("#search-results .search-result")).to_have_count(3)
    expect(page.locator("#search-suspended-title")).to_be_visible()
    _fits(page)

    page.goto(f"{base}/network/search/")
    expect(page.locator("#search-results .search-result")).to_have_count(4)
    _fits(page)

    for url in ("/network/maps/services/?q=corso+di+italiano", "/network/maps/organisations/"):
        page.goto(f"{base}{url}")
        expect(page.locator("#pua-map")).to_have_attribute("data-state", "ready")
        _fits(page)

    page.goto(f"{base}/network/organisations/{directory.org_a.pk}/")
    expect(page.locator("#offerings-heading")).to_be_visible()
    _fits(page)

    assert [p for p in problems if not re.search(r"tile|openstreetmap|ERR_FAILED", p)] == []


def test_it_labels_the_maps_controls_in_the_pages_language(directory, live_server, page):
    page.route(re.compile(r"^https?://(?!" + re.escape(live_server.url.split("://", 1)[1]) + r")"),
               lambda route: route.abort())
    sign_in(page, live_server.url, "director_a")

    page.goto(f"{live_server.url}/network/maps/services/?q=corso+di+italiano")
    container = page.locator("#pua-map")
    expect(container).to_have_attribute("data-state", "ready")
    labels = container.evaluate("node => Object.assign({}, node.dataset)")

    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", labels["labelZoomIn"])
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", labels["labelZoomIn"])
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", labels["labelZoomOut"])
    expect(page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")).to_have_attribute(
        "title", labels["labelLeaflet"])
    # The three courses are at the same place: one cluster (once the clusters' fading is over),
    # named for screen readers.
    expect(page.locator(".marker-cluster")).to_have_count(1)
    cluster = page.locator(".marker-cluster")
    expect(cluster).to_contain_text(labels["labelCluster"].replace("{count}", "3"))

    cluster.click()
    page.locator("#pua-map .leaflet-marker-icon:not(.marker-cluster)").first.click()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", labels["labelClosePopup"])
