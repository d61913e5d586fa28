import pytest
from django.utils import translation

from pua.assessments.xlsform import FormError, XLSFormError, parse_xlsform

from .xlsform_fixtures import SETTINGS, full_form_bytes, xlsform_bytes

YN = [["list_name", "name", "label"], ["yn", "yes", "Sì"], ["yn", "no", "No"]]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


def parse(survey, choices=None, settings=SETTINGS, **kwargs):
    return parse_xlsform(xlsform_bytes(survey, choices, settings, **kwargs), "form.xlsx")


def errors_of(survey, choices=None, settings=SETTINGS, **kwargs) -> list[FormError]:
    with pytest.raises(XLSFormError) as info:
        parse(survey, choices, settings, **kwargs)
    return info.value.errors


def where(errors):
    return [(e.sheet, e.row, e.column) for e in errors]


def fields_of(definition):
    return {f["name"]: f for page in definition["pages"] for f in page["fields"]}


# -- the happy path ------------------------------------------------------------


def test_it_parses_a_form_with_every_supported_feature():
    definition = parse_xlsform(full_form_bytes(), "screening.xlsx")

    assert definition["form_id"] == "full_form"
    assert definition["version"] == "2026-11"
    assert definition["title"] == {"it": "Modulo di prova", "en": "Test form"}
    assert definition["default_language"] == "it"
    assert definition["languages"] == ["it", "en"]
    assert definition["scoring"] == "exploitation_adult"
    assert definition["rule_set"] == "exploitation-adult"
    assert [p["name"] for p in definition["pages"]] == ["context", "work", "_page_2"]
    assert definition["pages"][0]["label"] == {"it": "Contesto", "en": "Context"}
    assert definition["pages"][1]["relevant"] == "${age} >= 16"
    assert definition["pages"][2]["label"] == {}

    fields = fields_of(definition)
    assert [f["type"] for f in fields.values()] == [
        "text", "integer", "decimal", "date", "select_one", "select_one", "select_multiple", "integer", "note",
        "calculate", "text"]
    nickname = fields["nickname"]
    assert nickname["label"] == {"it": "Come ti chiami?", "en": "What is your name?"}
    assert nickname["hint"] == {"it": "Anche un soprannome", "en": "A nickname is fine"}
    assert nickname["required"] is True
    assert nickname["required_message"] == {"it": "Serve un nome"}
    assert nickname["row"] == 3
    age = fields["age"]
    assert age["constraint"] == ". >= 0 and . <= 120"
    assert age["constraint_message"] == {"it": "Età fuori intervallo", "en": "Age out of range"}
    assert fields["hours"]["relevant"] == "${age} >= 16"
    assert fields["country"]["choices"] == "country"
    assert fields["country"]["default"] == "it"
    assert fields["country"]["report"] is True
    assert fields["city"]["choice_filter"] == "country = ${country}"
    assert fields["sectors"]["type"] == "select_multiple"
    assert fields["sectors"]["choices"] == "sector"
    assert fields["farm_days"]["group"] == "farm"
    assert fields["farm_days"]["group_label"] == {"it": "Agricoltura", "en": "Farming"}
    assert fields["farm_days"]["group_relevant"] == "(selected(${sectors}, 'agri'))"
    assert fields["work_note"]["group"] == ""
    assert fields["is_adult"]["calculation"] == "if(${age} >= 18, 'yes', 'no')"
    assert fields["is_adult"]["report"] is True
    assert fields["comment"]["report"] is False
    assert definition["choices"]["city"][0] == {"name": "rome", "label": {"it": "Roma", "en": "Rome"},
                                                "extra": {"country": "it"}}
    assert [c["name"] for c in definition["choices"]["sector"]] == ["agri", "build", "care"]
    assert set(nickname) == {
        "name", "type", "label", "hint", "required", "required_message", "relevant", "constraint",
        "constraint_message", "calculation", "choices", "choice_filter", "appearance", "default", "group",
        "group_label", "group_relevant", "report", "row"}


def test_it_reads_a_plain_label_column_as_the_default_language():
    definition = parse([["type", "name", "label", "label::English (en)"], ["text", "q", "Domanda", "Question"]],
                       settings=[["form_id"], ["plain"]])
    assert definition["default_language"] == "it"
    assert definition["languages"] == ["it", "en"]
    assert fields_of(definition)["q"]["label"] == {"it": "Domanda", "en": "Question"}
    assert definition["title"] == {"it": "plain"}
    assert definition["scoring"] == "" and definition["rule_set"] == "" and definition["version"] == ""


