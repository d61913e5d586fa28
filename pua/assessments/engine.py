"""Filling in a parsed form: relevance, calculations, validation, choices.

Every function takes the definition made by ``pua.assessments.xlsform``
and the answers as stored (``{field_name: str}``, select_multiple as
space-separated choice names, dates ``YYYY-MM-DD``), so the HTML renderer,
the API and submission all apply the same rules.

Answers are resolved like ODK does: a question is relevant when its page,
its nested groups and its own ``relevant`` are true; a question that is not
relevant counts as empty in every expression; ``calculate`` questions are
evaluated in form order, and the whole pass is repeated until nothing
changes (at most ``MAX_PASSES`` times), so forward references settle too.
Integer, decimal and date answers reach expressions typed (numbers, dates),
as in JavaRosa, so ``${a} = ${b}`` compares 5 and 5.0 as equal.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from . import xpath

__all__ = [
    "label", "visible_fields", "page_is_relevant", "validate_page", "validate_all", "computed", "choices_for",
    "initial_answers", "all_fields", "field_by_name",
]

MAX_PASSES = 20
INTEGER_LIMIT = 2**31 - 1  # ODK integers are 32-bit
_INTEGER_RE = re.compile(r"-?\d+\Z")
_DECIMAL_RE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_NO_VALUE = ("note",)


def label(obj_labels, language: str, default_language: str) -> str:
    """The text in ``language``, else in the default language, else in any."""
    if not obj_labels:
        return ""
    if isinstance(obj_labels, str):
        return obj_labels
    for code in (language, default_language):
        if obj_labels.get(code):
            return obj_labels[code]
    return next((text for text in obj_labels.values() if text), "")


def all_fields(definition: dict) -> list[tuple[int, dict]]:
    """Every field of the form, in form order, with its page index."""
    return [(index, f) for index, page in enumerate(definition.get("pages", [])) for f in page.get("fields", [])]


def field_by_name(definition: dict, name: str) -> dict | None:
    return next((f for _index, f in all_fields(definition) if f["name"] == name), None)


def initial_answers(definition: dict) -> dict:
    """The answers a new response starts with: the form's static defaults."""
    return {f["name"]: f["default"] for _index, f in all_fields(definition)
            if f.get("default") and f["type"] not in ("note", "calculate")}


# -- resolution --------------------------------------------------------------


def _typed(field_type: str, value: str):
    """The value an expression sees: numbers and dates typed, the rest text."""
    if value == "":
        return ""
    if field_type in ("integer", "decimal"):
        return float(value) if _DECIMAL_RE.match(value.strip()) else value
    if field_type == "date":
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


@dataclass
class _Resolved:
    values: dict[str, str]  # stored form: answers of relevant questions and calculations
    typed: dict[str, object]
    relevant: dict[str, bool]  # field name -> visible (page, groups and own relevance)
    pages: list[bool]  # page relevance (its own ``relevant`` only)


