"""In a real browser, the assessments as operators use them: every shipped
instrument opened in Italian and in English with its skip logic following
the answers (htmx), the labour-exploitation screening of a case from the
first page to the reviewed result and its amendment, an XLSForm the upload
refuses, and the vulnerability form on a phone.

Expected labels, skip-logic fields and indicator labels are read from the
parsed definitions and the rule set, never written here: the test follows
the shipped forms when they change.
"""

import io
import os
import re

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from pua.assessments import engine, xpath
from pua.assessments.models import Instrument, InstrumentVersion, Response, ResponseStatus, VersionStatus
from pua.assessments.response_forms import field_context
from pua.cases.models import CaseStatus
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from tests.browser.pages import choose as _choose
from tests.browser.pages import sign_in as _sign_in
from tests.browser.pages import watch as _watch

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PUA_SCREENSHOTS")  # a folder, to look at the pages
PHONE = {"width": 375, "height": 740}
SHIPPED = {"exploitation_screening", "vulnerability", "satisfaction", "interview_social", "interview_labour",
           "skills_assessment"}
PRESUMED_VICTIM = "presumed_trafficking_victim"
# D1, D4 and D5 positive, each with a strong and a medium indicator: a presumed victim of trafficking.
YES = {"D1": ("DR_01", "DR_02"), "D4": ("EX_01", "EX_04"), "D5": ("CD_01", "CD_14")}
FILL_URL = re.compile(r"/assessments/responses/(\d+)/page/(\d+)/(\?lang=\w+)?$")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"assessments_{name}.png"), full_page=True)


def _published(code):
    return InstrumentVersion.objects.select_related("instrument").get(instrument__code=code,
                                                                       status=VersionStatus.PUBLISHED)


def _start(page, base, person, version, case=None):
    """Start a response from the page that lists the forms for the person: it opens on its page 1."""
    page.goto(f"{base}/assessments/responses/new/?person={person.pk}" + (f"&case={case.pk}" if case else ""))
    page.locator(f"main form:has(input[name=version][value='{version.pk}']) button[type=submit]").click()
    expect(page).to_have_url(FILL_URL)
    response = Response.objects.get(pk=FILL_URL.search(page.url).group(1))
    assert (response.instrument_version, response.person, response.status) == (version, person, ResponseStatus.DRAFT)
    expect(page).to_have_url(f"{base}/assessments/responses/{response.pk}/page/1/")
    return response


def _text(labels, language):
    return " ".join(str(labels.get(language) or "").split())


def _label_field(definition):
    """A question of page 1 shown before any answer, labelled differently in Italian and English."""
    shown = {f["name"] for index, f in engine.visible_fields(definition, {}) if index == 0}
    for field in definition["pages"][0]["fields"]:
        it, en = _text(field["label"], "it"), _text(field["label"], "en")
        if field["name"] in shown and field["type"] != "note" and it and en and it != en and "${" not in it + en:
            return field
    raise AssertionError(f"{definition['form_id']}: no question on page 1 labelled in Italian and English")


def _shows(definition, page_index, dependent, answers):
    return dependent["name"] in {f["name"] for index, f in engine.visible_fields(definition, answers)
                                 if index == page_index}


def _skip_logic(definition):
    """The first (page, controller, dependent, on, off) where ``dependent``'s
    ``relevant`` reads only ``controller``, a choice question of the same
    page: hidden before any answer, shown for ``on``, hidden again for ``off``."""
    initially = {(index, f["name"]) for index, f in engine.visible_fields(definition, {})}
    for index, page in enumerate(definition["pages"]):
        fields = {f["name"]: f for f in page["fields"]}
        for dependent in page["fields"]:
            if not dependent["relevant"] or (index, dependent["name"]) in initially:
                continue
            refs = xpath.references(dependent["relevant"])
            controller = fields.get(next(iter(refs))) if len(refs) == 1 else None
            if controller is None or controller["type"] not in ("select_one", "select_multiple") \
                    or (index, controller["name"]) not in initially:
                continue
            options = [name for name, _label in engine.choices_for(definition, controller, {}, "it")]
            on = next((v for v in options if _shows(definition, index, dependent, {controller["name"]: v})), None)
            widget = field_context(definition, controller, {}, "it")["widget"]
            if widget in ("checkbox", "select"):  # a box can be unticked, a drop-down emptied
                off = ""
            else:
                off = next((v for v in options if not _shows(definition, index, dependent, {controller["name"]: v})),
                           None)
            if on is not None and off is not None:
                return index, controller, dependent, on, off
    return None


