"""A director signs in, opens the organisations, switches to English, signs out."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_it_walks_a_director_through_the_shell(world, live_server, page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    page.fill("#id_username", "director_a")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header")).to_contain_text("PUA Alfa")

    page.locator("#main-menu-network").click()
    page.locator("nav[aria-label] a[href='/network/organisations/']").click()
    expect(page.locator("h1")).to_have_text("Organizzazioni")
    expect(page.locator("#organisation-results")).to_contain_text("Cooperativa Alfa")
    expect(page.locator("#organisation-results")).not_to_contain_text("Cooperativa Beta")

    page.fill("#id_q", "Partner")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("#organisation-results tbody tr")).to_have_count(1)

    page.locator("#language-form button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Organisations")

    page.locator("#logout-button").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert problems == []


def test_it_opens_the_main_menu_on_a_phone(world, live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "social_expert_a")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    cases_link = page.locator("#main-nav a[href='/cases/']")
    expect(cases_link).to_be_hidden()
    page.locator(".custom-navbar-toggler").click()
    page.locator("#main-menu-casework").click()
    expect(cases_link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    cases_link.click()
    expect(page).to_have_url(f"{live_server.url}/cases/")
    assert problems == []
    context.close()
