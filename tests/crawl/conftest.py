import pytest

from tests.crawl.site import Site


@pytest.fixture(scope="session")
def crawl_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("crawl-site"))
    yield site
    site.stop()
