"""Forms of filling in, and what the field partial ``assessments/response_field.html`` renders.

The questions of a page are not a Django form: the definition decides them
at run time. ``page_answers`` reads a posted page, ``field_context`` turns
one field of the definition into what the partial needs (labels in the
chosen language, choices after ``choice_filter``, ids for ``aria-describedby``).
``field_context(..., readonly=True)`` renders a disabled preview of the field.
"""

from __future__ import annotations

import re

from django import forms
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from . import engine
from .services import ANSWER_TYPES, page_fields

# select_one with more options than this, or with appearance "minimal", is a drop-down.
RADIO_LIMIT = 12
SHOWN_KEY = "_shown"
_OUTPUT = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")


def page_answers(definition: dict, page: int, post) -> dict[str, object]:
    """The posted answers of the questions that were on the page (listed in
    ``_shown``): an unticked checkbox list posts nothing and means "no answer"."""
    shown = set(post.getlist(SHOWN_KEY))
    answers: dict[str, object] = {}
    for field in page_fields(definition, page):
        name = field["name"]
        if name not in shown or field.get("type") not in ANSWER_TYPES:
            continue
        if field["type"] == "select_multiple":
            answers[name] = post.getlist(name)
        else:
            answers[name] = post.get(name, "")
    return answers


def working_answers(stored: dict, posted: dict) -> dict[str, str]:
    """Stored answers with the posted ones over them, as strings, to decide
    relevance and re-render the page even when the draft could not be saved."""
    answers = dict(stored or {})
    for name, value in posted.items():
        value = " ".join(value) if isinstance(value, (list, tuple)) else str(value or "").strip()
        if value:
            answers[name] = value
        else:
            answers.pop(name, None)
    return answers


def _label(labels, definition: dict, language: str) -> str:
    if not labels:
        return ""
    return engine.label(labels, language, definition.get("default_language") or language)


def _with_outputs(text: str, answers: dict) -> str:
    """ODK shows ``${name}`` in a label as the answer to ``name``."""
    return _OUTPUT.sub(lambda m: str(answers.get(m.group(1), "")), text) if text else text


def field_context(definition: dict, field: dict, answers: dict, language: str, *,
                  error: str = "", readonly: bool = False) -> dict:
    name = field["name"]
    kind = field.get("type")
    value = str(answers.get(name, "") or "")
    dom_id = f"q-{name}"
    item = {
        "name": name, "type": kind, "id": dom_id, "value": value, "readonly": readonly,
        "label": _with_outputs(_label(field.get("label"), definition, language), answers) or name,
        "hint": _with_outputs(_label(field.get("hint"), definition, language), answers),
        "required": bool(field.get("required")), "error": error,
        "hint_id": f"{dom_id}-hint", "error_id": f"{dom_id}-error",
        "choices": [], "selected": set(value.split()),
    }
    appearance = (field.get("appearance") or "").lower()
    if kind in ("select_one", "select_multiple"):
        item["choices"] = list(engine.choices_for(definition, field, answers, language))
        if kind == "select_multiple":
            item["widget"] = "checkbox"
        elif "minimal" in appearance or len(item["choices"]) > RADIO_LIMIT:
            item["widget"] = "select"
        else:
            item["widget"] = "radio"
    elif kind == "note":
        item["widget"] = "note"
    elif kind == "text" and "multiline" in appearance:
        item["widget"] = "textarea"
    elif kind == "date":
        item["widget"] = "date"
    else:
        item["widget"] = "text"
    # Where an error summary's link puts the focus: the first option of a group.
    item["focus_id"] = f"{dom_id}-1" if item["widget"] in ("radio", "checkbox") and item["choices"] else dom_id
    item["inputmode"] = {"integer": "numeric", "decimal": "decimal"}.get(kind, "")
    item["describedby"] = " ".join(i for i, present in ((item["hint_id"], item["hint"]), (item["error_id"], error))
                                   if present)
    return item


def page_items(definition: dict, page: int, answers: dict, language: str, errors: dict | None = None) -> list[dict]:
    """The visible questions and notes of ``page``, ready for the partial."""
    errors = errors or {}
    shown = {f["name"] for index, f in engine.visible_fields(definition, answers) if index == page}
    outputs = engine.computed(definition, answers)
    return [
        field_context(definition, field, {**outputs, **answers}, language, error=errors.get(field["name"], ""))
        for field in page_fields(definition, page)
        if field["name"] in shown and field.get("type") != "calculate"
    ]


def language_options(definition: dict, current: str, spoken: set[str] | frozenset = frozenset()) -> list[dict]:
    """The form's languages for the switcher, named in themselves."""
    options = []
    for code in definition.get("languages") or []:
        info = LANG_INFO.get(code, {})
        options.append({"code": code, "name": info.get("name_local") or code.upper(),
                        "bidi": bool(info.get("bidi")), "current": code == current, "spoken": code in spoken})
    return options


class StartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the response amended?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The original stays as it was; the amendment, once submitted, becomes the current response."),
    )
