"""The instruments shipped with PUA: written as Python data, built into
deterministic .xlsx files, parsed by our XLSForm parser, loaded by the data
migration and again only when a file changes."""

import functools
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import Workbook

from pua.assessments import engine
from pua.assessments.instruments import build, vulnerability
from pua.assessments.loader import SHIPPED, load_instruments, shipped_files
from pua.assessments.models import AnswerFact, Instrument, InstrumentVersion, ResponseStatus, VersionStatus
from pua.assessments.services import response_save, response_start, response_submit
from pua.assessments.xlsform import XLSFormError, parse_xlsform
from pua.cases.tests.factories import PersonFactory
from pua.core.models import AuditEntry

# The instruments this package writes (the screening's content belongs to the scoring).
OURS = ["vulnerability", "satisfaction", "interview_social", "interview_labour", "skills_assessment"]
AREAS = ["housing", "health", "documents", "language", "debts", "family", "addiction", "justice"]

VULNERABILITY_ANSWERS = {
    "privacy_informed": "yes", "interview_date": "2026-01-10", "interview_setting": "desk",
    "housing_situation": "employer_housing", "housing_from_employer_paid": "yes", "housing_problems": "overcrowded unsafe",
    "housing_severity": "3",
    "health_registration": "gp", "health_conditions": "none", "health_severity": "0",
    "citizenship_status": "non_eu_permit", "permit_type": "art18ter", "id_document": "held_by_others",
    "documents_severity": "2",
    "italian_level": "a2", "language_severity": "1",
    "income_sources": "irregular_work", "has_debts": "yes", "creditors": "recruiter_employer", "debt_amount": "3000",
    "debt_pressure": "yes", "debts_severity": "3",
    "household": "others", "dependent_children": "0", "family_severity": "1",
    "addiction_types": "none", "addiction_severity": "0",
    "justice_status": "none", "justice_severity": "0",
    "urgent_action": "yes", "urgent_action_notes": "Posto letto in accoglienza da domani.",
    "exploitation_signals": "yes", "priority_areas": "housing debts work",
}


@functools.cache
def _definition(code: str) -> dict:
    """The parsed shipped form (parsed once: the tests only read it)."""
    path = build.INSTRUMENTS_DIR / f"{code}.xlsx"
    return parse_xlsform(path.read_bytes(), path.name)


def _texts(definition: dict):
    """Every translatable text of a form, with where it is."""
    for page in definition["pages"]:
        yield f"page {page['name']}", page["label"]
        for field in page["fields"]:
            if field["type"] != "calculate":
                yield field["name"], field["label"]
            if field["hint"]:
                yield f"{field['name']} hint", field["hint"]
            if field["constraint"]:
                yield f"{field['name']} constraint message", field["constraint_message"]
            if field["required"] and field["required_message"]:
                yield f"{field['name']} required message", field["required_message"]
    for list_name, choices in definition["choices"].items():
        for choice in choices:
            yield f"{list_name}.{choice['name']}", choice["label"]
    yield "title", definition["title"]


def _field(definition: dict, name: str) -> dict:
    return next(field for page in definition["pages"] for field in page["fields"] if field["name"] == name)


def _visible(definition: dict, answers: dict) -> set[str]:
    return {field["name"] for _page, field in engine.visible_fields(definition, answers)}


def _fill(response, answers, by):
    """Save the answers page by page, as the filling pages do."""
    definition = response.instrument_version.definition
    for index, page in enumerate(definition["pages"]):
        names = {field["name"] for field in page["fields"]}
        page_answers = {name: value for name, value in answers.items() if name in names}
        if page_answers:
            response = response_save(response=response, answers=page_answers, page=index, by=by)
    return response


def _forget_shipped():
    InstrumentVersion.objects.all().delete()
    Instrument.objects.all().delete()


def _published(code: str) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code=code, status=VersionStatus.PUBLISHED)


# --- the files ------------------------------------------------------------------------------

