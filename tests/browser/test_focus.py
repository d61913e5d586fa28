"""Every control shows where the keyboard is: tabbing through the main pages
of casework and the network, each control that takes the focus draws a ring
(an outline or a box shadow) that it does not draw without the focus."""

import pytest

from pua.cases.tests.factories import CaseFactory, PersonFactory
from tests.browser.pages import sign_in, watch

pytestmark = pytest.mark.browser

STEPS = 60

# The focused element, and whether its focus style differs from its style without focus.
FOCUS_JS = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const look = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 ? s.outlineColor + s.outlineWidth : "";
    return outline + "|" + (s.boxShadow === "none" ? "" : s.boxShadow);
  };
  const focused = look(element);
  const clone = element.cloneNode(true);
  clone.removeAttribute("id");
  clone.setAttribute("tabindex", "-1");
  clone.setAttribute("aria-hidden", "true");
  clone.style.position = "absolute";
  clone.style.left = "-9999px";
  element.parentElement.appendChild(clone);
  const unfocused = look(clone);
  clone.remove();
  const name = (element.getAttribute("aria-label") || element.textContent || element.name || element.id || "").trim();
  return {tag: element.tagName.toLowerCase(), name: name.slice(0, 40), ring: focused !== "|" && focused !== unfocused};
}
"""


def _tab_through(page) -> tuple[int, list[str]]:
    seen, missing = 0, []
    page.locator("body").focus()
    for _ in range(STEPS):
        page.keyboard.press("Tab")
        page.wait_for_timeout(30)  # Bootstrap Italia's focus transition
        state = page.evaluate(FOCUS_JS)
        if state is None:
            continue
        seen += 1
        if not state["ring"]:
            missing.append(f"{state['tag']} “{state['name']}”")
    return seen, missing


@pytest.mark.parametrize("path", ["/", "/cases/", "/people/", "/cases/work/tasks/", "/network/search/",
                                  "/network/organisations/", "/cases/contacts/quick/"])
def test_every_control_shows_the_keyboard_focus(world, live_server, page, path):
    problems = []
    watch(page, problems)
    CaseFactory(person=PersonFactory(access_point=world.ap_a, first_name="Ada", last_name="Neri"))
    sign_in(page, live_server.url, "social_expert_a")
    page.goto(f"{live_server.url}{path}")

    seen, missing = _tab_through(page)

    assert seen >= 10
    assert missing == []
    assert problems == []
