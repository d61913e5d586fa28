"""The grouped main menu, the header's search and the header's contrast, in
Chromium, on a 375×740 phone and on a 1280×800 desktop."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pua.cases.tests.factories import CaseFactory, PersonFactory
from tests.browser.pages import sign_in, watch

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# Contrast as WCAG computes it, from the colours Chromium actually paints:
# text (or the icon of an icon-only control) against the first opaque background behind it, the focus ring (the
# outermost box-shadow, else the outline) against the background around the control.
CONTRAST_JS = """
(element) => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const opaqueBackground = (node) => {
    for (; node; node = node.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
      if (a > 0.5) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const luminance = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((m, n) => n - m);
    return (a + 0.05) / (b + 0.05);
  };
  const style = getComputedStyle(element);
  // An icon-only control (its words for screen readers only) is seen by its icon.
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let seenText = ["INPUT", "SELECT"].includes(element.tagName);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent.trim() && !node.parentElement.closest(".visually-hidden")) seenText = true;
  }
  const icon = element.querySelector("svg");
  const foreground = !seenText && icon ? rgba(getComputedStyle(icon).fill) : rgba(style.color);
  const shadows = style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\\))/);
  let ring = null;
  if (shadows.length) {
    const outer = shadows[shadows.length - 1];
    const [r, g, b, a = 1] = rgba(outer.match(/rgba?\\([^)]*\\)/)[0]);
    const spread = Number((outer.match(/(-?[\\d.]+)px\\s*$/) || outer.match(/(-?[\\d.]+)px(?!.*px)/))[1]);
    if (a > 0.5 && spread > 0) ring = [r, g, b];
  }
  if (!ring && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    const [r, g, b, a = 1] = rgba(style.outlineColor);
    if (a > 0.5) ring = [r, g, b];
  }
  return {
    label: (element.textContent || element.getAttribute("aria-label") || element.id || element.tagName).trim().slice(0, 30),
    text: ratio(foreground.slice(0, 3), opaqueBackground(element)),
    ring: ring ? ratio(ring, opaqueBackground(element.parentElement)) : 0,
  };
}
"""
HEADER_CONTROLS = ", ".join(f"header {zone} {control}" for zone in (".it-header-slim-wrapper", ".it-right-zone")
                            for control in ("a", "button", "input", "select"))


@pytest.fixture
def case(world):
    return CaseFactory(person=PersonFactory(access_point=world.ap_a, first_name="Settimio", last_name="Quaglieri"))


def _context(browser, device):
    return browser.new_context(**device)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _settled(page):
    """Wait for CSS transitions and animations to end: colours are measured as they end up."""
    page.evaluate("Promise.all(document.getAnimations().map((animation) => animation.finished))")


def _axe(page, context):
    _settled(page)  # the menu fades in
    violations = Axe().run(page, context=context, options=AXE_OPTIONS).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


def test_it_opens_the_menu_and_finds_a_case_on_a_desktop(world, case, live_server, browser):
    context = _context(browser, DESKTOP)
    problems = []
    page = watch(context.new_page(), problems)
    sign_in(page, live_server.url, "social_expert_a")

    toggle = page.locator("#main-menu-casework")
    cases_link = page.locator("#main-nav a[href='/cases/']")
    expect(toggle).to_have_attribute("aria-current", "true")  # My work, the home page, is in this group
    expect(cases_link).to_be_hidden()
    # Keyboard: Enter opens the group, Escape closes it and gives the focus back.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(cases_link).to_be_visible()
    expect(page.locator("#main-nav a[aria-current='page']")).to_have_attribute("href", "/")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(cases_link).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(cases_link).to_be_visible()
    _axe(page, "header")
    page.keyboard.press("Escape")

    # Another group by mouse: its pages only.
    page.locator("#main-menu-network").click()
    expect(page.locator("#main-nav a[href='/network/organisations/']")).to_be_visible()
    expect(page.locator("#main-nav a[href='/network/imports/']")).to_have_count(0)  # directors only
    page.keyboard.press("Escape")

    # The header's search: a person's name finds the case, which opens. The
    # name is posted and the results page's address carries only a key.
    page.fill("#header-search-q", "Quaglieri")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/find/?s=") + r"[\w-]+$"))
    assert "Quaglieri" not in page.url
    expect(page.locator("#find-cases")).to_contain_text("1")
    expect(page.locator("#find-persons")).to_contain_text("1")
    _axe(page, "main")
    page.locator(f"#find-cases-results a[href='/cases/{case.pk}/']").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("#main-nav a[href='/cases/']")).to_have_attribute("aria-current", "true")
    assert problems == []
    context.close()


def test_it_opens_the_menu_and_finds_a_case_on_a_phone(world, case, live_server, browser):
    context = _context(browser, PHONE)
    problems = []
    page = watch(context.new_page(), problems)
    sign_in(page, live_server.url, "social_expert_a")
    _no_sideways_scroll(page)

    cases_link = page.locator("#main-nav a[href='/cases/']")
    page.locator(".custom-navbar-toggler").click()
    page.locator("#main-menu-casework").click()
    expect(cases_link).to_be_visible()
    page.locator("#main-menu-administration").click()
    expect(page.locator("#main-nav a[href='/network/access-points/']")).to_be_visible()
    _no_sideways_scroll(page)
    page.locator("#main-nav .close-menu").click()
    expect(cases_link).to_be_hidden()

    # On a phone the header offers the search page, whose form is the search.
    search_link = page.locator("header .pua-header-search-link")
    expect(page.locator("#header-search-q")).to_be_hidden()
    search_link.click()
    expect(page).to_have_url(f"{live_server.url}/find/")
    page.fill("#id_q", case.number)
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("#find-cases")).to_contain_text("1")
    _no_sideways_scroll(page)
    page.locator(f"#find-cases-results a[href='/cases/{case.pk}/']").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    _no_sideways_scroll(page)
    assert problems == []
    context.close()


@pytest.mark.parametrize(("device", "username"), [(DESKTOP, "director_a"), (PHONE, "director_a"), (PHONE, "admin_a")],
                         ids=["desktop", "phone", "phone-choosing-the-access-point"])
def test_it_keeps_the_header_readable_with_a_visible_focus_ring(world, live_server, browser, device, username):
    context = _context(browser, device)
    problems = []
    page = watch(context.new_page(), problems)
    sign_in(page, live_server.url, username)
    _no_sideways_scroll(page)
    controls = page.locator(HEADER_CONTROLS)
    checked = []
    for i in range(controls.count()):
        control = controls.nth(i)
        if not control.is_visible():
            continue
        control.focus()
        _settled(page)  # buttons animate their shadow
        checked.append(control.evaluate(CONTRAST_JS))
    labels = [c["label"] for c in checked]
    assert any("Esci" in label for label in labels) and len(checked) >= 5
    assert [c for c in checked if c["text"] < 4.5] == []
    assert [c for c in checked if c["ring"] < 3] == []
    assert problems == []
    context.close()
