import datetime
import math

import pytest
from django.utils import timezone, translation

from pua.assessments import xpath
from pua.assessments.xpath import ExpressionError, evaluate, references

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


def ev(expr, answers=None, **kwargs):
    kwargs.setdefault("today", TODAY)
    return evaluate(expr, answers or {}, **kwargs)


@pytest.mark.parametrize(("expr", "expected"), [
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("10 - 4 - 3", 3.0),
    ("2 * 3 div 4", 1.5),
    ("7 mod 3", 1.0),
    ("-7 mod 3", -1.0),
    ("- 2 + 5", 3.0),
    ("--2", 2.0),
    ("1 div 0", math.inf),
    ("-1 div 0", -math.inf),
    ("1 < 2 = true()", True),
    ("1 = 1 and 2 = 3 or 4 = 4", True),
    ("1 = 1 and (2 = 3 or 4 = 5)", False),
    ("3 > 2 > 1", False),  # (3 > 2) > 1 -> true > 1 -> 1 > 1
    ("1 + 1 = 2", True),
    ("2 >= 2 and 2 <= 2 and 1 != 2", True),
    (".5 + 0.5", 1.0),
    ("'a' = \"a\"", True),
])
def test_it_respects_precedence_and_arithmetic(expr, expected):
    assert ev(expr) == expected


def test_it_evaluates_mod_by_zero_and_zero_div_zero_as_nan():
    assert math.isnan(ev("5 mod 0"))
    assert math.isnan(ev("0 div 0"))


def test_it_reads_answers_and_treats_missing_ones_as_empty():
    answers = {"age": "20", "name": "Ada", "empty": ""}
    assert ev("${age} + 1", answers) == 21.0
    assert ev("${name}", answers) == "Ada"
    assert ev("${missing}", answers) == ""
    assert ev("${missing} = ''", answers) is True
    assert ev("${empty} = ''", answers) is True
    assert ev("${age} > 18", answers) is True


def test_it_compares_like_odk():
    # A number on either side: both compared as numbers.
    assert ev("${a} = 5", {"a": "5.0"}) is True
    assert ev("${a} = '5'", {"a": 5.0}) is True
    # Two strings: compared as text.
    assert ev("${a} = '5'", {"a": "5.0"}) is False
    # Empty answers are NaN in arithmetic and numeric comparisons, so false both ways.
    assert ev("${a} > 3", {"a": ""}) is False
    assert ev("${a} <= 3", {"a": ""}) is False
    assert ev("${a} != 3", {"a": ""}) is True
    assert math.isnan(ev("${a} + 1", {"a": ""}))
    # Non-numeric text is NaN too.
    assert ev("'abc' < 5", {}) is False
    # Booleans win over everything in = and !=.
    assert ev("${a} = true()", {"a": "x"}) is True
    assert ev("${a} = true()", {"a": ""}) is False
    # Relational comparisons of text are numeric.
    assert ev("'10' > '9'") is True


def test_it_compares_iso_dates_and_today():
    answers = {"arrival": "2026-01-10", "typed": datetime.date(2026, 1, 10)}
    assert ev("${arrival} < today()", answers) is True
    assert ev("${arrival} > '2025-12-31'", answers) is True
    assert ev("${arrival} > '2026-02-01'", answers) is False
    assert ev("${typed} = '2026-01-10'", answers) is True
    assert ev("${typed} = ${arrival}", answers) is True
    assert ev("today() = '2026-11-22'") is True
    assert ev("today() - ${arrival}", answers) == (TODAY - datetime.date(2026, 1, 10)).days
    assert ev("date(today() + 1)") == datetime.date(2026, 11, 23)
    assert ev("date('not a date')") == ""
    assert ev("${typed} = 'not a date'", answers) is False
    assert xpath.to_string(ev("today()")) == "2026-11-22"


def test_it_uses_the_local_date_when_today_is_not_given():
    assert evaluate("today()", {}) == timezone.localdate()


