"""Small builders for XLSForm rows written as Python data.

Every instrument module returns its sheets as lists of dicts keyed by the
XLSForm column names (``type``, ``name``, ``label::Italiano (it)``...), the
shape ``build.py`` writes and ``pua.assessments.xlsform`` reads back. Texts
are given as ``{language_code: text}``; Italian is the forms' default
language, English is always present.
"""

from __future__ import annotations

# Column headers per language: "<column>::<name in the language> (<ISO 639-1 code>)".
LANGUAGE_NAMES = {
    "it": "Italiano",
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "ro": "Română",
}


def t(it: str, en: str, **others: str) -> dict[str, str]:
    """A text in Italian and English (and any other language, by code)."""
    return {"it": it, "en": en, **others}


def columns(column: str, text: dict[str, str] | None) -> dict[str, str]:
    """``{"label::Italiano (it)": ..., "label::English (en)": ...}`` for ``text``."""
    if not text:
        return {}
    return {f"{column}::{LANGUAGE_NAMES[code]} ({code})": value for code, value in text.items()}


def field(type_: str, name: str, label: dict[str, str] | None = None, *, hint=None, required: bool = False,
          required_message=None, relevant: str = "", constraint: str = "", constraint_message=None,
          calculation: str = "", choice_filter: str = "", appearance: str = "", default: str = "",
          report: bool = False) -> dict[str, str]:
    """One survey row. Empty columns are left out, so every instrument's
    sheet only has the columns it uses."""
    row = {"type": type_, "name": name}
    row.update(columns("label", label))
    row.update(columns("hint", hint))
    if required:
        row["required"] = "yes"
        row.update(columns("required_message", required_message))
    optional = {"relevant": relevant, "constraint": constraint, "calculation": calculation,
                "choice_filter": choice_filter, "appearance": appearance, "default": default}
    row.update({key: value for key, value in optional.items() if value})
    if constraint:
        row.update(columns("constraint_message", constraint_message))
    if report:
        row["report"] = "yes"
    return row


def begin_group(name: str, label: dict[str, str], *, relevant: str = "", appearance: str = "") -> dict[str, str]:
    return field("begin_group", name, label, relevant=relevant, appearance=appearance)


def end_group(name: str) -> dict[str, str]:
    return {"type": "end_group", "name": name}


def note(name: str, label: dict[str, str], *, relevant: str = "") -> dict[str, str]:
    return field("note", name, label, relevant=relevant)


def choice(list_name: str, name: str, label: dict[str, str], **extra: str) -> dict[str, str]:
    """One choices row; ``extra`` columns are available to ``choice_filter``."""
    return {"list_name": list_name, "name": name, **columns("label", label), **extra}


def choice_list(list_name: str, items: list[tuple[str, dict[str, str]]]) -> list[dict[str, str]]:
    return [choice(list_name, name, label) for name, label in items]


def settings(form_id: str, version: str, title: dict[str, str], **extra: str) -> dict[str, str]:
    """The settings sheet's single row: ``form_title`` in the default language
    (Italian), the other languages in ``form_title::...`` columns."""
    translated = {code: text for code, text in title.items() if code != "it"}
    row = {"form_id": form_id, "version": version, "form_title": title["it"], **columns("form_title", translated),
           "default_language": "it"}
    row.update({key: value for key, value in extra.items() if value})
    return row


# For a select_multiple that offers ``none``: it cannot be chosen with other answers.
NONE_ALONE = {
    "constraint": "not(selected(., 'none') and count-selected(.) > 1)",
    "constraint_message": t("“Nessuno” non può essere scelto insieme ad altre risposte.",
                            "“None” cannot be chosen together with other answers."),
}