def _stored(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _resolve(definition: dict, answers: dict, today: datetime.date | None = None) -> _Resolved:
    fields = all_fields(definition)
    pages = definition.get("pages", [])
    raw = {f["name"]: _stored(answers.get(f["name"])).strip() for _i, f in fields
           if f["type"] not in _NO_VALUE and f["type"] != "calculate"}
    values = {f["name"]: "" for _i, f in fields if f["type"] not in _NO_VALUE}
    types = {f["name"]: f["type"] for _i, f in fields}
    typed: dict[str, object] = dict.fromkeys(values, "")
    relevant: dict[str, bool] = {}
    page_relevant = [True] * len(pages)

    def check(expr: str, current="") -> bool:
        return not expr or xpath.evaluate_bool(expr, typed, current=current, today=today)

    for _pass in range(MAX_PASSES):
        changed = False
        last_page = -1
        for index, f in fields:
            name = f["name"]
            if index != last_page:
                last_page = index
                page_relevant[index] = check(pages[index].get("relevant", ""))
            visible = (page_relevant[index] and check(f.get("group_relevant", ""))
                       and check(f.get("relevant", ""), typed.get(name, "")))
            relevant[name] = visible
            if f["type"] in _NO_VALUE:
                continue
            if f["type"] == "calculate":
                new = xpath.to_string(xpath.evaluate(f["calculation"], typed, today=today)) if visible else ""
            else:
                new = raw[name] if visible else ""
            if new != values[name]:
                values[name] = new
                typed[name] = _typed(types[name], new)
                changed = True
        if not changed:
            break
    return _Resolved(values, typed, relevant, page_relevant)


def computed(definition: dict, answers: dict, *, today: datetime.date | None = None) -> dict:
    """The answers to keep: calculations filled in, answers of questions
    that are not relevant (or not in the form) dropped, empty ones left out."""
    resolved = _resolve(definition, answers, today)
    return {name: value for name, value in resolved.values.items() if value != ""}


def visible_fields(definition: dict, answers: dict, *, today: datetime.date | None = None) -> list[tuple[int, dict]]:
    """The questions and notes to show, with their page index (calculations
    are never shown)."""
    resolved = _resolve(definition, answers, today)
    return [(index, f) for index, f in all_fields(definition)
            if resolved.relevant.get(f["name"]) and f["type"] != "calculate"]


def page_is_relevant(definition: dict, page_index: int, answers: dict, *, today: datetime.date | None = None) -> bool:
    """Whether the page is to be shown: its ``relevant`` holds and at least
    one of its questions or notes is visible."""
    return any(index == page_index for index, _f in visible_fields(definition, answers, today=today))


# -- validation --------------------------------------------------------------


def _message(messages: dict, language: str, default_language: str, fallback: str) -> str:
    return label(messages, language, default_language) or fallback


def _type_error(f: dict, value: str, choices: list[tuple[str, str]] | None) -> str | None:
    field_type = f["type"]
    if field_type == "integer":
        if not _INTEGER_RE.match(value) or abs(int(value)) > INTEGER_LIMIT:
            return _("Enter a whole number.")
    elif field_type == "decimal":
        if not _DECIMAL_RE.match(value):
            return _("Enter a number (use a dot for decimals).")
    elif field_type == "date":
        try:
            if not _DATE_RE.match(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            return _("Enter a valid date (YYYY-MM-DD).")
    elif field_type in ("select_one", "select_multiple") and choices is not None:
        known = {name for name, _label in choices}
        chosen = value.split() if field_type == "select_multiple" else [value]
        if field_type == "select_one" and len(value.split()) != 1:
            return _("Choose one of the options.")
        if not all(c in known for c in chosen):
            return _("Choose among the options shown.")
    return None


def _validate(definition: dict, answers: dict, language: str, page_index: int | None,
              today: datetime.date | None) -> dict[str, str]:
    resolved = _resolve(definition, answers, today)
    default_language = definition.get("default_language", "it")
    errors: dict[str, str] = {}
    with translation.override(language):
        for index, f in all_fields(definition):
            if page_index is not None and index != page_index:
                continue
            if f["type"] in ("note", "calculate") or not resolved.relevant.get(f["name"]):
                continue
            value = resolved.values.get(f["name"], "")
            if value == "":
                if f.get("required"):
                    errors[f["name"]] = _message(f.get("required_message"), language, default_language,
                                                 _("This answer is required."))
                continue
            choices = None
            if f["type"] in ("select_one", "select_multiple"):
                choices = _choices(definition, f, resolved, language, today)
            problem = _type_error(f, value, choices)
            if problem:
                errors[f["name"]] = problem
                continue
            constraint = f.get("constraint")
            if constraint and not xpath.evaluate_bool(constraint, resolved.typed, current=resolved.typed[f["name"]],
                                                      today=today):
                errors[f["name"]] = _message(f.get("constraint_message"), language, default_language,
                                             _("This answer is not valid."))
    return errors


def validate_page(definition: dict, page_index: int, answers: dict, language: str, *,
                  today: datetime.date | None = None) -> dict[str, str]:
    """Errors of the visible questions of one page: ``{field_name: message}``."""
    return _validate(definition, answers, language, page_index, today)


def validate_all(definition: dict, answers: dict, language: str, *,
                 today: datetime.date | None = None) -> dict[str, str]:
    """Errors of every visible question of the form: ``{field_name: message}``."""
    return _validate(definition, answers, language, None, today)


# -- choices -----------------------------------------------------------------


def _choices(definition: dict, f: dict, resolved: _Resolved, language: str,
             today: datetime.date | None) -> list[tuple[str, str]]:
    default_language = definition.get("default_language", "it")
    items = definition.get("choices", {}).get(f.get("choices") or "", [])
    expr = f.get("choice_filter")
    out = []
    for item in items:
        if expr:
            names = {**item.get("extra", {}), "name": item["name"],
                     "label": label(item.get("label"), default_language, default_language)}
            if not xpath.evaluate_bool(expr, resolved.typed, names=names, today=today):
                continue
        out.append((item["name"], label(item.get("label"), language, default_language)))
    return out


def choices_for(definition: dict, field: dict | str, answers: dict, language: str, *,
                today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The ``(name, label)`` options of a select question, after its
    ``choice_filter``: bare names in the filter are the choice's columns
    (``country=${country}`` keeps the choices whose ``country`` column
    equals the answer to ``country``)."""
    if isinstance(field, str):
        field = field_by_name(definition, field) or {"name": field, "choices": None}
    resolved = _resolve(definition, answers, today) if field.get("choice_filter") else None
    if resolved is None:
        resolved = _Resolved({}, {}, {}, [])
    return _choices(definition, field, resolved, language, today)
