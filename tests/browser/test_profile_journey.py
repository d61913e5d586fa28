"""In a real browser: a director adds a site (the municipality suggested as
they type, with htmx under the Content-Security-Policy), then an offering,
and confirms it; the catalogue filters as they type."""

import os

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from pua.network.models import Offering, Site

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PUA_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_it_walks_a_director_through_a_site_and_an_offering(world, live_server, page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "director_a")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/network/organisations/{world.org_a.pk}/")
    page.locator(f"a[href='/network/organisations/{world.org_a.pk}/sites/new/']").click()
    page.fill("#id_name", "Sportello centro")
    page.locator("#id_municipality").press_sequentially("Cremo", delay=50)
    expect(page.locator("#municipality-options option[value='Cremona (CR)']")).to_have_count(1)
    _shot(page, "site_form")
    page.fill("#id_municipality", "Cremona (CR)")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#sites-heading")).to_be_visible()
    assert Site.objects.get(name="Sportello centro").municipality.istat_code == "019036"

    page.locator(f"a[href='/network/organisations/{world.org_a.pk}/offerings/new/']").click()
    page.select_option("#id_service", label="F2.4.c — Mediazione linguistica")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("F2.4.c")
    offering = Offering.objects.get(organisation=world.org_a)
    page.locator(f"form[action='/network/offerings/{offering.pk}/confirm/'] button").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    _shot(page, "offering_detail")

    page.goto(f"{live_server.url}/network/organisations/{world.org_a.pk}/")
    _shot(page, "organisation_detail")

    page.goto(f"{live_server.url}/network/catalogue/")
    page.locator("#id_q").press_sequentially("mediazione", delay=20)
    expect(page.locator("#catalogue-results li")).to_have_count(1)
    _shot(page, "catalogue")
    assert problems == []