def _wait_for_autosave(page, action):
    """Do ``action`` (a change in the form) and wait until htmx has saved it and re-rendered the page."""
    with page.expect_response(lambda r: r.request.method == "POST" and FILL_URL.search(r.url) is not None):
        action()
    expect(page.locator("#response-form")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def _answer(page, name, value):
    """Answer a question as a person does: a click on the option's label, or a choice in the drop-down.
    For a list of boxes, ``value`` "" unticks what is ticked."""
    wrapper = page.locator(f"[data-field='{name}']")
    if wrapper.locator("select").count():
        _wait_for_autosave(page, lambda: wrapper.locator("select").select_option(value))
        return
    boxes = wrapper.locator("input:checked") if value == "" else wrapper.locator(f"input[value='{value}']")
    for control_id in [box.get_attribute("id") for box in boxes.all()]:
        _wait_for_autosave(page, page.locator(f"label[for='{control_id}']").click)
        expect(page.locator(f"#{control_id}")).to_be_checked(checked=value != "")


def _answer_no_elsewhere(page):
    """Every yes/no question of the page still unanswered gets "No" — in one go and without
    autosave; the "Next" button then posts the page as a browser without JavaScript would."""
    page.locator("#response-form").evaluate("""(form) => {
        const names = new Set([...form.querySelectorAll("input[type=radio]")].map((input) => input.name));
        for (const name of names) {
            const no = form.querySelector(`input[name="${name}"][value="no"]`);
            if (no && !form.querySelector(`input[name="${name}"]:checked`)) { no.checked = true; }
        }
    }""")


def _next_page(page, response, number):
    page.locator("#button-next").click()
    expect(page).to_have_url(re.compile(rf"/assessments/responses/{response.pk}/page/{number}/$"))


@pytest.fixture
def setting(world):
    world.person = PersonFactory(access_point=world.ap_a)
    world.case = CaseFactory(person=world.person, status=CaseStatus.SCREENING,
                             case_manager=world.users["social_expert"])
    CaseTeamMemberFactory(case=world.case, user=world.users["social_expert"])
    return world


def _languages_and_skip_logic(page, base, person, version):
    """Page 1 in Italian then in English; then the skip logic of the form, when it has one."""
    definition = version.definition
    response = _start(page, base, person, version)
    field = _label_field(definition)
    question, form = page.locator(f"[data-field='{field['name']}']"), page.locator("#response-form")
    expect(form).to_have_attribute("lang", "it")
    expect(question).to_contain_text(_text(field["label"], "it"))
    expect(page.locator("main h1")).to_have_text(_text(definition["title"], "it"))
    page.locator("nav.pua-form-languages a[hreflang=en]").click()
    expect(page).to_have_url(f"{base}/assessments/responses/{response.pk}/page/1/?lang=en")
    expect(form).to_have_attribute("lang", "en")
    expect(question).to_contain_text(_text(field["label"], "en"))
    expect(page.locator("main h1")).to_have_text(_text(definition["title"], "en"))
    _shot(page, f"{definition['form_id']}_en")

    found = _skip_logic(definition)
    if found is None:
        return None
    index, controller, dependent, on, off = found
    if index:
        page.goto(f"{base}/assessments/responses/{response.pk}/page/{index + 1}/?lang=en")
    shown = page.locator(f"[data-field='{dependent['name']}']")
    expect(page.locator(f"[data-field='{controller['name']}']")).to_be_visible()
    expect(shown).to_have_count(0)
    _answer(page, controller["name"], on)
    expect(shown).to_be_visible()
    expect(shown).to_contain_text(_text(dependent["label"], "en"))
    response.refresh_from_db()
    assert response.answers.get(controller["name"]) == on  # saved as a draft on the way
    _answer(page, controller["name"], off)
    expect(shown).to_have_count(0)
    response.refresh_from_db()
    assert response.answers.get(controller["name"], "") in (off, [])
    return found


def test_it_shows_every_shipped_instrument_in_italian_and_english_with_its_skip_logic(setting, live_server, browser):
    w, base = setting, live_server.url
    problems = []
    versions = [_published(code) for code in Instrument.objects.filter(access_point=None)
                .order_by("code").values_list("code", flat=True)]
    assert {v.instrument.code for v in versions} >= SHIPPED
    skip_logic = {}
    for role in ("social_expert", "labour_expert"):
        context = browser.new_context()
        page = _watch(context.new_page(), problems)
        _sign_in(page, base, f"{role}_a")
        mine = [v for v in versions if role in v.instrument.fill_roles and v.instrument.code not in skip_logic]
        for version in mine:
            skip_logic[version.instrument.code] = _languages_and_skip_logic(page, base, w.person, version)
        if role == "social_expert":  # the forms of the other area are not offered to them
            page.goto(f"{base}/assessments/responses/new/?person={w.person.pk}")
            for version in versions:
                offered = page.locator(f"main form:has(input[name=version][value='{version.pk}'])")
                expect(offered).to_have_count(1 if version in mine else 0)
        context.close()
    assert set(skip_logic) == {v.instrument.code for v in versions}
    assert skip_logic["exploitation_screening"] and skip_logic["vulnerability"]
    assert problems == []


def test_it_screens_a_case_for_exploitation_from_the_first_page_to_the_amendment(setting, live_server, page):
    w, base = setting, live_server.url
    problems = []
    _watch(page, problems)
    version = _published("exploitation_screening")
    definition = version.definition
    _sign_in(page, base, "social_expert_a")
    response = _start(page, base, w.person, version, case=w.case)
    assert response.case == w.case

    # The context page: where the information comes from (a required list of boxes) and the sector.
    sources = engine.choices_for(definition, engine.field_by_name(definition, "info_source"), {}, "it")
    _answer(page, "info_source", sources[0][0])
    sector = engine.choices_for(definition, engine.field_by_name(definition, "sector"), {}, "it")[0][0]
    _answer(page, "sector", sector)
    _shot(page, "screening_1_context")
    _next_page(page, response, 2)

    # The indicators, page by page: Yes to two indicators of D1, D4 and D5, No to everything else.
    indicator_pages = [index for index, p in enumerate(definition["pages"]) if index and any(
        f["type"] == "select_one" and f["choices"] == "yes_no_unknown" for f in p["fields"])]
    answered_yes = {name for pair in YES.values() for name in pair}
    yes_on_page = {index: [f["name"] for f in p["fields"] if f["name"] in answered_yes]
                   for index, p in enumerate(definition["pages"])}
    assert sum(len(yes_on_page[index]) for index in indicator_pages) == 6 and indicator_pages[0] == 1
    for position, index in enumerate(indicator_pages):
        expect(page).to_have_url(re.compile(rf"/responses/{response.pk}/page/{index + 1}/$"))
        for name in yes_on_page[index]:
            _answer(page, name, "yes")
            expect(page.locator(f"[data-field='{name}_note']")).to_be_visible()  # the details asked after a Yes
        _answer_no_elsewhere(page)
        if position == 0:
            _shot(page, "screening_2_indicators")
        if index != indicator_pages[-1]:
            _next_page(page, response, indicator_pages[position + 1] + 1)
    page.locator("#button-next").click()  # on the last page: "Review the answers"
    expect(page).to_have_url(f"{base}/assessments/responses/{response.pk}/review/")
    expect(page.locator("#error-summary")).to_have_count(0)
    response.refresh_from_db()
    assert {name for name, value in response.answers.items() if value == "yes"} == answered_yes

    # Submitted from the review page: the result, in the language of the interface (Italian).
    page.locator("#button-submit").click()
    expect(page).to_have_url(f"{base}/assessments/responses/{response.pk}/result/")
    response.refresh_from_db()
    assert (response.status, response.outcome) == (ResponseStatus.SUBMITTED, PRESUMED_VICTIM)
    rules = response.rule_set.data
    outcomes = {o["code"]: o["label"]["it"] for o in rules["outcomes"]}
    expect(page.locator("#computed-outcome")).to_have_attribute("data-outcome", PRESUMED_VICTIM)
    expect(page.locator("#computed-outcome")).to_have_text(outcomes[PRESUMED_VICTIM])
    indicators = {i["field"]: i for i in rules["indicators"]}
    for dimension in {d["code"] for d in rules["dimensions"]}:
        card = page.locator(f"#dimension-{dimension}")
        named = card.locator("li")
        if dimension in YES:
            expect(named).to_have_count(2)
            for name in YES[dimension]:
                expect(card).to_contain_text(indicators[name]["code"])
                expect(card).to_contain_text(indicators[name]["label"]["it"])
        else:
            expect(named).to_have_count(0)
    _shot(page, "screening_3_result")

    # The operator overrides the outcome: a reason is needed.
    other = next(code for code in outcomes if code != PRESUMED_VICTIM)
    _choose(page, f"#review input[name=confirmed_outcome][value={other}]")
    page.locator("#review form button[type=submit]").click()
    expect(page.locator("#id_reason_error")).to_be_visible()
    response.refresh_from_db()
    assert (response.confirmed_outcome, response.reviewed_at) == ("", None)
    reason = "La persona riferisce di essere libera di lasciare il lavoro."
    _choose(page, f"#review input[name=confirmed_outcome][value={other}]")
    page.fill("#id_reason", reason)
    page.locator("#review form button[type=submit]").click()
    expect(page.locator("#review-status")).to_contain_text(reason)
    expect(page.locator("#review-status")).to_contain_text(outcomes[other])
    response.refresh_from_db()
    assert (response.outcome, response.confirmed_outcome, response.override_reason) == (
        PRESUMED_VICTIM, other, reason)
    assert response.reviewed_by == w.users["social_expert"]

    # A submitted response cannot be changed: its pages send back to it, with a message.
    submitted = Response.objects.values().get(pk=response.pk)
    page.goto(f"{base}/assessments/responses/{response.pk}/page/2/")
    expect(page).to_have_url(f"{base}/assessments/responses/{response.pk}/")
    with translation.override("it"):
        refused = gettext("This response has been submitted and can no longer be changed: amend it instead.")
    expect(page.locator("[role=alert]").filter(has_text=refused)).to_be_visible()

    # Amending it: a new draft with the same answers; the original stays as it was.
    page.fill("#id_reason", "Indicatore D4 registrato per errore.")
    page.locator("form[action$='/amend/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/assessments/responses/\d+/page/1/$"))
    amendment = Response.objects.get(pk=FILL_URL.search(page.url).group(1))
    expect(page).to_have_url(f"{base}/assessments/responses/{amendment.pk}/page/1/")
    assert amendment.pk != response.pk and amendment.amends_id == response.pk
    assert (amendment.status, amendment.amendment_reason) == (ResponseStatus.DRAFT, "Indicatore D4 registrato per errore.")
    assert amendment.answers == response.answers and amendment.case_id == w.case.pk
    assert Response.objects.values().get(pk=response.pk) == submitted
    _shot(page, "screening_4_amendment")
    assert problems == []


