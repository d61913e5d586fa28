import datetime

import pytest
from django.utils import translation

from pua.assessments import engine
from pua.assessments.xlsform import parse_xlsform

from .xlsform_fixtures import SETTINGS, full_form_bytes, xlsform_bytes

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def full():
    return parse_xlsform(full_form_bytes(), "full.xlsx")


def form(survey, choices=None, settings=SETTINGS):
    return parse_xlsform(xlsform_bytes(survey, choices, settings), "form.xlsx")


def names(pairs):
    return [f["name"] for _index, f in pairs]


ADULT = {"nickname": "Ada", "age": "30", "hours": "40", "arrival": "2020-05-01", "country": "it", "city": "rome",
         "sectors": "agri care", "farm_days": "3", "comment": "ok"}


# -- label --------------------------------------------------------------------


def test_it_picks_the_label_in_the_language_or_falls_back():
    labels = {"it": "Sì", "en": "Yes"}
    assert engine.label(labels, "en", "it") == "Yes"
    assert engine.label(labels, "fr", "it") == "Sì"
    assert engine.label({"en": "Yes"}, "fr", "it") == "Yes"
    assert engine.label({}, "it", "it") == ""
    assert engine.label(None, "it", "it") == ""
    assert engine.label("plain", "en", "it") == "plain"


# -- relevance ----------------------------------------------------------------


def test_it_shows_every_question_and_note_when_everything_is_relevant(full):
    visible = engine.visible_fields(full, ADULT)
    assert names(visible) == ["nickname", "age", "hours", "arrival", "country", "city", "sectors", "farm_days",
                              "work_note", "comment"]
    assert [index for index, _f in visible] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 2]


def test_it_hides_questions_pages_and_nested_groups_that_are_not_relevant(full):
    minor = {**ADULT, "age": "14"}
    assert names(engine.visible_fields(full, minor)) == ["nickname", "age", "arrival", "country", "city", "comment"]
    assert engine.page_is_relevant(full, 1, minor) is False
    assert engine.page_is_relevant(full, 1, ADULT) is True
    no_farm = {**ADULT, "sectors": "build"}
    assert "farm_days" not in names(engine.visible_fields(full, no_farm))
    assert "sectors" in names(engine.visible_fields(full, no_farm))


def test_it_treats_a_page_with_only_calculations_as_not_relevant():
    definition = form([["type", "name", "label", "calculation"], ["begin group", "p", "P"], ["text", "a", "A"],
                       ["end group"], ["calculate", "c", "", "1 + 1"]])
    assert engine.page_is_relevant(definition, 0, {}) is True
    assert engine.page_is_relevant(definition, 1, {}) is False
    assert engine.computed(definition, {}) == {"c": "2"}


def test_it_hides_questions_that_depend_on_hidden_answers():
    definition = form([
        ["type", "name", "label", "relevant"],
        ["select_one yn", "works", "Works?"],
        ["select_one yn", "paid", "Paid?", "${works} = 'yes'"],
        ["text", "how_much", "How much?", "${paid} = 'yes'"],
    ], [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]])
    answers = {"works": "no", "paid": "yes", "how_much": "100"}
    assert names(engine.visible_fields(definition, answers)) == ["works"]
    assert engine.computed(definition, answers) == {"works": "no"}


# -- calculations ---------------------------------------------------------------


def test_it_fills_calculations_and_drops_answers_that_are_not_relevant(full):
    answers = {**ADULT, "age": "14", "unknown_key": "x", "comment": "  ", "nickname": " Ada "}
    result = engine.computed(full, answers)
    assert result == {"nickname": "Ada", "age": "14", "arrival": "2020-05-01", "country": "it", "city": "rome",
                      "is_adult": "no"}
    assert engine.computed(full, ADULT)["is_adult"] == "yes"
    assert engine.computed(full, ADULT)["farm_days"] == "3"


def test_it_settles_calculations_that_refer_to_later_ones():
    definition = form([
        ["type", "name", "label", "calculation", "relevant"],
        ["calculate", "total", "", "${a_plus_one} * 2"],
        ["integer", "a", "A"],
        ["calculate", "a_plus_one", "", "${a} + 1"],
        ["text", "shown_if_big", "Big", "", "${total} > 10"],
    ])
    assert engine.computed(definition, {"a": "5", "shown_if_big": "yes"}) == {
        "a": "5", "a_plus_one": "6", "total": "12", "shown_if_big": "yes"}
    assert engine.computed(definition, {"a": "1", "shown_if_big": "yes"}) == {"a": "1", "a_plus_one": "2", "total": "4"}
    # An empty answer makes the arithmetic NaN, which is stored as nothing.
    assert engine.computed(definition, {}) == {}


def test_it_evaluates_calculations_with_typed_numbers_and_dates():
    definition = form([
        ["type", "name", "label", "calculation"],
        ["decimal", "a", "A"], ["integer", "b", "B"], ["date", "since", "Since"],
        ["calculate", "same", "", "if(${a} = ${b}, 'same', 'different')"],
        ["calculate", "days", "", "today() - ${since}"],
        ["calculate", "recent", "", "${since} > '2026-01-01'"],
    ])
    result = engine.computed(definition, {"a": "5.0", "b": "5", "since": "2026-11-12"}, today=TODAY)
    assert result["same"] == "same"
    assert result["days"] == "10"
    assert result["recent"] == "true"