def test_it_evaluates_select_functions():
    answers = {"multi": "a b  c", "one": "b"}
    assert ev("selected(${multi}, 'a')", answers) is True
    assert ev("selected(${multi}, 'd')", answers) is False
    assert ev("selected(${multi}, 'a b')", answers) is False
    assert ev("selected(${one}, 'b')", answers) is True
    assert ev("selected(${none}, 'b')", answers) is False
    assert ev("count-selected(${multi})", answers) == 3.0
    assert ev("count-selected(${none})", answers) == 0.0
    assert ev("selected-at(${multi}, 1)", answers) == "b"
    assert ev("selected-at(${multi}, 5)", answers) == ""


def test_it_evaluates_text_functions():
    answers = {"name": "Maria Rossi", "code": "AB123"}
    assert ev("string-length(${name})", answers) == 11.0
    assert ev("string-length(.)", answers, current="abc") == 3.0
    assert ev("string-length()", answers, current="abcd") == 4.0
    assert ev("concat('a', 1, '-', ${code})", answers) == "a1-AB123"
    assert ev("concat()", answers) == ""
    assert ev("contains(${name}, 'Ross')", answers) is True
    assert ev("starts-with(${name}, 'Mar')", answers) is True
    assert ev("ends-with(${name}, 'ssi')", answers) is True
    assert ev("substr(${code}, 0, 2)", answers) == "AB"
    assert ev("substr(${code}, 2)", answers) == "123"
    assert ev("regex(${code}, '^[A-Z]{2}[0-9]+$')", answers) is True
    assert ev("regex(., '^[0-9]{5}$')", current="1234") is False
    assert ev("regex('x', ${code})", answers) is False  # a pattern from an answer is just text
    assert ev("regex('a', ${bad})", {"bad": "("}) is False


def test_it_evaluates_logic_functions():
    assert ev("if(${a} = '', 'empty', concat('was ', ${a}))", {"a": ""}) == "empty"
    assert ev("if(${a} = '', 'empty', concat('was ', ${a}))", {"a": "x"}) == "was x"
    assert ev("coalesce(${a}, 'fallback')", {"a": ""}) == "fallback"
    assert ev("coalesce(${a}, 'fallback')", {"a": "set"}) == "set"
    assert ev("not(${a} = 'x')", {"a": "x"}) is False
    assert ev("true() and not(false())") is True
    assert ev("boolean('')") is False
    assert ev("boolean('false')") is True  # any non-empty text is true, as in XPath
    assert ev("boolean(0)") is False
    assert ev("string(3)") == "3"


def test_it_evaluates_number_functions():
    assert ev("number('3.5')") == 3.5
    assert math.isnan(ev("number('3,5')"))
    assert math.isnan(ev("number('1e5')"))  # no scientific notation in XPath
    assert ev("int(3.7)") == 3.0
    assert ev("int(-3.7)") == -3.0
    assert ev("round(2.5)") == 3.0
    assert ev("round(-2.5)") == -3.0
    assert ev("round(3.14159, 2)") == 3.14
    assert ev("floor(-1.5)") == -2.0
    assert ev("ceiling(1.2)") == 2.0
    assert ev("abs(-4)") == 4.0
    assert ev("min(3, 1, 2)") == 1.0
    assert ev("max(3, ${a}, 2)", {"a": "9"}) == 9.0
    assert math.isnan(ev("max(3, ${a})", {"a": ""}))
    assert math.isnan(ev("int(${a})", {"a": ""}))


def test_it_reads_the_current_value_and_choice_columns():
    assert ev(". >= 18 and . < 120", current=20.0) is True
    assert ev(". >= 18", current="") is False
    assert ev("country = ${country}", {"country": "it"}, names={"country": "it"}) is True
    assert ev("country = ${country}", {"country": "fr"}, names={"country": "it"}) is False
    assert ev("name != 'other'", names={"name": "other"}) is False