def _xlsform_with_a_repeat(path):
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in (["type", "name", "label::Italiano (it)", "label::English (en)"],
                ["text", "nickname", "Come ti chiami?", "What is your name?"],
                ["begin repeat", "children", "Figli", "Children"],
                ["integer", "child_age", "Età", "Age"],
                ["end repeat", "", "", ""]):
        survey.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Famiglia", "family", "1", "Italiano (it)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_it_refuses_an_xlsform_with_a_repeat_naming_sheet_row_and_column(setting, live_server, page, tmp_path):
    base = live_server.url
    problems = []
    _watch(page, problems)
    upload = _xlsform_with_a_repeat(tmp_path / "famiglia.xlsx")
    before = (Instrument.objects.count(), InstrumentVersion.objects.count())
    _sign_in(page, base, "director_a")
    page.goto(f"{base}/assessments/instruments/new/")
    page.set_input_files("#id_file", str(upload))
    page.select_option("#id_purpose", "other")
    page.fill("#id_title", "Famiglia")
    page.locator("main form[enctype] button[type=submit]").click()
    table = page.locator("#upload-problems table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr").evaluate_all(
        "(rows) => rows.map((row) => [...row.cells].slice(0, 3).map((cell) => cell.textContent.trim()))")
    assert ["survey", "3", "type"] in rows, rows  # the "begin repeat" row
    _shot(page, "upload_refused")
    assert (Instrument.objects.count(), InstrumentVersion.objects.count()) == before
    assert not Instrument.objects.filter(title="Famiglia").exists()
    assert problems == []