# -- validation -------------------------------------------------------------------


def test_it_requires_answers_with_the_forms_message_in_the_language(full):
    errors = engine.validate_page(full, 0, {}, "en")
    # No English message in the form: the default language's one; none at all: ours.
    assert errors == {"nickname": "Serve un nome", "age": "This answer is required."}
    assert engine.validate_page(full, 0, {}, "it")["nickname"] == "Serve un nome"


def test_it_checks_constraints_only_on_given_answers(full):
    answers = {**ADULT, "age": "150", "hours": "200", "arrival": "2030-01-01"}
    errors = engine.validate_page(full, 0, answers, "en", today=TODAY)
    assert errors == {"age": "Age out of range", "hours": "This answer is not valid.",
                      "arrival": "This answer is not valid."}
    assert engine.validate_page(full, 0, answers, "it", today=TODAY)["age"] == "Età fuori intervallo"
    assert engine.validate_page(full, 0, {**ADULT, "hours": ""}, "en", today=TODAY) == {}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("age", "3.5", "Enter a whole number."),
    ("age", "abc", "Enter a whole number."),
    ("age", "99999999999", "Enter a whole number."),
    ("hours", "3,5", "Enter a number (use a dot for decimals)."),
    ("arrival", "01/02/2020", "Enter a valid date (YYYY-MM-DD)."),
    ("arrival", "2020-02-30", "Enter a valid date (YYYY-MM-DD)."),
    ("country", "fr", "Choose among the options shown."),
    ("country", "it ro", "Choose one of the options."),
    ("city", "bucharest", "Choose among the options shown."),  # filtered out: the country is Italy
])
def test_it_checks_the_type_of_answers(full, name, value, message):
    answers = {**ADULT, name: value}
    if name == "country":
        del answers["city"]  # a Roman city is not an option outside Italy
    errors = engine.validate_page(full, 0, answers, "en", today=TODAY)
    assert errors == {name: message}


def test_it_checks_every_chosen_option_of_a_select_multiple(full):
    assert engine.validate_page(full, 1, {**ADULT, "sectors": "agri mining"}, "en") == {
        "sectors": "Choose among the options shown."}
    assert engine.validate_page(full, 1, {**ADULT, "sectors": "agri build"}, "en") == {}


def test_it_skips_questions_that_are_not_relevant(full):
    assert engine.validate_page(full, 1, {"age": "10"}, "en") == {}
    assert engine.validate_page(full, 1, {"age": "20"}, "en") == {"sectors": "This answer is required."}


def test_it_validates_the_whole_form(full):
    errors = engine.validate_all(full, {"age": "20", "hours": "x"}, "en")
    assert errors == {"nickname": "Serve un nome", "hours": "Enter a number (use a dot for decimals).",
                      "sectors": "This answer is required."}
    assert engine.validate_all(full, ADULT, "en", today=TODAY) == {}


def test_it_uses_the_current_value_typed_in_constraints():
    definition = form([["type", "name", "label", "constraint"], ["decimal", "d", "D", ". = 2"],
                       ["date", "when", "When", ". >= '2026-01-01'"]])
    assert engine.validate_all(definition, {"d": "2.0", "when": "2026-03-01"}, "it") == {}
    assert set(engine.validate_all(definition, {"d": "2.5", "when": "2025-03-01"}, "it")) == {"d", "when"}


def test_it_gives_default_messages_in_the_language_of_the_form():
    definition = form([["type", "name", "label", "required"], ["text", "a", "A", "yes"]])
    with translation.override("en"):
        expected = translation.gettext("This answer is required.")
    with translation.override("it"):
        italian = translation.gettext("This answer is required.")
    assert engine.validate_all(definition, {}, "en") == {"a": expected}
    assert engine.validate_all(definition, {}, "it") == {"a": italian}


# -- choices ------------------------------------------------------------------------


def test_it_filters_choices_by_the_answers(full):
    assert engine.choices_for(full, "city", {"country": "it"}, "en") == [("rome", "Rome"), ("milan", "Milan")]
    assert engine.choices_for(full, "city", {"country": "ro"}, "it") == [("bucharest", "Bucarest")]
    assert engine.choices_for(full, "city", {}, "it") == []
    city = engine.field_by_name(full, "city")
    assert engine.choices_for(full, city, {"country": "ro"}, "fr") == [("bucharest", "Bucarest")]


def test_it_lists_all_the_choices_without_a_filter(full):
    assert engine.choices_for(full, "sectors", {}, "en") == [("agri", "Agriculture"), ("build", "Building"),
                                                             ("care", "Care")]
    assert engine.choices_for(full, "nickname", {}, "en") == []
    assert engine.choices_for(full, "no_such_field", {}, "en") == []


def test_it_can_filter_on_the_choice_name():
    definition = form([["type", "name", "label", "choice_filter"], ["select_one yn", "q", "Q"],
                       ["select_one yn", "again", "Again", "name != ${q}"]],
                      [["list_name", "name", "label"], ["yn", "yes", "Sì"], ["yn", "no", "No"]])
    assert engine.choices_for(definition, "again", {"q": "yes"}, "it") == [("no", "No")]


# -- defaults ---------------------------------------------------------------------


def test_it_starts_responses_with_the_forms_defaults(full):
    assert engine.initial_answers(full) == {"country": "it"}
    assert len(engine.all_fields(full)) == 11