def test_it_takes_the_default_language_from_the_settings():
    definition = parse([["type", "name", "label", "label::fr"], ["text", "q", "Question", "Question (fr)"]],
                       settings=[["form_id", "form_title", "default_language", "version"],
                                 ["eng", "English form", "English (en)", 2026110101]])
    assert definition["default_language"] == "en"
    assert definition["languages"] == ["en", "fr"]
    assert definition["title"] == {"en": "English form"}
    assert definition["version"] == "2026110101"
    assert fields_of(definition)["q"]["label"] == {"en": "Question", "fr": "Question (fr)"}


def test_it_lists_only_the_languages_that_have_texts():
    definition = parse([["type", "name", "label::Italiano (it)", "label::Deutsch (de)"], ["text", "q", "Domanda"]])
    assert definition["languages"] == ["it"]


def test_it_puts_top_level_questions_in_pages_of_their_own():
    definition = parse([
        ["type", "name", "label"],
        ["text", "a", "A"], ["text", "b", "B"],
        ["begin group", "g", "G"], ["text", "c", "C"], ["end group", "g"],
        ["text", "d", "D"],
    ])
    assert [(p["name"], [f["name"] for f in p["fields"]]) for p in definition["pages"]] == [
        ("_page_0", ["a", "b"]), ("g", ["c"]), ("_page_2", ["d"])]


def test_it_and_s_the_relevance_of_nested_groups():
    definition = parse([
        ["type", "name", "label", "relevant"],
        ["text", "a", "A"],
        ["begin group", "page", "P", "${a} != ''"],
        ["begin group", "outer", "O", "${a} = 'x'"],
        ["begin group", "inner", "I", "${a} != 'y'"],
        ["text", "deep", "Deep"],
        ["end group"],
        ["text", "middle", "Middle"],
        ["end group"],
        ["end group"],
    ])
    fields = fields_of(definition)
    assert fields["deep"]["group"] == "inner"
    assert fields["deep"]["group_relevant"] == "(${a} = 'x') and (${a} != 'y')"
    assert fields["middle"]["group"] == "outer"
    assert fields["middle"]["group_relevant"] == "(${a} = 'x')"
    assert definition["pages"][1]["relevant"] == "${a} != ''"


def test_it_accepts_odk_aliases_and_cell_values_of_any_type():
    definition = parse([
        ["type", "name", "label", "required", "relevance", "calculate", "bind::constraint", "report"],
        ["select one yn", "q1", "Q1", True, "", "", "", "TRUE"],
        ["select all that apply yn", "q2", "Q2", "false()", "selected(${q1}, 'yes')"],
        ["int", "n", "N", "", "", "", ". > 0"],
        ["calculate", "c", "", "", "", "${n} * 2"],
    ], YN)
    fields = fields_of(definition)
    assert fields["q1"]["type"] == "select_one" and fields["q1"]["required"] is True and fields["q1"]["report"]
    assert fields["q2"]["type"] == "select_multiple" and fields["q2"]["required"] is False
    assert fields["q2"]["relevant"] == "selected(${q1}, 'yes')"
    assert fields["n"]["type"] == "integer" and fields["n"]["constraint"] == ". > 0"
    assert fields["c"]["calculation"] == "${n} * 2"


def test_it_ignores_comment_columns_and_empty_unsupported_columns():
    definition = parse([["type", "name", "label", "notes for authors", "media::image", "repeat_count"],
                        ["text", "q", "Q", "ask gently"]])
    assert list(fields_of(definition)) == ["q"]


def test_it_allows_duplicate_choices_when_the_settings_say_so():
    definition = parse([["type", "name", "label"], ["select_one l", "q", "Q"]],
                       [["list_name", "name", "label"], ["l", "a", "A"], ["l", "a", "A again"]],
                       [["form_id", "allow_choice_duplicates"], ["dup", "yes"]])
    assert len(definition["choices"]["l"]) == 2


# -- rejected forms: every problem with its sheet, row and column ---------------------


@pytest.mark.parametrize("type_text", [
    "geopoint", "geotrace", "image", "audio", "video", "barcode", "range", "rank opts", "trigger", "acknowledge",
    "file", "time", "datetime", "start", "deviceid", "select_one_from_file places.csv",
    "select_multiple_from_file places.csv", "select_one_external yn", "hidden",
])
def test_it_rejects_unsupported_question_types(type_text):
    errors = errors_of([["type", "name", "label"], ["text", "ok", "Ok"], [type_text, "bad", "Bad"]], YN)
    assert where(errors) == [("survey", 3, "type")]
    assert "is not supported" in errors[0].message


