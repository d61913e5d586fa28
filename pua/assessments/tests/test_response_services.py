"""Services of filling in: drafts, submit, amendments, outcome review.

The form is a small XLSForm built here with openpyxl and parsed by the real
parser; the instrument rows are created directly.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from pua.assessments import services
from pua.assessments.models import (
    AnswerFact,
    Instrument,
    InstrumentVersion,
    Purpose,
    Response,
    ResponseStatus,
    RuleSet,
    VersionStatus,
)
from pua.assessments.xlsform import parse_xlsform
from pua.cases.models import CaseEvent
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry

SURVEY = [
    ["type", "name", "label::Italiano (it)", "label::English (en)", "hint::Italiano (it)", "hint::English (en)",
     "required", "required_message::Italiano (it)", "required_message::English (en)", "relevant", "constraint",
     "constraint_message::Italiano (it)", "constraint_message::English (en)", "calculation", "report"],
    ["begin group", "work", "Lavoro", "Work", "", "", "", "", "", "", "", "", "", "", ""],
    ["select_one yes_no", "has_job", "Ha un lavoro?", "Do you have a job?", "Anche in nero", "Undeclared too",
     "yes", "", "", "", "", "", "", "", "yes"],
    ["integer", "hours", "Ore settimanali", "Hours a week", "", "", "yes", "", "", "${has_job} = 'yes'",
     ". >= 0 and . <= 80", "Tra 0 e 80 ore", "Between 0 and 80 hours", "", ""],
    ["text", "employer", "Datore di lavoro", "Employer", "", "", "", "", "", "${has_job} = 'yes'", "", "", "", "", ""],
    ["end group", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["begin group", "situation", "Bisogni", "Needs", "", "", "", "", "", "", "", "", "", "", ""],
    ["select_multiple needs", "needs", "Di cosa ha bisogno?", "What do you need?", "", "", "", "", "", "", "", "",
     "", "", "yes"],
    ["date", "since", "Da quando?", "Since when?", "", "", "", "", "", "", "", "", "", "", ""],
    ["note", "needs_note", "Grazie", "Thank you", "", "", "", "", "", "", "", "", "", "", ""],
    ["calculate", "needs_count", "", "", "", "", "", "", "", "", "", "", "", "count-selected(${needs})", ""],
    ["end group", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["begin group", "housing", "Casa", "Housing", "", "", "", "", "", "selected(${needs}, 'housing')", "", "", "", "",
     ""],
    ["text", "housing_detail", "Situazione abitativa", "Housing situation", "", "", "yes",
     "Descrivere la situazione abitativa", "Describe the housing situation", "", "", "", "", "", ""],
    ["end group", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::Italiano (it)", "label::English (en)"],
    ["yes_no", "yes", "Sì", "Yes"],
    ["yes_no", "no", "No", "No"],
    ["needs", "housing", "Casa", "Housing"],
    ["needs", "health", "Salute", "Health"],
    ["needs", "documents", "Documenti", "Documents"],
]
SETTINGS = [["form_title", "form_id", "version", "default_language"],
            ["Verifica benessere", "wellbeing_check", "2026-01", "it"]]

FILL_ROLES = ["director", "social_expert", "outreach_operator"]
READ_ROLES = ["director", "social_expert"]


def xlsform_bytes(survey=SURVEY, choices=CHOICES, settings=SETTINGS) -> bytes:
    book = Workbook()
    book.active.title = "survey"
    for row in survey:
        book["survey"].append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_version(*, code="wellbeing_check", purpose=Purpose.OTHER, access_point=None, fill_roles=FILL_ROLES,
                 read_roles=READ_ROLES, status=VersionStatus.PUBLISHED, definition=None, number=1, instrument=None):
    source = xlsform_bytes()
    definition = definition or parse_xlsform(source, "wellbeing.xlsx")
    if instrument is None:
        instrument = Instrument.objects.create(
            code=code, title="Verifica benessere", purpose=purpose, access_point=access_point,
            fill_roles=list(fill_roles), read_roles=list(read_roles))
    return InstrumentVersion.objects.create(
        instrument=instrument, number=number, status=status, source_name="wellbeing.xlsx", source=source,
        definition=definition, languages=definition["languages"], scoring_method=definition.get("scoring", ""))


@pytest.fixture
def version(world):
    return make_version()


@pytest.fixture
def person(world):
    return PersonFactory(access_point=world.ap_a)


@pytest.fixture
def worker(world):
    return world.users["social_expert"]


def fill_all(response, by):
    """A complete, valid response."""
    response = services.response_save(response=response, answers={"has_job": "yes", "hours": "38", "employer": "Acme"},
                                      page=0, by=by)
    response = services.response_save(response=response, answers={"needs": ["housing", "health"],
                                                                   "since": "2025-03-01"}, page=1, by=by)
    return services.response_save(response=response, answers={"housing_detail": "In un dormitorio"}, page=2, by=by)


def test_it_parses_the_test_form(world):
    definition = parse_xlsform(xlsform_bytes(), "wellbeing.xlsx")
    assert [p["name"] for p in definition["pages"]] == ["work", "situation", "housing"]
    assert definition["languages"][:2] == ["it", "en"]


def test_it_starts_a_draft_of_a_published_version(version, person, worker):
    response = services.response_start(version=version, person=person, by=worker)
    assert response.status == ResponseStatus.DRAFT
    assert response.access_point_id == person.access_point_id and response.answers == {}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="assessments.response",
                                     object_id=str(response.pk)).exists()


def test_it_refuses_to_start_a_draft_version(world, person, worker):
    draft = make_version(status=VersionStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.response_start(version=draft, person=person, by=worker)
    assert error.value.code == "not_published"
    assert not Response.objects.exists()


def test_it_refuses_a_merged_person_and_a_case_of_another_person(version, person, worker, world):
    other = PersonFactory(access_point=world.ap_a)
    with pytest.raises(ValidationError):
        services.response_start(version=version, person=person, by=worker, case=CaseFactory(person=other))
    merged = PersonFactory(access_point=world.ap_a, merged_into=person)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.response_start(version=version, person=merged, by=worker)
    assert not Response.objects.exists()


def test_it_refuses_users_without_a_fill_role(version, person, world):
    with pytest.raises(PermissionDenied):
        services.response_start(version=version, person=person, by=world.users["labour_expert"])
    with pytest.raises(PermissionDenied):
        services.response_start(version=version, person=person, by=world.other_worker)


def test_it_saves_partial_drafts_page_by_page(version, person, worker):
    response = services.response_start(version=version, person=person, by=worker)
    response = services.response_save(response=response, answers={"has_job": "yes"}, page=0, by=worker)
    assert response.answers == {"has_job": "yes"} and response.current_page == 0
    response = services.response_save(response=response, answers={"needs": ["health", "housing", "health"]},
                                      page=1, by=worker)
    response.refresh_from_db()
    # Merged, in the form's order of choices, the page remembered.
    assert response.answers == {"has_job": "yes", "needs": "housing health"}
    assert response.current_page == 1
    response = services.response_save(response=response, answers={"has_job": ""}, page=0, by=worker)
    assert "has_job" not in response.answers


def test_it_type_checks_answers_and_saves_nothing_when_one_is_wrong(version, person, worker):
    response = services.response_start(version=version, person=person, by=worker)
    with pytest.raises(ValidationError) as error:
        services.response_save(response=response, answers={"has_job": "maybe", "hours": "many"}, page=0, by=worker)
    assert set(error.value.message_dict) == {"has_job", "hours"}
    with pytest.raises(ValidationError) as error:
        services.response_save(response=response, answers={"since": "2025-02-30"}, page=1, by=worker)
    assert "since" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.response_save(response=response, answers={"housing_detail": "x"}, page=1, by=worker)
    assert "housing_detail" in error.value.message_dict  # a question of another page
    response.refresh_from_db()
    assert response.answers == {}


def test_it_normalises_numbers(world, person, worker):
    field = {"name": "amount", "type": "decimal"}
    assert services.clean_value({}, field, "3,50") == "3.50"
    assert services.clean_value({}, field, ".5") == "0.5"
    assert services.clean_value({}, {"name": "n", "type": "integer"}, "+007") == "7"


@pytest.mark.usefixtures("english_personas")  # reads English messages
def test_it_submits_computes_and_records_facts_and_a_case_event(world, person, worker):
    version = make_version()
    case = CaseFactory(person=person)
    response = services.response_start(version=version, person=person, by=worker, case=case)
    response = services.response_submit(response=fill_all(response, worker), by=worker)
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == worker
    assert response.answers["needs_count"] == "2"  # calculate filled in
    facts = set(AnswerFact.objects.filter(response=response).values_list("key", "value"))
    assert facts == {("has_job", "yes"), ("needs", "housing"), ("needs", "health"), ("instrument", "wellbeing_check")}
    event = CaseEvent.objects.get(case=case)
    assert event.data == {"response": response.pk, "outcome": "", "title": "Verifica benessere"}
    assert event.summary == "Verifica benessere submitted" and not event.restricted


def test_it_drops_answers_that_are_no_longer_relevant(version, person, worker):
    response = fill_all(services.response_start(version=version, person=person, by=worker), worker)
    response = services.response_save(response=response, answers={"has_job": "no"}, page=0, by=worker)
    response = services.response_submit(response=response, by=worker)
    assert "hours" not in response.answers and "employer" not in response.answers


def test_it_refuses_to_submit_with_missing_or_invalid_answers(version, person, worker):
    response = services.response_start(version=version, person=person, by=worker)
    response = services.response_save(response=response, answers={"has_job": "yes", "hours": "99"}, page=0, by=worker)
    response = services.response_save(response=response, answers={"needs": ["housing"]}, page=1, by=worker)
    with pytest.raises(ValidationError) as error:
        services.response_submit(response=response, by=worker)
    messages = error.value.message_dict
    assert set(messages) == {"hours", "housing_detail"}
    assert messages["hours"] == ["Tra 0 e 80 ore"]
    assert messages["housing_detail"] == ["Descrivere la situazione abitativa"]
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT and not AnswerFact.objects.exists()


def test_a_submitted_response_is_immutable(version, person, worker):
    response = services.response_submit(
        response=fill_all(services.response_start(version=version, person=person, by=worker), worker), by=worker)
    answers = dict(response.answers)
    with pytest.raises(ValidationError):
        services.response_save(response=response, answers={"has_job": "no"}, page=0, by=worker)
    with pytest.raises(ValidationError):
        services.response_submit(response=response, by=worker)
    response.refresh_from_db()
    assert response.answers == answers and response.status == ResponseStatus.SUBMITTED


def test_it_amends_a_submitted_response_keeping_the_original(version, person, worker):
    original = services.response_submit(
        response=fill_all(services.response_start(version=version, person=person, by=worker), worker), by=worker)
    with pytest.raises(ValidationError) as error:
        services.response_amend(response=original, by=worker, reason="  ")
    assert "reason" in error.value.message_dict
    draft = services.response_amend(response=original, by=worker, reason="Ore sbagliate")
    assert draft.status == ResponseStatus.DRAFT and draft.amends == original and draft.answers == original.answers
    with pytest.raises(ValidationError):
        services.response_amend(response=original, by=worker, reason="di nuovo")  # one amendment at a time
    draft = services.response_save(response=draft, answers={"hours": "20"}, page=0, by=worker)
    amended = services.response_submit(response=draft, by=worker)
    original.refresh_from_db()
    assert original.answers["hours"] == "38" and amended.answers["hours"] == "20"
    from pua.assessments import selectors
    assert selectors.current(Response.objects.filter(person=person)).get() == amended
    with pytest.raises(ValidationError):
        services.response_amend(response=original, by=worker, reason="superseded")


def test_a_draft_cannot_be_amended(version, person, worker):
    response = services.response_start(version=version, person=person, by=worker)
    with pytest.raises(ValidationError):
        services.response_amend(response=response, by=worker, reason="x")
    assert Response.objects.count() == 1


def test_restricted_instruments_write_restricted_case_events(world, person, worker):
    version = make_version(code="screening_test", purpose=Purpose.EXPLOITATION_SCREENING)
    case = CaseFactory(person=person)
    response = fill_all(services.response_start(version=version, person=person, by=worker, case=case), worker)
    services.response_submit(response=response, by=worker)
    assert CaseEvent.objects.get(case=case).restricted


@pytest.fixture
def scored_version(world):
    return make_scored_version()


def make_scored_version():
    """A screening with every indicator of the shipped rule set on one page, scored."""
    from pua.assessments.rules import load_rule_sets
    load_rule_sets()
    rule_set = RuleSet.objects.get(code="exploitation-adult")
    indicators = {i["field"]: i for i in rule_set.data["indicators"]}
    fields = [{"name": name, "type": "select_one", "label": {"it": name, "en": name}, "choices": "yes_no",
               "required": False, "relevant": "", "constraint": "", "calculation": "", "choice_filter": "",
               "report": True, "row": n + 2} for n, name in enumerate(sorted(indicators))]
    definition = {
        "form_id": "screening_test", "version": "1", "title": {"it": "Screening", "en": "Screening"},
        "default_language": "it", "languages": ["it", "en"], "scoring": "exploitation_adult",
        "rule_set": "exploitation-adult", "pages": [{"name": "all", "label": {"it": "Tutto"}, "relevant": "",
                                                     "fields": fields}],
        "choices": {"yes_no": [{"name": "yes", "label": {"it": "Sì"}}, {"name": "no", "label": {"it": "No"}}]},
    }
    return make_version(code="screening_test", purpose=Purpose.EXPLOITATION_SCREENING, definition=definition), \
        indicators


def test_it_scores_and_reviews_the_outcome(scored_version, person, world):
    version, indicators = scored_version
    director = world.users["director"]
    case = CaseFactory(person=person)
    CaseTeamMemberFactory(case=case, user=director)
    response = services.response_start(version=version, person=person, by=director, case=case)
    some = sorted(indicators)[:2]
    response = services.response_save(response=response, answers=dict.fromkeys(some, "yes"), page=0, by=director)
    response = services.response_submit(response=response, by=director)
    assert response.outcome and response.rule_set.code == "exploitation-adult"
    assert response.score["outcome"] == response.outcome
    assert AnswerFact.objects.filter(response=response, key="outcome", value=response.outcome).exists()
    assert CaseEvent.objects.get(case=case).data == {"response": response.pk, "outcome": response.outcome,
                                                     "title": response.instrument_version.instrument.title}

    other = next(code for code in services.scoring_outcomes(response) if code != response.outcome)
    with pytest.raises(ValidationError) as error:
        services.outcome_review(response=response, confirmed_outcome=other, reason="", by=director)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.outcome_review(response=response, confirmed_outcome="made_up", reason="x", by=director)
    reviewed = services.outcome_review(response=response, confirmed_outcome=other, reason="Colloquio", by=director)
    assert reviewed.is_overridden and reviewed.reviewed_by == director
    assert reviewed.outcome == response.outcome  # the computed outcome stays
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert event.restricted and event.data["confirmed_outcome"] == other
    assert AuditEntry.objects.filter(object_id=str(response.pk), changes__overridden=True).exists()


def test_outcome_review_needs_the_permission(scored_version, person, world):
    version, indicators = scored_version
    director = world.users["director"]
    response = services.response_start(version=version, person=person, by=director)
    response = services.response_submit(response=response, by=director)
    with pytest.raises(PermissionDenied):
        services.outcome_review(response=response, confirmed_outcome=response.outcome, by=world.users["labour_expert"])
    reviewed = services.outcome_review(response=response, confirmed_outcome=response.outcome, by=director)
    assert reviewed.confirmed_outcome == response.outcome and not reviewed.is_overridden
