"""Every page works for every role: a crawl of the demo site as each demo user.

The figures (pages per persona, axe-core violations) are printed at the end
of the run; every problem found is listed in the failure message.
"""

import re

import pytest
from django.conf import settings

from conftest import CRAWL_FIGURES
from pua.network.demo import USERS
from tests.crawl.crawler import Crawler

pytestmark = pytest.mark.crawl

PERSONAS = [username for username, _role, _organisation, _access_points in USERS]


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_demo_user_reaches_works_and_is_accessible(username, crawl_site, browser, record_property):
    crawler = Crawler(browser, crawl_site.url, username, settings.DEMO_PASSWORD)
    try:
        report = crawler.run()
    finally:
        crawler.close()
    record_property(CRAWL_FIGURES, report.summary())
    assert report.pages > 0
    assert report.problems == [], "\n".join([report.summary(), *report.problems])


def _italian_only_phrases() -> set[str]:
    """The longest fixed part of each history sentence whose Italian differs from its English."""
    from django.utils import translation

    from pua.cases.event_messages import MESSAGES

    phrases = set()
    for message in MESSAGES.values():
        if message.text is None:
            continue
        with translation.override("it"):
            italian = str(message.text)
        with translation.override("en"):
            english = str(message.text)
        if italian == english:
            continue
        longest = max(re.split(r"%\(\w+\)s", italian), key=len).strip(" .,:;—-")
        if len(longest) >= 8 and longest not in english:
            phrases.add(longest)
    return phrases


def test_an_english_reader_sees_no_italian_history_entries(crawl_site, browser, record_property):
    """The history of the demo cases, written by Italian-speaking operators, reads in English."""
    phrases = _italian_only_phrases()
    assert len(phrases) > 20
    context = browser.new_context(base_url=crawl_site.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "sociale")
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#language-form button[value=en]").click()
    page.wait_for_load_state()
    try:
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto("/cases/?page=1")
        cases = page.eval_on_selector_all("a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))")
        case_pages = sorted({href for href in cases if re.fullmatch(r"/cases/\d+/", href)})[:12]
        assert len(case_pages) >= 5
        entries = []
        for case_page in case_pages:
            for path in (case_page, f"{case_page}timeline/"):
                page.goto(path)
                entries += page.locator("main li").all_inner_texts()
        italian = sorted({phrase for phrase in phrases for entry in entries if phrase in entry})
        record_property(CRAWL_FIGURES, f"English history: {len(entries)} list entries read on "
                                       f"{2 * len(case_pages)} case and timeline pages, Italian phrases found: "
                                       f"{len(italian)}")
        assert italian == []
    finally:
        page.locator("#language-form button[value=it]").click()
        context.close()