def test_it_rejects_repeats():
    errors = errors_of([["type", "name", "label"], ["begin repeat", "r", "R"], ["text", "a", "A"], ["end repeat"]])
    assert where(errors) == [("survey", 2, "type"), ("survey", 4, "type")]
    assert "Repeats are not supported" in errors[0].message


def test_it_rejects_or_other_and_unknown_types():
    errors = errors_of([["type", "name", "label"], ["select_one yn or_other", "a", "A"], ["txet", "b", "B"],
                        ["", "c", "C"]], YN)
    assert where(errors) == [("survey", 2, "type"), ("survey", 3, "type"), ("survey", 4, "type")]
    assert "or_other" in errors[0].message
    assert "Unknown question type “txet”" in errors[1].message
    assert "no type" in errors[2].message


@pytest.mark.parametrize("column", [
    "repeat_count", "read_only", "trigger", "parameters", "image", "media::image", "audio", "body::accept",
    "bind::jr:preload", "instance::foo",
])
def test_it_rejects_unsupported_columns_that_change_behaviour(column):
    errors = errors_of([["type", "name", "label", column], ["text", "a", "A"], ["text", "b", "B", "x"]])
    assert where(errors) == [("survey", 3, column)]
    assert "is not supported" in errors[0].message


def test_it_rejects_an_unknown_choice_list_and_media_in_choices():
    errors = errors_of([["type", "name", "label"], ["select_one nope", "a", "A"], ["select_one yn", "b", "B"]],
                       [["list_name", "name", "label", "image"], ["yn", "yes", "Sì", "yes.png"], ["yn", "no", "No"]])
    assert where(errors) == [("survey", 2, "type"), ("choices", 2, "image")]
    assert "“nope”" in errors[0].message


def test_it_rejects_duplicate_invalid_and_missing_names():
    errors = errors_of([
        ["type", "name", "label"],
        ["text", "a", "A"],
        ["text", "a", "A again"],
        ["begin group", "a", "Group"], ["text", "età", "Età"], ["text", "1st", "First"], ["text", "", "No name"],
        ["end group"],
    ])
    assert where(errors) == [("survey", r, "name") for r in (3, 4, 5, 6, 7)]
    assert "“a” is already used in row 2" in errors[0].message
    assert "“età” is not a valid name" in errors[2].message
    assert "no name" in errors[4].message


def test_it_rejects_the_reserved_names_pyxform_knows_about():
    errors = errors_of([["type", "name", "label"], ["text", "meta", "Meta"]])
    assert where(errors) == [("survey", 2, "name")]
    assert "reserved" in errors[0].message


@pytest.mark.parametrize(("column", "expr", "message"), [
    ("relevant", "${a} = 'x' and", "unexpected end of the expression"),
    ("relevant", "(${a} = 'x'))", "unexpected “)” at position 13"),
    ("relevant", "pulldata('x', 'y', 'z', 'w')", "unknown function “pulldata”"),
    ("relevant", "${nope} = 1", "unknown field ${nope}"),
    ("relevant", "a = 'x'", "“a” is not a question: write ${a}"),
    ("relevant", "${grp} = 1", "${grp} is a group, not a question"),
    ("relevant", "${b} != ''", "refers to its own question ${b}"),
    ("constraint", ". > ", "unexpected end of the expression"),
    ("constraint", "jr:choice-name(., '${a}')", "unknown function “jr:choice-name”"),
    ("calculation", "${a} +", "unexpected end of the expression"),
    ("calculation", ". + 1", "cannot be used in a calculation"),
])
def test_it_rejects_broken_expressions_naming_the_row_and_column(column, expr, message):
    calc = column == "calculation"
    survey = [
        ["type", "name", "label", column],
        ["text", "a", "A"],
        ["begin group", "grp", "G"],
        ["calculate" if calc else "integer", "b", "" if calc else "B", expr],
        ["end group"],
    ]
    errors = errors_of(survey)
    assert where(errors) == [("survey", 4, column)]
    assert message in errors[0].message


