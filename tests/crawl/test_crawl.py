"""Every page works for every role: a crawl of the demo site as each demo user.

The figures (pages per persona, axe-core violations) are printed at the end
of the run; every problem found is listed in the failure message.
"""

import pytest
from django.conf import settings

from pua.network.demo import USERS
from conftest import CRAWL_FIGURES
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