def test_it_ships_one_parsing_file_per_instrument():
    files = {path.stem: path for path in shipped_files()}
    assert set(files) == set(build.MODULES) == set(SHIPPED)
    for code, path in files.items():
        definition = parse_xlsform(path.read_bytes(), path.name)
        assert definition["form_id"] == code
        assert definition["default_language"] == "it"
        assert {"it", "en"} <= set(definition["languages"])


def test_it_keeps_the_files_in_step_with_their_python_definitions():
    assert build.build_all(check=True) == [], "run: python -m pua.assessments.instruments.build"
    assert build.build_workbook(vulnerability) == build.build_workbook(vulnerability)


@pytest.mark.parametrize("code", OURS)
def test_it_labels_everything_in_italian_and_english(code):
    definition = _definition(code)
    missing = [where for where, text in _texts(definition) if not (text.get("it") and text.get("en"))]
    assert missing == []


def test_it_asks_the_satisfaction_questions_in_the_beneficiaries_languages():
    definition = _definition("satisfaction")
    assert definition["languages"] == ["it", "en", "fr", "ar", "ro"]
    missing = [(where, lang) for where, text in _texts(definition) for lang in definition["languages"] if not text.get(lang)]
    assert missing == []
    assert _field(definition, "q_first_meeting")["label"]["ar"] == "كيف كان لقاؤك الأول معنا؟"


@pytest.mark.parametrize("code", OURS)
def test_it_uses_skip_logic_and_explained_constraints(code):
    fields = [field for page in _definition(code)["pages"] for field in page["fields"]]
    assert any(field["relevant"] for field in fields)
    constrained = [field for field in fields if field["constraint"]]
    assert constrained
    assert all(field["constraint_message"].get("it") and field["constraint_message"].get("en") for field in constrained)


def test_it_reports_the_severity_of_every_vulnerability_area():
    definition = _definition("vulnerability")
    assert all(_field(definition, f"{area}_severity")["report"] for area in AREAS)
    assert _field(definition, "vulnerability_level")["type"] == "calculate"
    assert len(definition["pages"]) == len(AREAS) + 2


# --- the forms' logic -----------------------------------------------------------------------

def test_it_asks_vulnerability_follow_up_questions_only_when_they_apply():
    definition = _definition("vulnerability")
    assert "housing_from_employer_paid" not in _visible(definition, {"housing_situation": "rented"})
    assert "housing_from_employer_paid" in _visible(definition, {"housing_situation": "employer_housing"})
    assert "disability_percentage" not in _visible(definition, {"health_conditions": "disability"})
    assert "disability_percentage" in _visible(definition, {"health_conditions": "disability",
                                                            "disability_certified": "yes"})
    assert "debt_pressure" in _visible(definition, {"has_debts": "yes", "creditors": "bank recruiter_employer"})
    assert "debt_pressure" not in _visible(definition, {"has_debts": "yes", "creditors": "bank"})


def test_it_explains_broken_vulnerability_answers_in_the_filler_language():
    definition = _definition("vulnerability")
    answers = {**VULNERABILITY_ANSWERS, "privacy_informed": "no", "income_sources": "none benefits",
               "priority_areas": "housing health debts work"}
    errors = engine.validate_all(definition, answers, "it")
    assert errors["privacy_informed"] == "Prima di continuare, informa la persona sull'uso dei suoi dati."
    assert errors["income_sources"] == "“Nessuno” non può essere scelto insieme ad altre risposte."
    assert engine.validate_all(definition, answers, "en")["priority_areas"] == "Choose three areas at most."
    assert engine.validate_all(definition, VULNERABILITY_ANSWERS, "it") == {}


@pytest.mark.parametrize(("severities", "level"), [
    ({"housing": "1", "health": "1"}, "low"),
    ({"housing": "2", "health": "2", "documents": "2"}, "medium"),
    ({"housing": "3"}, "high"),
    (dict.fromkeys(AREAS[:6], "2"), "high"),
])
def test_it_derives_the_vulnerability_level_from_the_severities(severities, level):
    answers = {**{f"{area}_severity": "0" for area in AREAS}, **{f"{a}_severity": v for a, v in severities.items()}}
    computed = engine.computed(_definition("vulnerability"), answers)
    assert computed["vulnerability_level"] == level
    assert float(computed["total_severity"]) == sum(int(value) for value in severities.values())