def test_it_checks_choice_filters_against_the_list_columns():
    choices = [["list_name", "name", "label", "country"], ["city", "rome", "Roma", "it"]]
    survey = [["type", "name", "label", "choice_filter"], ["text", "country", "Paese"],
              ["select_one city", "city", "Città", "region = ${country}"],
              ["select_one city", "city2", "Città", "country = ${nation}"],
              ["select_one city", "city3", "Città", "name != 'rome' and country = ${country}"],
              ["text", "t", "T", "country = 'it'"]]
    errors = errors_of(survey, choices)
    assert where(errors) == [("survey", 3, "choice_filter"), ("survey", 4, "choice_filter"),
                             ("survey", 6, "choice_filter")]
    assert "the list “city” has no column “region”" in errors[0].message
    assert "unknown field ${nation}" in errors[1].message
    assert "Only select questions may have a choice filter" in errors[2].message


def test_it_rejects_a_group_relevant_that_depends_on_its_own_questions():
    errors = errors_of([["type", "name", "label", "relevant"], ["begin group", "g", "G", "${a} = 'x'"],
                        ["text", "a", "A"], ["end group"]])
    assert where(errors)[0] == ("survey", 2, "relevant")
    assert "inside the group" in errors[0].message


def test_it_rejects_calculations_that_depend_on_each_other():
    errors = errors_of([["type", "name", "label", "calculation"], ["calculate", "x", "", "${y} + 1"],
                        ["calculate", "y", "", "${x} + 1"], ["calculate", "z", "", "${y} * 2"]])
    assert where(errors) == [("survey", 2, "calculation")]
    assert "${x} → ${y} → ${x}" in errors[0].message


def test_it_rejects_labels_missing_in_the_default_language():
    errors = errors_of([["type", "name", "label::Italiano (it)", "label::English (en)"],
                        ["text", "a", "", "Only English"], ["note", "n", "", ""], ["calculate", "c", "", ""],
                        ["select_one yn", "s", "S", "S"]],
                       [["list_name", "name", "label::Italiano (it)", "label::English (en)"],
                        ["yn", "yes", "Sì", "Yes"], ["yn", "no", "", "No"]],
                       [["form_id", "default_language"], ["f", "it"]])
    assert where(errors) == [("survey", 2, "label::Italiano (it)"), ("survey", 3, "label::Italiano (it)"),
                             ("survey", 4, "calculation"), ("choices", 3, "label::Italiano (it)")]
    assert "no label in the default language (it)" in errors[0].message


def test_it_rejects_a_language_without_a_code_and_columns_repeated_for_a_language():
    errors = errors_of([["type", "name", "label::English", "label", "label::Italiano (it)"], ["text", "a", "A", "A", "A"]])
    assert where(errors) == [("survey", 1, "label::English"), ("survey", 1, "label::Italiano (it)")]
    assert "“English (en)”" in errors[0].message
    assert "repeats the column “label”" in errors[1].message


def test_it_rejects_unbalanced_and_empty_groups():
    errors = errors_of([["type", "name", "label"], ["end group"], ["begin group", "empty", "E"], ["end group"],
                        ["begin group", "open", "O"], ["text", "a", "A"]])
    assert where(errors) == [("survey", 2, "type"), ("survey", 3, "type"), ("survey", 5, "type")]
    assert "without a matching “begin group”" in errors[0].message
    assert "no questions" in errors[1].message
    assert "“open” is never closed" in errors[2].message


def test_it_rejects_a_missing_or_invalid_form_id():
    errors = errors_of([["type", "name", "label"], ["text", "a", "A"]], settings=[["form_title"], ["No id"]])
    assert where(errors) == [("settings", 2, "form_id")]
    errors = errors_of([["type", "name", "label"], ["text", "a", "A"]], settings=None)
    assert where(errors) == [("settings", None, "form_id")]
    errors = errors_of([["type", "name", "label"], ["text", "a", "A"]], settings=[["form_id"], ["bad id"]])
    assert where(errors) == [("settings", 2, "form_id")]


def test_it_rejects_required_expressions_and_bad_yes_no_values():
    errors = errors_of([["type", "name", "label", "required", "report"], ["text", "a", "A", "${b} = 'x'"],
                        ["text", "b", "B", "", "maybe"]])
    assert where(errors) == [("survey", 2, "required"), ("survey", 3, "report")]
    assert "Expressions in “required” are not supported" in errors[0].message