def test_it_fits_the_vulnerability_form_on_a_phone(setting, live_server, browser):
    base = live_server.url
    problems = []
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = _watch(context.new_page(), problems)
    _sign_in(page, base, "social_expert_a")
    _start(page, base, setting.person, _published("vulnerability"))
    expect(page.locator("#button-next")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "vulnerability_phone")
    context.close()
    assert problems == []


# Where a label, a legend or a heading of the form lies on the page: none may cover another.
_OVERLAPS = """() => {
    const box = (el) => el.getBoundingClientRect();
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const questions = [...document.querySelectorAll("#response-page .pua-question")];
    const headings = [...document.querySelectorAll("main h1, main h2, main h3, .pua-progress")];
    const found = [];
    for (const question of questions) {
        for (const label of question.querySelectorAll("label.pua-label, legend")) {
            const r = box(label);
            if (r.top < box(question).top - 1) { found.push(`${question.dataset.field}: label above its question`); }
            for (const heading of headings) {
                if (meet(r, box(heading))) { found.push(`${question.dataset.field}: label over ${heading.tagName}`); }
            }
            for (const other of questions) {
                if (other !== question && meet(r, box(other))) {
                    found.push(`${question.dataset.field}: label over ${other.dataset.field}`);
                }
            }
        }
    }
    return found;
}"""


