"""In a real browser, a director downloads everything PUA holds about a
person, then erases them; afterwards the person's name and tax code are in
no column of any table (audit trail included) and the search pages find nothing."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from pua.governance.tests.scan import tables_holding
from pua.governance.tests.subjects import FIRST, LAST, TAX_CODE, make_subject

from .pages import sign_in, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_director_exports_then_erases_a_person(world, _media, live_server, page):
    person = make_subject(world)
    base = live_server.url
    problems = []
    watch(page, problems)
    sign_in(page, base, "director_a")

    page.goto(f"{base}/people/{person.pk}/")
    expect(page.locator("h1")).to_contain_text(LAST)
    page.locator("#person-privacy-link").click()
    expect(page).to_have_url(f"{base}/privacy/people/{person.pk}/")

    with page.expect_download() as download_info:
        page.locator("#subject-access-export").click()
    download = download_info.value
    assert download.suggested_filename == f"{person.case_number}-data.zip"
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        assert archive.read("summary.pdf").startswith(b"%PDF")
        data = json.loads(archive.read("data.json"))
        assert any(name.startswith("documents/") for name in archive.namelist())
    assert data["records"]["people.person"][0]["tax_code"] == TAX_CODE

    page.locator("#person-erase-link").click()
    page.fill("#id_confirm_case_number", person.case_number)
    page.locator("#person-erase-submit").click()
    expect(page).to_have_url(f"{base}/privacy/people/{person.pk}/")
    # "Erased person #<id>", in Italian once the translations are compiled.
    expect(page.locator("h1")).to_have_text(re.compile(rf"(Erased person|Persona cancellata) #{person.pk}$"))

    assert tables_holding(LAST, FIRST, TAX_CODE) == []

    for url in (f"{base}/people/?q={LAST}", f"{base}/people/?q={TAX_CODE}", f"{base}/find/?q={LAST}",
                f"{base}/find/?q={TAX_CODE}"):
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text(person.case_number)
    assert problems == []