def test_it_offers_the_roles_of_the_main_sector_only():
    definition = _definition("skills_assessment")
    answers = {"has_experience": "yes", "experience_sectors": "construction care", "main_sector": "construction"}
    names = [name for name, _label in engine.choices_for(definition, _field(definition, "main_role"), answers, "it")]
    assert names == ["labourer", "bricklayer", "painter", "other_role"]
    errors = engine.validate_all(definition, {**answers, "main_sector": "agriculture"}, "en")
    assert errors["main_sector"] == "Choose one of the sectors given above."


def test_it_averages_the_transversal_skills_self_assessment():
    definition = _definition("skills_assessment")
    names = [field["name"] for field in definition["pages"][4]["fields"] if field["name"].startswith("ts_")]
    answers = dict.fromkeys(names, "3") | {names[0]: "4"}
    assert len(names) == 8
    assert float(engine.computed(definition, answers)["transversal_average"]) == 3.1


def test_it_asks_what_to_improve_only_after_a_low_score():
    definition = _definition("satisfaction")
    good = {"q_first_meeting": "4", "q_listened": "5", "q_useful": "4", "q_situation": "better"}
    assert "improve" not in _visible(definition, good)
    assert "improve" in _visible(definition, {**good, "q_useful": "2"})
    assert "improve" in _visible(definition, {**good, "q_situation": "worse"})


def test_it_keeps_the_next_interview_after_this_one():
    definition = _definition("interview_labour")
    errors = engine.validate_all(definition, {"interview_date": "2026-02-10", "next_meeting": "2026-02-01"}, "it")
    assert errors["next_meeting"] == "Il prossimo incontro deve essere dopo questo colloquio."


# --- loading --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_it_loaded_every_shipped_instrument_in_the_migration():
    for code, (purpose, fill_roles, read_roles, _description) in SHIPPED.items():
        instrument = Instrument.objects.get(code=code)
        assert instrument.access_point is None
        assert (instrument.purpose, instrument.fill_roles, instrument.read_roles) == (purpose, fill_roles, read_roles)
        assert [v.status for v in instrument.versions.all()] == [VersionStatus.PUBLISHED]
    vulnerability_form = Instrument.objects.get(code="vulnerability")
    assert vulnerability_form.title == "Scheda individuale di rilevazione della vulnerabilità"
    assert vulnerability_form.fill_roles == ["director", "social_expert", "labour_expert", "outreach_operator"]
    assert vulnerability_form.read_roles == ["director", "social_expert", "labour_expert"]
    assert Instrument.objects.get(code="interview_labour").fill_roles == ["director", "labour_expert"]
    assert _published("satisfaction").languages == ["it", "en", "fr", "ar", "ro"]


@pytest.mark.django_db
def test_it_creates_nothing_when_loaded_again():
    versions = InstrumentVersion.objects.count()
    result = load_instruments()
    assert (result["created"], result["versions"], result["skipped"]) == ([], [], {})
    assert sorted(result["unchanged"]) == sorted(SHIPPED)
    assert InstrumentVersion.objects.count() == versions


@pytest.mark.django_db
def test_it_creates_the_instruments_with_an_audit_entry_and_only_once(world):
    _forget_shipped()
    result = load_instruments(by=world.users["admin"])
    assert sorted(result["created"]) == sorted(SHIPPED)
    assert sorted(result["versions"]) == sorted((code, 1) for code in SHIPPED)
    assert AuditEntry.objects.filter(object_type="assessments.instrument", actor=world.users["admin"]).count() == 6
    assert _published("skills_assessment").published_by == world.users["admin"]
    again = load_instruments()
    assert (again["created"], again["versions"]) == ([], [])
    assert Instrument.objects.count() == len(SHIPPED)