def test_it_fills_every_form_on_a_phone_with_valid_markup_and_labels_clear_of_headings(setting, live_server,
                                                                                    browser):
    """Page 1 of each form the social expert fills in, at 375 px: axe-core finds
    no serious or critical violation in the form, no label covers a heading or
    another question, every required group says so in its legend, and nothing
    scrolls sideways."""
    from axe_playwright_python.sync_playwright import Axe

    base, problems, axe = live_server.url, [], Axe()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = _watch(context.new_page(), problems)
    _sign_in(page, base, "social_expert_a")
    versions = [_published(code) for code in Instrument.objects.filter(access_point=None).order_by("code")
                .values_list("code", flat=True)]
    checked = []
    for version in versions:
        if "social_expert" not in version.instrument.fill_roles:
            continue
        _start(page, base, setting.person, version)
        results = axe.run(page, context="#response-form")
        serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], (version.instrument.code, serious)
        assert page.evaluate(_OVERLAPS) == [], version.instrument.code
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], version.instrument.code
        groups = page.locator("#response-page fieldset[aria-required]")
        for index in range(groups.count()):
            expect(groups.nth(index)).to_have_attribute("role", "radiogroup")
        _shot(page, f"{version.instrument.code}_phone_page1")
        # The preview shows every question of every page, read-only, with the same markup.
        page.goto(f"{base}/assessments/versions/{version.pk}/preview/")
        results = axe.run(page, context="main section[id^=page-]")
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], (version.instrument.code, "preview", serious)
        assert page.evaluate(_OVERLAPS.replace("#response-page ", "main ")) == [], version.instrument.code
        checked.append(version.instrument.code)
    context.close()
    assert {"exploitation_screening", "vulnerability"} <= set(checked)
    assert problems == []
