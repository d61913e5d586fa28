"""The ILO–EC combination rule for adults, clause by clause and at every
boundary, read from the shipped rule set; the rule set is data (a changed
copy changes the result); loading rule sets; the screening form's rows."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError

from pua.assessments import engine, scoring
from pua.assessments.instruments import exploitation_screening as form
from pua.assessments.instruments.build import build_workbook
from pua.assessments.models import Instrument, InstrumentVersion, Purpose, RuleSet
from pua.assessments.rules import RULES_DIR, load_rule_sets, read_rule_file, rule_data_errors
from pua.assessments.xlsform import parse_xlsform

RULES = read_rule_file(RULES_DIR / "exploitation_adult_2009.json")

PRESUMED = "presumed_trafficking_victim"
EXPLOITATION = "exploitation_without_trafficking_indicators"
NOTHING = "no_exploitation_indicators"


def yes(*codes: str) -> dict:
    """Answers with ``codes`` (DR-01 style) answered yes."""
    return {code.replace("-", "_"): "yes" for code in codes}


def run(answers: dict, rules: dict = RULES):
    return scoring.exploitation_adult(rules, answers)


def positive(dimension: str, *codes: str) -> bool:
    _, data, _ = run(yes(*codes))
    return data["dimensions"][dimension]["positive"]


# --- the shipped rule set ---------------------------------------------------------------

def test_it_ships_a_valid_rule_set_with_the_67_indicators_of_the_specification():
    assert rule_data_errors(RULES) == []
    by_dimension = {}
    for indicator in RULES["indicators"]:
        by_dimension.setdefault(indicator["dimension"], []).append(indicator["strength"])
    assert {d: len(s) for d, s in by_dimension.items()} == {"D1": 10, "D2": 10, "D3": 16, "D4": 9, "D5": 15, "D6": 7}
    assert "S" not in by_dimension["D3"] and "S" not in by_dimension["D6"]
    strengths = {i["code"]: i["strength"] for i in RULES["indicators"]}
    assert [strengths[c] for c in ("DR-01", "CR-01", "EX-01", "CD-01", "CD-02", "CD-03", "CD-04")] == ["S"] * 7
    assert [strengths[c] for c in ("DR-10", "RV-13", "RV-14", "RV-15", "RV-16", "EX-09", "CD-15", "VD-06", "VD-07")] \
        == ["W"] * 9
    assert all(i["label"]["it"] and i["label"]["en"] for i in RULES["indicators"])


def test_it_reports_what_is_wrong_in_a_broken_rule_set():
    broken = copy.deepcopy(RULES)
    broken["indicators"][0]["strength"] = "X"
    broken["indicators"][1]["dimension"] = "D9"
    broken["dimension_rule"]["minimum_combinations"].append({"Q": 1})
    broken["next_steps"]["unknown_outcome"] = []
    errors = " | ".join(rule_data_errors(broken))
    assert "DR-01: strength must be S, M or W" in errors
    assert "DR-02: unknown dimension 'D9'" in errors
    assert "invalid minimum combination" in errors
    assert "next_steps for unknown outcome 'unknown_outcome'" in errors


def test_it_proposes_next_steps_with_catalogue_services_for_every_outcome():
    steps = RULES["next_steps"]
    assert {s["service_code"] for s in steps[PRESUMED]} >= {"F2.3.a", "F2.4.g"}
    assert any("800 290 290" in s["description"]["it"] for s in steps[PRESUMED])
    assert any("18-ter" in s["description"]["en"] for s in steps[PRESUMED])
    assert {s["service_code"] for s in steps[EXPLOITATION]} >= {"F2.4.a", "F2.4.g"}
    assert {s["service_code"] for s in steps["art603bis_index_present"]} == {"F2.4.g", None}
    assert set(steps) == {PRESUMED, EXPLOITATION, NOTHING, "art603bis_index_present"}


# --- rule 1: when a dimension is positive ------------------------------------------------

@pytest.mark.parametrize(("dimension", "codes"), [
    ("D5", ("CD-01", "CD-02")),                 # two strong
    ("D5", ("CD-01", "CD-05")),                 # one strong + one medium
    ("D5", ("CD-01", "CD-15")),                 # one strong + one weak
    ("D5", ("CD-05", "CD-06", "CD-07")),        # three medium
    ("D5", ("CD-05", "CD-06", "CD-15")),        # two medium + one weak
    ("D1", ("DR-01", "DR-10")),                 # one strong + one weak, in another dimension
    ("D3", ("RV-01", "RV-02", "RV-13")),        # two medium + one weak where there is no strong indicator
    ("D6", ("VD-01", "VD-02", "VD-03")),        # three medium
])
def test_it_makes_a_dimension_positive_exactly_at_each_listed_combination(dimension, codes):
    assert positive(dimension, *codes)


@pytest.mark.parametrize(("dimension", "codes"), [
    ("D5", ()),                                 # nothing
    ("D5", ("CD-01",)),                         # a single strong alone is not enough
    ("D1", ("DR-01",)),
    ("D4", ("EX-01",)),
    ("D5", ("CD-05", "CD-06")),                 # two medium: one short of three medium / of two medium + one weak
    ("D5", ("CD-05", "CD-15")),                 # one medium + one weak
    ("D3", ("RV-01", "RV-13", "RV-14")),        # one medium + two weak is not listed
    ("D3", ("RV-13", "RV-14", "RV-15", "RV-16")),   # weak indicators alone never are
    ("D6", ("VD-06", "VD-07")),
])
def test_it_keeps_a_dimension_negative_just_below_the_combinations(dimension, codes):
    assert not positive(dimension, *codes)


def test_it_counts_supersets_of_a_combination_as_positive():
    assert positive("D5", "CD-01", "CD-02", "CD-03", "CD-04", "CD-05")
    assert positive("D4", "EX-01", "EX-02", "EX-09")


def test_it_counts_only_yes_answers():
    answers = {"CD_01": "yes", "CD_02": "unknown", "CD_03": "no", "CD_04": "", "CD_05": "Yes", "CD_06": None}
    _, data, explanation = run(answers)
    assert data["dimensions"]["D5"] == {"S": 1, "M": 0, "W": 0, "positive": False, "found": ["CD-01"]}
    assert [i["code"] for i in explanation[4]["found"]] == ["CD-01"]


def test_it_explains_each_dimension_with_the_indicators_found_and_the_combination_met():
    _, _, explanation = run(yes("CD-01", "CD-15", "DR-01"))
    assert [e["dimension"] for e in explanation] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    d5 = explanation[4]
    assert d5["positive"] and d5["counts"] == {"S": 1, "M": 0, "W": 1}
    assert d5["met_combination"] == [{"strength": "S", "count": 1}, {"strength": "W", "count": 1}]
    assert d5["found"][0] == {"code": "CD-01", "strength": "S", "strength_label": {"it": "forte", "en": "strong"},
                              "label": {"it": "Sequestro dei documenti", "en": "Confiscation of documents"}}
    d1 = explanation[0]
    assert not d1["positive"] and d1["met_combination"] == [] and d1["counts"]["S"] == 1
    assert d1["required"][0] == [{"strength": "S", "count": 2}]
    assert d1["label"]["en"] == "Deceptive recruitment (including transfer and transport)"


# --- rules 2 and 3: the outcome ----------------------------------------------------------

EXPLOITED = ("EX-01", "EX-04")          # D4 positive (one strong + one medium)
COERCED = ("CD-01", "CD-14")            # D5 positive
VULNERABLE = ("VD-01", "VD-03", "VD-04")    # D6 positive


@pytest.mark.parametrize("recruitment", [
    ("DR-01", "DR-08"),                 # D1
    ("CR-01", "CR-03"),                 # D2
    ("RV-02", "RV-04", "RV-06"),        # D3
], ids=["D1", "D2", "D3"])
@pytest.mark.parametrize("destination", [COERCED, VULNERABLE], ids=["D5", "D6"])
def test_it_presumes_a_trafficking_victim_when_recruitment_exploitation_and_coercion_hold(recruitment, destination):
    outcome, data, _ = run(yes(*recruitment, *EXPLOITED, *destination))
    assert outcome == PRESUMED
    check = data["outcome_checks"][0]
    assert check["outcome"] == PRESUMED and check["holds"] is True
    assert [g["any_of"] for g in check["groups"]] == [["D1", "D2", "D3"], ["D4"], ["D5", "D6"]]
    assert len(check["groups"][0]["positive"]) == 1 and check["groups"][1]["positive"] == ["D4"]
    assert check["groups"][2]["positive"] == ["D5" if destination == COERCED else "D6"]


@pytest.mark.parametrize(("codes", "expected"), [
    ((*EXPLOITED, *COERCED), EXPLOITATION),                          # no recruitment dimension
    (("DR-01", "DR-08", *EXPLOITED), EXPLOITATION),                  # no destination dimension
    (("DR-01", "DR-08", "EX-01", *COERCED), NOTHING),                # D4 one short (a single strong)
    (("DR-01", "DR-08", "EX-02", "EX-03", *COERCED), NOTHING),       # D4 one short (two medium)
    (EXPLOITED, EXPLOITATION),                                       # rule 3: D4 alone
    ((), NOTHING),
    (("DR-01", "CD-01"), NOTHING),                                   # strong indicators, no positive dimension
])
def test_it_falls_back_to_the_triage_outcomes_when_rule_2_fails(codes, expected):
    outcome, data, _ = run(yes(*codes))
    assert outcome == expected
    assert data["outcome_checks"][0]["holds"] is False


def test_it_ignores_unknown_and_no_answers_for_the_outcome():
    answers = dict.fromkeys((i["field"] for i in RULES["indicators"]), "unknown")
    answers.update({"EX_01": "no", "EX_02": "no"})
    assert run(answers)[0] == NOTHING


# --- art. 603-bis: independent of the ILO–EC outcome -------------------------------------

def test_it_lists_art603bis_indices_and_aggravating_circumstances_independently():
    outcome, data, _ = run({"IT_1": "yes", "IT_3": "yes", "IT_2": "unknown", "AG_2": "yes", "AG_1": "no"})
    assert outcome == NOTHING
    assert data["art603bis_index_present"] is True
    assert data["art603bis_indices"] == ["IT-1", "IT-3"] and data["aggravating"] == ["AG-2"]

    outcome, data, _ = run(yes("DR-01", "DR-08", *EXPLOITED, *COERCED))
    assert outcome == PRESUMED
    assert data["art603bis_index_present"] is False and data["art603bis_indices"] == [] and data["aggravating"] == []


def test_it_needs_an_index_not_only_an_aggravating_circumstance():
    _, data, _ = run({"AG_1": "yes", "AG_3": "yes", "IT_4": "unknown"})
    assert data["art603bis_index_present"] is False and data["aggravating"] == ["AG-1", "AG-3"]


# --- the rule is data ---------------------------------------------------------------------

def test_it_reads_the_thresholds_from_the_rule_set():
    lenient = copy.deepcopy(RULES)
    lenient["dimension_rule"]["minimum_combinations"].append({"S": 1})
    assert not positive("D4", "EX-01")
    assert run(yes("EX-01"), lenient)[1]["dimensions"]["D4"]["positive"]

    stricter = copy.deepcopy(RULES)
    stricter["dimension_rule"]["minimum_combinations"] = [{"S": 2}]
    assert run(yes("CD-01", "CD-05"), stricter)[1]["dimensions"]["D5"]["positive"] is False


def test_it_reads_the_strengths_and_the_outcome_rules_from_the_rule_set():
    edited = copy.deepcopy(RULES)
    for indicator in edited["indicators"]:
        if indicator["code"] in ("RV-13", "RV-14"):
            indicator["strength"] = "M"           # the secondary source's reading
    assert not positive("D3", "RV-01", "RV-13", "RV-14")
    assert run(yes("RV-01", "RV-13", "RV-14"), edited)[1]["dimensions"]["D3"]["positive"]

    edited["outcome_rules"][0]["all_of"] = edited["outcome_rules"][0]["all_of"][1:]    # no recruitment condition
    assert run(yes(*EXPLOITED, *COERCED), edited)[0] == PRESUMED


# --- score(): the registry and the rule set versions ---------------------------------------

def _version(definition):
    instrument = Instrument.objects.create(code=f"screening-{Instrument.objects.count()}", title="Screening",
                                           purpose=Purpose.EXPLOITATION_SCREENING)
    return InstrumentVersion.objects.create(instrument=instrument, number=1, source_name="s.xlsx", source=b"",
                                            definition=definition)


SCORED = {"scoring": "exploitation_adult", "rule_set": "exploitation-adult", "pages": [], "choices": {}}


@pytest.mark.django_db
def test_it_loads_the_shipped_rule_sets_once():
    load_rule_sets()
    assert load_rule_sets() == []
    stored = RuleSet.objects.get(code="exploitation-adult", version=RULES["version"])
    assert stored.data == RULES and stored.valid_from == datetime.date(2009, 3, 1)


@pytest.mark.django_db
def test_it_scores_with_the_latest_rule_set_or_the_one_given():
    load_rule_sets()
    version = _version(SCORED)
    answers = yes("EX-01")
    shipped = RuleSet.objects.get(code="exploitation-adult", version=RULES["version"])
    result = scoring.score(version, answers)
    assert result.outcome == NOTHING and result.rule_set == shipped
    assert result.data["rule_set"] == {"code": "exploitation-adult", "version": RULES["version"]}

    lenient = copy.deepcopy(RULES)
    lenient["version"] = "test-lenient"
    lenient["dimension_rule"]["minimum_combinations"].append({"S": 1})
    newer = RuleSet.objects.create(code="exploitation-adult", version="test-lenient", title="t", data=lenient,
                                   valid_from=datetime.date(2020, 1, 1))
    RuleSet.objects.create(code="exploitation-adult", version="future", title="t", data=lenient,
                           valid_from=datetime.date.today() + datetime.timedelta(days=30))
    result = scoring.score(version, answers)
    assert result.outcome == EXPLOITATION and result.rule_set == newer
    assert scoring.score(version, answers, rule_set=shipped).outcome == NOTHING
    stored = result.as_json()
    assert stored["outcome"] == EXPLOITATION and stored["rule_set"]["version"] == "test-lenient"
    assert stored["explanation"][3]["positive"] is True


@pytest.mark.django_db
def test_it_returns_nothing_for_an_instrument_without_scoring():
    assert scoring.score(_version({"scoring": "", "pages": []}), {"DR_01": "yes"}) is None


@pytest.mark.django_db
def test_it_refuses_an_unknown_method_or_missing_rules():
    with pytest.raises(ValidationError, match="does not exist"):
        scoring.score(_version({**SCORED, "scoring": "no_such_method"}), {})
    with pytest.raises(ValidationError, match="not loaded"):
        scoring.score(_version({**SCORED, "rule_set": "no-such-rules"}), {})
    assert "exploitation_adult" in scoring.registered_methods()


@pytest.mark.django_db
def test_it_registers_methods_by_name():
    @scoring.register("test_count_yes")
    def count_yes(rules, answers):
        found = sorted(k for k, v in answers.items() if v == "yes")
        return ("many" if len(found) > 1 else "few"), {"found": found}, []

    try:
        RuleSet.objects.create(code="any", version="1", title="t", data={}, valid_from=datetime.date(2020, 1, 1))
        result = scoring.score(_version({"scoring": "test_count_yes", "rule_set": "any"}), {"a": "yes", "b": "yes"})
        assert result.outcome == "many" and result.data["found"] == ["a", "b"]
    finally:
        scoring._METHODS.pop("test_count_yes")


# --- the screening form's rows --------------------------------------------------------------

def test_it_asks_every_indicator_and_index_of_the_rule_set_with_report_and_follow_ups():
    rows = form.survey_rows()
    by_name = {row["name"]: row for row in rows}
    fields = [i["field"] for i in RULES["indicators"]]
    fields += [i["field"] for key in ("indices", "aggravating") for i in RULES["art603bis"][key]]
    assert len(fields) == 74
    for field in fields:
        row = by_name[field]
        assert row["type"] == "select_one yes_no_unknown" and row["report"] == "yes" and row["required"] == "yes"
        assert row["label::Italiano (it)"] and row["label::English (en)"]
    for field in fields[:67]:
        assert by_name[f"{field}_note"]["relevant"] == f"${{{field}}} = 'yes'"
        assert by_name[f"{field}_source"]["relevant"] == f"${{{field}}} = 'yes'"
        assert "required" not in by_name[f"{field}_note"]
    pages = [row["name"] for row in rows if row["type"] == "begin group"]
    assert pages == ["context", "D1", "D2", "D3", "D4", "D5", "D6", "art603bis"]
    assert by_name["coworkers"]["type"] == "integer" and by_name["coworkers"]["constraint"] == ". >= 0"
    assert by_name["sector"]["type"] == "select_one ateco_sections"


def test_it_offers_the_ateco_sections_and_declares_the_scoring():
    choices = form.choices_rows()
    sections = [c["name"] for c in choices if c["list_name"] == "ateco_sections"]
    assert sections == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert all(c["label::Italiano (it)"] and c["label::English (en)"] for c in choices)
    assert {c["name"] for c in choices if c["list_name"] == "yes_no_unknown"} == {"yes", "no", "unknown"}
    settings = form.settings_row()
    assert settings["scoring"] == "exploitation_adult" and settings["rule_set"] == "exploitation-adult"
    assert settings["form_id"] == "exploitation_screening" and settings["default_language"] == "it"


def _parsed_form() -> dict:
    return parse_xlsform(build_workbook(form), "exploitation_screening.xlsx")


def _complete_answers(**yes_answers) -> dict:
    answers = {"sector": "A", "sector_division": "01", "municipality": "Latina", "coworkers": "12",
               "info_source": "person documents"}
    answers.update({i["field"]: "no" for i in RULES["indicators"]})
    answers.update({i["field"]: "unknown" for key in ("indices", "aggravating") for i in RULES["art603bis"][key]})
    answers.update(yes_answers)
    return answers


@pytest.mark.django_db
def test_it_scores_the_parsed_screening_form_end_to_end():
    load_rule_sets()
    definition = _parsed_form()
    assert definition["scoring"] == "exploitation_adult" and definition["rule_set"] == "exploitation-adult"
    assert definition["languages"] == ["it", "en"] and definition["title"]["en"].startswith("Labour-exploitation")
    assert [p["name"] for p in definition["pages"]] == ["context", "D1", "D2", "D3", "D4", "D5", "D6", "art603bis"]
    reported = {f["name"] for p in definition["pages"] for f in p["fields"] if f["report"]}
    assert {i["field"] for i in RULES["indicators"]} <= reported

    answers = _complete_answers(DR_01="yes", DR_01_note="Promised a job in a restaurant", DR_01_source="person",
                                DR_03="yes", EX_01="yes", EX_08="yes", CD_01="yes", CD_03="yes", IT_1="yes")
    assert engine.validate_all(definition, answers, "it") == {}
    result = scoring.score(_version(definition), engine.computed(definition, answers))
    assert result.outcome == PRESUMED and result.data["art603bis_indices"] == ["IT-1"]


@pytest.mark.django_db
def test_it_asks_the_screening_questions_with_their_constraints():
    definition = _parsed_form()
    answers = _complete_answers(sector_division="1A", coworkers="-1")
    del answers["EX_05"]
    errors = engine.validate_all(definition, answers, "en")
    assert errors["sector_division"] == "Write two digits, for example 01."
    assert errors["coworkers"] == "Write a number of 0 or more."
    assert errors["EX_05"] == "Answer Yes, No or Don't know."
    visible = {f["name"] for _, f in engine.visible_fields(definition, {**answers, "DR_02": "yes"})}
    assert {"DR_02_note", "DR_02_source"} <= visible and "DR_01_note" not in visible