@pytest.mark.django_db
def test_it_publishes_a_changed_file_and_keeps_old_responses_on_their_version(world, tmp_path, monkeypatch):
    worker = world.users["social_expert"]
    first = _published("vulnerability")
    response = response_start(version=first, person=PersonFactory(access_point=world.ap_a), by=worker)
    response = response_submit(response=_fill(response, VULNERABILITY_ANSWERS, worker), by=worker)
    assert response.status == ResponseStatus.SUBMITTED
    assert {(f.key, f.value) for f in AnswerFact.objects.filter(response=response)} >= {
        ("housing_severity", "3"), ("debts_severity", "3"), ("vulnerability_level", "high"),
        ("exploitation_signals", "yes")}
    answers, definition = dict(response.answers), first.definition

    for path in shipped_files():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(vulnerability, "VERSION", "2026.2")
    (tmp_path / "vulnerability.xlsx").write_bytes(build.build_workbook(vulnerability))
    result = load_instruments(directory=tmp_path)

    assert (result["created"], result["versions"]) == ([], [("vulnerability", 2)])
    first.refresh_from_db()
    second = _published("vulnerability")
    assert (second.number, second.form_version) == (2, "2026.2")
    assert (first.status, first.definition) == (VersionStatus.RETIRED, definition)
    assert first.retired_at is not None
    response.refresh_from_db()
    assert (response.instrument_version_id, response.answers) == (first.pk, answers)
    assert load_instruments(directory=tmp_path)["versions"] == []


@pytest.mark.django_db
def test_it_leaves_alone_a_version_an_administrator_published_after_the_shipped_one(world):
    shipped = _published("interview_social")
    replacement = InstrumentVersion.objects.create(
        instrument=shipped.instrument, number=2, status=VersionStatus.PUBLISHED, source_name="edited.xlsx",
        source=b"edited", definition=shipped.definition, languages=["it", "en"])
    shipped.status = VersionStatus.RETIRED
    shipped.save()
    result = load_instruments()
    assert result["versions"] == []
    assert _published("interview_social") == replacement


def _broken_workbook() -> bytes:
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Italiano (it)"])
    survey.append(["geopoint", "where", "Dove"])
    workbook.create_sheet("settings").append(["form_id"])
    workbook["settings"].append(["broken"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_it_refuses_a_shipped_file_that_does_not_parse_unless_told_to_skip_it(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(_broken_workbook())
    with pytest.raises(XLSFormError):
        load_instruments(directory=tmp_path)
    result = load_instruments(directory=tmp_path, strict=False)
    assert list(result["skipped"]) == ["broken.xlsx"]
    assert not Instrument.objects.filter(code="broken").exists()


@pytest.mark.django_db
def test_it_loads_with_the_historical_models_of_the_migration():
    state = MigrationExecutor(connection).loader.project_state(("assessments", "0002_shipped_instruments"))
    _forget_shipped()
    audit_entries = AuditEntry.objects.count()
    result = load_instruments(state.apps)
    assert sorted(result["created"]) == sorted(SHIPPED)
    assert AuditEntry.objects.count() == audit_entries
    assert load_instruments()["created"] == []


@pytest.mark.django_db
def test_it_runs_from_the_management_command():
    out = io.StringIO()
    call_command("load_instruments", stdout=out)
    assert "up to date" in out.getvalue()
    _forget_shipped()
    call_command("load_instruments", stdout=out)
    assert "Created instrument vulnerability." in out.getvalue()
    assert Instrument.objects.count() == len(SHIPPED)


@pytest.mark.django_db
def test_it_shows_every_shipped_instrument_to_a_social_expert(world, login):
    client = login(world.users["social_expert"])
    page = client.get(reverse("assessments:instrument_list"))
    assert page.status_code == 200
    for code in OURS:
        version = _published(code)
        assert version.instrument.title in page.content.decode()
        assert client.get(reverse("assessments:version_preview", args=[version.pk])).status_code == 200