def test_it_treats_and_or_div_mod_as_names_where_an_operand_is_expected():
    assert ev("mod = 'x'", names={"mod": "x"}) is True
    assert ev("div div 2", names={"div": "8"}) == 4.0


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (0.5, "0.5"), (math.nan, ""), (math.inf, ""), (True, "true"), (False, "false"),
    (datetime.date(2026, 1, 2), "2026-01-02"), ("x", "x"), (None, ""), (7, "7"), (0.1 + 0.2, "0.3"),
])
def test_it_converts_values_to_strings_for_storage(value, text):
    assert xpath.to_string(value) == text


@pytest.mark.parametrize(("expr", "message"), [
    ("(1 + )", "unexpected “)” at position 6"),
    ("1 +", "unexpected end of the expression"),
    ("pulldata('a', 'b', 'c', 'd')", "unknown function “pulldata”"),
    ("jr:choice-name(${a}, '${a}')", "unknown function “jr:choice-name”"),
    ("once(today())", "unknown function “once”"),
    ("if(1, 2)", "function “if” takes 3 argument(s), not 2"),
    ("today(1)", "function “today” takes 0 argument(s), not 1"),
    ("concat('a'", "unexpected end of the expression"),
    ("'unterminated", "unterminated text starting at position 1"),
    ("${a", "“${” without a closing “}” at position 1"),
    ("${1abc} = 1", "invalid field name “${1abc}” at position 1"),
    ("${} = 1", "invalid field name “${}” at position 1"),
    ("/data/age > 3", "paths are not supported"),
    ("../age", "paths are not supported"),
    ("${a}[1]", "paths are not supported"),
    ("", "the expression is empty"),
    ("   ", "the expression is empty"),
    ("1 2", "unexpected “2” at position 3"),
    ("* 2", "unexpected “*” at position 1"),
    ("1 # 2", "unexpected “#” at position 3"),
    ("regex(., '(')", "invalid regular expression"),
    ("a:b = 1", "unknown name “a:b”"),
    ("1 | 2", "unexpected “|” at position 3"),
])
def test_it_rejects_broken_or_unsupported_expressions_with_a_clear_message(expr, message):
    with pytest.raises(ExpressionError) as info:
        xpath.parse(expr)
    assert message in str(info.value)


def test_it_rejects_very_long_or_deeply_nested_expressions():
    with pytest.raises(ExpressionError, match="longer than"):
        xpath.parse("1 + " * 6000 + "1")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        xpath.parse("(" * 101 + "1" + ")" * 101)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        xpath.parse("(" * 600 + "1" + ")" * 600)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        xpath.parse("1 + (" * 101 + "1" + ")" * 101)


def test_it_evaluates_long_chains_without_recursing():
    answers = {f"q{i}": "1" for i in range(400)}
    total = " + ".join(f"${{q{i}}}" for i in range(400))
    assert ev(total, answers) == 400.0
    assert references(total) == set(answers)
    anyone = " or ".join(f"${{q{i}}} = '2'" for i in range(300)) + " or ${q399} = '1'"
    assert ev(anyone, answers) is True
    assert ev("10 - 3 - 2 = 5 and 2 * 3 div 4 - 1 = 0.5", answers) is True
    assert ev("(1 + 2) * (3 + 4) - -1", answers) == 22.0


def test_it_lists_the_fields_and_columns_an_expression_reads():
    expr = "selected(${multi}, 'a') and ${age} > 18 or country = ${ country }"
    assert references(expr) == {"multi", "age", "country"}
    assert xpath.column_references(expr) == {"country"}
    assert references(xpath.parse("1 + 1")) == set()
    assert xpath.uses_current(". > 3") is True
    assert xpath.uses_current("${a} > 3") is False
    with pytest.raises(ExpressionError, match="unknown function"):
        references("foo(${a})")


def test_it_parses_once_and_reuses_the_node():
    node = xpath.parse("${a} + 1")
    assert xpath.parse("${a} + 1") is node
    assert xpath.parse(node) is node
    assert evaluate(node, {"a": "2"}) == 3.0
    assert xpath.evaluate_bool(node, {"a": "2"}) is True
    assert xpath.evaluate_bool("${a} + 1", {"a": "-1"}) is False
