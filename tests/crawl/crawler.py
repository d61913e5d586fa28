"""Visit every page a signed-in user can reach by following links, as that user.

Breadth-first from the home page, same origin, GET only. Links are grouped
by URL pattern (numbers become ``#``, query values are dropped): the first
``FULL_VISITS`` of a pattern are opened in the browser (status, console
errors, links to follow; the first also gets an axe-core audit), the next
ones up to ``STATUS_CHECKS`` are only requested, to catch a page that fails
for some objects and not others. A problem is:

* a status of 500 or more;
* a 4xx status on a link the user was shown (they must not be shown what
  they cannot open), or a link that lands on the sign-in page;
* an error in the browser console;
* a serious or critical axe-core violation of WCAG 2.1 A/AA;
* horizontal scrolling at 375 px on the pages a person uses on a phone.
"""

import base64
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

FULL_VISITS = 2
STATUS_CHECKS = 6
MAX_REQUESTS = 900
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SERIOUS = {"serious", "critical"}

# Never followed: signing out ends the crawl, the rest are not pages of ours
# (Django's admin site and the API browser are third-party interfaces: their
# status is checked, their links are not followed and they get no axe audit).
NEVER = re.compile(r"^/accounts/logout/")
NOT_OURS = re.compile(r"^/(admin|api|static|media)/")
FILE = re.compile(r"\.(ics|csv|xlsx|pdf|xml|json|geojson)$|/(download|document|export)/?$")

# The pages a person uses on a phone (quick contact, My work, person, case,
# plan, interventions, search), and the ones that once scrolled sideways there.
PHONE = re.compile(
    r"^/($|cases/contacts/quick/$|cases/work/$|people/#/$|cases/person/#/$|cases/#/$|cases/#/plan/$|"
    r"cases/#/interventions/$|network/search/$|find/|cases/eligibility/$|network/organisations/#/$)")


OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def pattern(path: str, query: str) -> str:
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)})
    shape = re.sub(r"\d+", "#", path)
    return shape + ("?" + "&".join(keys) if keys else "")


@dataclass
class Report:
    username: str
    pages: int = 0  # opened in the browser
    checked: int = 0  # requested for their status only
    audited: int = 0  # audited by axe-core
    phone_pages: int = 0
    patterns: set = field(default_factory=set)
    violations: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)

    def problem(self, url: str, text: str, shown_on: str | None = None) -> None:
        where = f" (linked from {shown_on})" if shown_on else ""
        self.problems.append(f"{url}: {text}{where}")

    def summary(self) -> str:
        rules = ", ".join(f"{rule} ×{n}" for rule, n in self.violations.most_common()) or "none"
        return (f"{self.username}: {self.pages} pages opened, {self.checked} more requested, "
                f"{len(self.patterns)} URL patterns, {self.audited} audited by axe-core, "
                f"{self.phone_pages} checked at 375 px; serious/critical violations: {rules}; "
                f"problems: {len(self.problems)}")


class Crawler:
    def __init__(self, browser, base_url: str, username: str, password: str):
        self.base = base_url
        self.origin = urlsplit(base_url).netloc
        self.report = Report(username)
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
        # No network beyond this machine: map tiles from outside come back as a blank tile.
        self.context.route(OUTSIDE, lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.axe = Axe()
        self._sign_in(username, password)
        self.phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                         storage_state=self.context.storage_state(), base_url=base_url)
        self.phone.route(OUTSIDE, lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
        self.phone_page = self.phone.new_page()

    def _sign_in(self, username: str, password: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state()
        if urlsplit(self.page.url).path.startswith("/accounts/login"):
            raise AssertionError(f"{username} could not sign in")

    def close(self) -> None:
        self.phone.close()
        self.context.close()

    # --- the walk ---------------------------------------------------------------------------

    def run(self) -> Report:
        queue = deque([("/", None)])
        seen = {"/"}
        per_pattern: Counter = Counter()
        requests = 0
        while queue and requests < MAX_REQUESTS:
            target, shown_on = queue.popleft()
            parts = urlsplit(target)
            key = pattern(parts.path, parts.query)
            if per_pattern[key] >= STATUS_CHECKS:
                continue
            nth = per_pattern[key]
            per_pattern[key] += 1
            self.report.patterns.add(key)
            requests += 1
            if nth < FULL_VISITS and not NOT_OURS.match(parts.path) and not FILE.search(parts.path):
                links = self._open(target, shown_on, audit=nth == 0)
                if nth == 0 and PHONE.match(key):
                    self._phone(target)
            else:
                links = []
                self._request(target, shown_on)
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append((link, target))
        return self.report

    def _same_origin(self, hrefs) -> list[str]:
        links = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or parts.netloc != self.origin:
                continue
            if NEVER.match(parts.path):
                continue
            links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return links

    def _judge(self, target: str, status: int, final_path: str, shown_on: str | None) -> bool:
        if status >= 500:
            self.report.problem(target, f"answered {status}", shown_on)
        elif status >= 400:
            self.report.problem(target, f"answered {status} to a link the user was shown", shown_on)
        elif final_path.startswith("/accounts/login"):
            self.report.problem(target, "sent the signed-in user to the sign-in page", shown_on)
        else:
            return True
        return False

    def _request(self, target: str, shown_on: str | None) -> None:
        response = self.context.request.get(target, max_redirects=5)
        self.report.checked += 1
        self._judge(target, response.status, urlsplit(response.url).path, shown_on)

    def _open(self, target: str, shown_on: str | None, *, audit: bool) -> list[str]:
        self.errors.clear()
        try:
            response = self.page.goto(target, wait_until="load")
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                self._request(target, shown_on)
                return []
            raise
        self.report.pages += 1
        if response is None or not self._judge(target, response.status, urlsplit(self.page.url).path, shown_on):
            return []
        if "text/html" not in (response.headers.get("content-type") or ""):
            return []
        for error in dict.fromkeys(self.errors):
            self.report.problem(target, f"console error: {error}")
        if audit:
            self._audit(target)
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        return self._same_origin(hrefs)

    def _audit(self, target: str) -> None:
        results = self.axe.run(self.page, options=AXE_OPTIONS).response
        self.report.audited += 1
        for violation in results["violations"]:
            if violation["impact"] not in SERIOUS:
                continue
            self.report.violations[violation["id"]] += 1
            nodes = violation["nodes"]
            sample = "; ".join(node["target"][0] if node["target"] else "?" for node in nodes[:3])
            self.report.problem(target, f"axe {violation['impact']} {violation['id']} on {len(nodes)} "
                                        f"element(s): {violation['help']} [{sample}]")

    def _phone(self, target: str) -> None:
        self.phone_page.goto(target, wait_until="load")
        self.report.phone_pages += 1
        width = self.phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            culprits = self.phone_page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 376)
                    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                                      (e.className && typeof e.className === 'string'
                                       ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))""")
            self.report.problem(target, f"scrolls sideways at 375 px ({width} px wide): {', '.join(culprits)}")