def test_it_rejects_calculation_mistakes_and_invalid_defaults():
    errors = errors_of([
        ["type", "name", "label", "calculation", "default"],
        ["calculate", "c", "", ""],
        ["text", "t", "T", "1 + 1"],
        ["integer", "i", "I", "", "1.5"],
        ["date", "d", "D", "", "2026-02-30"],
        ["select_one yn", "s", "S", "", "maybe"],
        ["select_multiple yn", "m", "M", "", "yes no"],
        ["text", "x", "X", "", "${t}"],
        ["note", "n", "N", "", "hello"],
    ], YN)
    assert where(errors) == [("survey", 2, "calculation"), ("survey", 3, "calculation"), ("survey", 4, "default"),
                             ("survey", 5, "default"), ("survey", 6, "default"), ("survey", 8, "default"),
                             ("survey", 9, "default")]


def test_it_rejects_answers_inside_texts():
    errors = errors_of([["type", "name", "label", "hint::English (en)"], ["text", "a", "A"],
                        ["text", "b", "Hai detto ${a}", "You said ${a}"]])
    assert where(errors) == [("survey", 3, "label"), ("survey", 3, "hint::English (en)")]


def test_it_rejects_choice_problems():
    errors = errors_of([["type", "name", "label"], ["select_multiple l", "m", "M"]],
                       [["list_name", "name", "label"], ["l", "a b", "AB"], ["l", "c", "C"], ["l", "c", "C2"],
                        ["", "d", "D"], ["l", "", "E"]])
    assert where(errors) == [("choices", 2, "name"), ("choices", 4, "name"), ("choices", 5, "list_name"),
                             ("choices", 6, "name")]
    assert "cannot contain spaces" in errors[0].message
    assert "already in the list “l” (row 3)" in errors[1].message


def test_it_rejects_unsupported_sheets_and_missing_survey_columns():
    errors = errors_of([["type", "name", "label"], ["text", "a", "A"]],
                       extra_sheets={"entities": [["list_name", "label"], ["people", "x"]]})
    assert where(errors) == [("entities", None, "")]
    errors = errors_of([["kind", "name", "label"], ["text", "a", "A"]])
    assert where(errors) == [("survey", 1, "")]


def test_it_rejects_files_that_are_not_xlsx_workbooks():
    with pytest.raises(XLSFormError, match=r"\.xlsx"):
        parse_xlsform(b"whatever", "form.xls")
    with pytest.raises(XLSFormError, match="not a readable .xlsx workbook"):
        parse_xlsform(b"not a zip", "form.xlsx")


def test_it_rejects_a_workbook_without_a_survey_sheet():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "domande"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(XLSFormError) as info:
        parse_xlsform(out.getvalue(), "form.xlsx")
    assert ("survey", None, "") in where(info.value.errors)


def test_it_collects_every_problem_and_lists_them_all_in_the_message():
    with pytest.raises(XLSFormError) as info:
        parse([["type", "name", "label", "relevant"], ["geopoint", "where", "Where"], ["text", "a", "A", "${zz} > 1"],
               ["select_one missing", "s", "S"]], settings=[["form_title"], ["No id"]])
    assert where(info.value.errors) == [("survey", 2, "type"), ("survey", 3, "relevant"), ("survey", 4, "type"),
                                        ("settings", 2, "form_id")]
    text = str(info.value)
    assert text.count("\n") == 3
    assert "survey, row 3, column “relevant”: unknown field ${zz}" in text
    assert str(FormError("survey", None, "", "No questions.")) == "survey: No questions."
    assert str(FormError("", None, "", "Broken.")) == "Broken."


def test_it_rejects_group_columns_that_only_questions_may_have():
    errors = errors_of([["type", "name", "label", "required", "constraint", "appearance"],
                        ["begin group", "g", "G", "yes", ". > 1"], ["text", "a", "A", "", "", "search('people')"],
                        ["end group"]])
    assert where(errors) == [("survey", 2, "required"), ("survey", 2, "constraint"), ("survey", 3, "appearance")]


def test_it_rejects_a_default_language_without_a_code_and_a_choices_sheet_without_names():
    errors = errors_of([["type", "name", "label"], ["select_one yn", "a", "A"]],
                       [["list_name", "label"], ["yn", "Sì"]], [["form_id", "default_language"], ["f", "Italiano"]])
    assert where(errors) == [("survey", 2, "type"), ("choices", 1, ""), ("settings", 2, "default_language")]


def test_it_rejects_sheets_with_too_many_rows(monkeypatch):
    from pua.assessments import xlsform

    monkeypatch.setattr(xlsform, "MAX_ROWS", 3)
    errors = errors_of([["type", "name", "label"], *[["text", f"q{i}", "Q"] for i in range(5)]])
    assert where(errors) == [("survey", 5, "")]
