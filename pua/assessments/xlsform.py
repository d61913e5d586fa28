"""Reading an XLSForm workbook into the definition PUA stores and renders.

``parse_xlsform(file_bytes, filename)`` reads the ``survey``, ``choices``
and ``settings`` sheets with openpyxl and returns the definition described
in ``pua.assessments.models.InstrumentVersion.definition``::

    {"form_id", "version", "title": {lang: str}, "default_language", "languages",
     "scoring", "rule_set", "pages": [{"name", "label", "relevant", "fields": [FIELD...]}],
     "choices": {list_name: [{"name", "label": {lang: str}, "extra": {column: str}}]}}

Every top-level group is a page; runs of top-level questions outside groups
form pages of their own (named ``_page_<n>``). Questions in groups nested
inside a page carry the innermost group's name (``group``, ``group_label``)
and the nested groups' ``relevant`` expressions and-ed (``group_relevant``).

Only what our engine implements is accepted (see ``QUESTION_TYPES``): the
parser collects EVERY problem it finds - unsupported types and columns,
unknown choice lists, bad or duplicate names, broken expressions,
references to unknown ``${fields}``, labels missing in the default
language, unbalanced groups, a missing ``form_id``... - and raises
``XLSFormError`` listing them with the sheet, the spreadsheet row and the
column. When our own checks pass, pyxform converts the form too, so that
whatever the XLSForm standard forbids and we did not check is still caught.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import xpath

__all__ = ["FormError", "XLSFormError", "parse_xlsform", "QUESTION_TYPES"]

QUESTION_TYPES = ("text", "integer", "decimal", "date", "select_one", "select_multiple", "note", "calculate")
EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "choice_filter")
MAX_ROWS = 5000
MAX_FILE_SIZE = 10 * 1024 * 1024

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_LANG_CODE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?\Z")
_LANG_SUFFIX_RE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)\s*\Z")
_YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0", ""}

# Survey columns: alias -> our name. Translatable ones may carry "::Language (xx)".
_SURVEY_COLUMNS = {
    "type": "type", "name": "name", "label": "label", "caption": "label", "hint": "hint",
    "guidance_hint": "guidance_hint", "required": "required", "bind::required": "required",
    "required_message": "required_message", "requiredmsg": "required_message", "bind::jr:requiredmsg": "required_message",
    "relevant": "relevant", "relevance": "relevant", "bind::relevant": "relevant",
    "constraint": "constraint", "bind::constraint": "constraint",
    "constraint_message": "constraint_message", "constraining_message": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "calculation": "calculation", "calculate": "calculation", "bind::calculate": "calculation",
    "choice_filter": "choice_filter", "appearance": "appearance", "control::appearance": "appearance",
    "default": "default", "report": "report",
}
_TRANSLATABLE = {"label", "hint", "guidance_hint", "required_message", "constraint_message", "form_title"}
# Columns that change how a form behaves in ODK and that we do not implement.
_UNSUPPORTED_COLUMNS = {
    "read_only", "readonly", "bind::readonly", "repeat_count", "count", "jr:count", "control::jr:count", "trigger",
    "parameters", "image", "big-image", "audio", "video", "autoplay", "save_to", "bind::entities:saveto", "body",
    "noapperrorstring", "no_app_error_string", "intent", "body::intent", "compact_tag", "choice_filter_external",
}
_UNSUPPORTED_PREFIXES = ("media::", "bind::", "body::", "control::", "instance::", "sms_")
_IGNORED_SURVEY = {"guidance_hint", "rows", "control::rows", "note", "notes", "comment", "comments"}

_CHOICES_COLUMNS = {"list_name": "list_name", "list name": "list_name", "name": "name", "value": "name",
                    "label": "label", "caption": "label"}
_CHOICES_UNSUPPORTED = {"image", "big-image", "audio", "video"}

_SETTINGS_COLUMNS = {"form_title": "form_title", "set_form_title": "form_title", "title": "form_title",
                     "form_id": "form_id", "set_form_id": "form_id", "id_string": "form_id", "version": "version",
                     "default_language": "default_language", "scoring": "scoring", "rule_set": "rule_set",
                     "allow_choice_duplicates": "allow_choice_duplicates"}

_UNSUPPORTED_TYPES = {
    "geopoint", "geotrace", "geoshape", "start-geopoint", "image", "photo", "audio", "background-audio", "video",
    "file", "barcode", "range", "rank", "trigger", "acknowledge", "time", "datetime", "start", "end", "today",
    "deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username", "email", "audit", "hidden",
    "xml-external", "csv-external", "select_one_from_file", "select_multiple_from_file", "select_one_external",
    "osm", "uri:subscriberid", "uri:phonenumber", "uri:simserial", "uri:deviceid", "uri:email", "uri:username",
}
_SIMPLE_TYPES = {"text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal",
                 "date": "date", "note": "note", "calculate": "calculate"}
_SELECT_ONE_RE = re.compile(r"(select_one|select one|select1|select one from)\s+(\S+)(\s+or_other)?\Z", re.I)
_SELECT_MULTIPLE_RE = re.compile(
    r"(select_multiple|select all that apply|select all that apply from|select multiple)\s+(\S+)(\s+or_other)?\Z", re.I)
_FROM_FILE_RE = re.compile(r"(select_one_from_file|select_multiple_from_file|select one from file|"
                           r"select multiple from file|select_one_external|rank)\b", re.I)
_INTEGER_RE = re.compile(r"-?\d+\Z")
_DECIMAL_RE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class FormError:
    """One problem of an uploaded form: ``row`` is the spreadsheet row
    number (None for the whole sheet), ``column`` the header as written."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = [self.sheet] if self.sheet else []
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class XLSFormError(ValueError):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self):
        return "\n".join(str(e) for e in self.errors)


# -- reading the workbook --------------------------------------------------


@dataclass
class _Column:
    header: str  # as written, for messages
    key: str  # our canonical column name, or the lowercased header
    lang: str | None = None  # the "Language (xx)" part of translatable columns


@dataclass
class _Sheet:
    title: str
    columns: dict[int, _Column] = field(default_factory=dict)
    rows: list[tuple[int, dict[int, str]]] = field(default_factory=list)

    def column_named(self, key: str) -> _Column | None:
        return next((c for c in self.columns.values() if c.key == key and c.lang is None), None)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def _read_workbook(file_bytes: bytes, errors: list[FormError]) -> dict[str, _Sheet]:
    import openpyxl  # imported here: only uploads need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        errors.append(FormError("", None, "", _("The file is not a readable .xlsx workbook (%(error)s).")
                                % {"error": e.__class__.__name__}))
        return {}
    sheets: dict[str, _Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            key = worksheet.title.strip().lower()
            sheet = _Sheet(worksheet.title)
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = {i: _cell_text(v) for i, v in enumerate(values)}
                if number == 1:
                    sheet.columns = {i: _Column(text, text.strip().lower()) for i, text in cells.items() if text}
                    continue
                cells = {i: v for i, v in cells.items() if v and i in sheet.columns}
                if not cells:
                    continue
                if len(sheet.rows) >= MAX_ROWS:
                    errors.append(FormError(worksheet.title, number, "",
                                            _("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS}))
                    break
                sheet.rows.append((number, cells))
            sheets.setdefault(key, sheet)
    finally:
        workbook.close()
    return sheets


# -- languages -------------------------------------------------------------


def _language_code(spec: str) -> str | None:
    spec = spec.strip()
    m = _LANG_SUFFIX_RE.search(spec)
    if m:
        return m.group(1).lower()
    if _LANG_CODE_RE.match(spec):
        return spec.lower()
    return None


def _classify_columns(sheet: _Sheet, known: dict[str, str], default_language: str, errors: list[FormError]):
    """Maps headers to our column names and "Language (xx)" suffixes to codes."""
    seen: dict[tuple[str, str | None], str] = {}
    for column in sheet.columns.values():
        header = column.header.strip()
        lowered = header.lower()
        base, lang = lowered, None
        if "::" in header and not lowered.startswith(_UNSUPPORTED_PREFIXES):
            base_part, lang_part = header.split("::", 1)
            if known.get(base_part.strip().lower()) in _TRANSLATABLE:
                base = base_part.strip().lower()
                lang = _language_code(lang_part) if lang_part.strip().lower() != "default" else default_language
                if lang is None:
                    errors.append(FormError(sheet.title, 1, header, _(
                        "The language “%(language)s” has no code: write it as “Name (code)”, e.g. “English (en)”.")
                        % {"language": lang_part.strip()}))
                    lang = "?"
        column.key = known.get(base, base) if lang is None else known[base]
        if column.key in _TRANSLATABLE:
            column.lang = lang or default_language
        key = (column.key, column.lang)
        if key in seen and column.key in known.values():
            errors.append(FormError(sheet.title, 1, header, _("This column repeats the column “%(other)s”.")
                                    % {"other": seen[key]}))
        seen.setdefault(key, header)


def _translations(sheet: _Sheet, cells: dict[int, str], key: str, languages: list[str]) -> dict[str, str]:
    out = {}
    for i, column in sheet.columns.items():
        if column.key == key and column.lang and cells.get(i):
            out[column.lang] = cells[i]
            if column.lang not in languages and column.lang != "?":
                languages.append(column.lang)
    return out


def _plain(sheet: _Sheet, cells: dict[int, str], key: str) -> str:
    for i, column in sheet.columns.items():
        if column.key == key and column.lang is None:
            return cells.get(i, "")
    return ""


def _header(sheet: _Sheet, key: str, lang: str | None = None) -> str:
    for column in sheet.columns.values():
        if column.key == key and (lang is None or column.lang == lang):
            return column.header
    return key


# -- the parser ------------------------------------------------------------


class _FormParser:
    def __init__(self, sheets: dict[str, _Sheet], errors: list[FormError]):
        self.sheets = sheets
        self.errors = errors
        self.languages: list[str] = []
        self.default_language = "it"

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.errors.append(FormError(sheet, row, column, message))

    # settings ------------------------------------------------------------

    def settings(self) -> dict:
        sheet = self.sheets.get("settings")
        out = {"form_id": "", "version": "", "title": {}, "scoring": "", "rule_set": "", "allow_duplicates": False}
        if sheet is None:
            self.error("settings", None, "form_id", _("The “settings” sheet with a “form_id” is missing."))
            self.languages.append(self.default_language)
            return out
        for column in sheet.columns.values():
            column.key = _SETTINGS_COLUMNS.get(column.key, column.key)
        cells = sheet.rows[0][1] if sheet.rows else {}
        row = sheet.rows[0][0] if sheet.rows else 2
        raw_default = _plain(sheet, cells, "default_language")
        if raw_default:
            code = _language_code(raw_default)
            if code is None:
                self.error(sheet.title, row, _header(sheet, "default_language"), _(
                    "Write the default language as a code (“it”) or as “Name (code)”, e.g. “Italiano (it)”."))
            else:
                self.default_language = code
        _classify_columns(sheet, _SETTINGS_COLUMNS, self.default_language, self.errors)
        self.languages.append(self.default_language)
        out["form_id"] = _plain(sheet, cells, "form_id")
        if not out["form_id"]:
            self.error(sheet.title, row, _header(sheet, "form_id"), _("The form has no “form_id”."))
        elif not _NAME_RE.match(out["form_id"]):
            self.error(sheet.title, row, _header(sheet, "form_id"), _invalid_name(out["form_id"]))
        out["version"] = _plain(sheet, cells, "version")
        out["title"] = _translations(sheet, cells, "form_title", self.languages)
        out["scoring"] = _plain(sheet, cells, "scoring")
        out["rule_set"] = _plain(sheet, cells, "rule_set")
        allow = _plain(sheet, cells, "allow_choice_duplicates").lower()
        out["allow_duplicates"] = allow in _YES
        return out

    # choices -------------------------------------------------------------

    def choices(self, allow_duplicates: bool) -> tuple[dict[str, list], dict[str, set[str]]]:
        """Returns the lists and each list's column names (for choice_filter)."""
        sheet = self.sheets.get("choices")
        lists: dict[str, list] = {}
        columns: dict[str, set[str]] = {}
        rows: dict[str, dict] = {}
        if sheet is None:
            return lists, columns
        _classify_columns(sheet, _CHOICES_COLUMNS, self.default_language, self.errors)
        for required in ("list_name", "name"):
            if sheet.column_named(required) is None:
                self.error(sheet.title, 1, "", _("The “choices” sheet has no “%(column)s” column.") % {"column": required})
                return lists, columns
        for i, column in sheet.columns.items():
            if column.key in _CHOICES_UNSUPPORTED or column.key.startswith("media::"):
                for number, cells in sheet.rows:
                    if cells.get(i):
                        self.error(sheet.title, number, column.header, _("Media in choices are not supported."))
        extra_columns = {i: c for i, c in sheet.columns.items()
                         if c.key not in ("list_name", "name", "label") and c.lang is None
                         and c.key not in _CHOICES_UNSUPPORTED and not c.key.startswith("media::")}
        for number, cells in sheet.rows:
            list_name = _plain(sheet, cells, "list_name")
            name = _plain(sheet, cells, "name")
            if not list_name:
                self.error(sheet.title, number, _header(sheet, "list_name"), _("The choice has no list name."))
                continue
            if not name:
                self.error(sheet.title, number, _header(sheet, "name"), _("The choice has no name."))
                continue
            label = _translations(sheet, cells, "label", self.languages)
            if not label.get(self.default_language):
                self.error(sheet.title, number, _header(sheet, "label", self.default_language),
                           _("The choice has no label in the default language (%(language)s).")
                           % {"language": self.default_language})
            items = lists.setdefault(list_name, [])
            list_rows = rows.setdefault(list_name, {})
            if name in list_rows and not allow_duplicates:
                self.error(sheet.title, number, _header(sheet, "name"),
                           _("The choice “%(name)s” is already in the list “%(list)s” (row %(row)d).")
                           % {"name": name, "list": list_name, "row": list_rows[name]})
                continue
            list_rows.setdefault(name, number)
            extra = {c.header.strip(): cells[i] for i, c in extra_columns.items() if cells.get(i)}
            columns.setdefault(list_name, {"name", "label"}).update(c.header.strip() for c in extra_columns.values())
            items.append({"name": name, "label": label, "extra": extra})
        return lists, columns

    # survey --------------------------------------------------------------

    def survey(self, lists: dict, list_columns: dict) -> list[dict]:
        sheet = self.sheets.get("survey")
        if sheet is None:
            self.error("survey", None, "", _("The workbook has no “survey” sheet."))
            return []
        _classify_columns(sheet, _SURVEY_COLUMNS, self.default_language, self.errors)
        if sheet.column_named("type") is None or sheet.column_named("name") is None:
            self.error(sheet.title, 1, "", _("The “survey” sheet needs the columns “type” and “name”."))
            return []
        self._unsupported_columns(sheet)

        pages: list[dict] = []
        stack: list[dict] = []  # open groups: {"name", "label", "relevant", "row", "page", "fields"}
        loose_page: dict | None = None
        names: dict[str, tuple[int, str]] = {}  # name -> (row, "field" | "group")
        groups: list[dict] = []

        for number, cells in sheet.rows:
            raw_type = _plain(sheet, cells, "type")
            type_text = " ".join(raw_type.split())
            kind = type_text.lower()
            name = _plain(sheet, cells, "name")
            type_header = _header(sheet, "type")
            if not type_text:
                self.error(sheet.title, number, type_header, _("This row has no type."))
                continue
            if kind in ("end group", "end_group"):
                if not stack:
                    self.error(sheet.title, number, type_header, _("“end group” without a matching “begin group”."))
                else:
                    group = stack.pop()
                    groups.append(group)
                    if not stack and not group["fields"]:
                        self.error(sheet.title, group["row"], type_header, _("The group has no questions."))
                continue
            if kind in ("begin group", "begin_group"):
                self._check_name(sheet, number, name, "group", names)
                group = {"name": name, "row": number, "fields": [],
                         "label": _translations(sheet, cells, "label", self.languages),
                         "relevant": _plain(sheet, cells, "relevant")}
                self._unsupported_group_columns(sheet, number, cells)
                if not stack:
                    page = {"name": name, "label": group["label"], "relevant": group["relevant"], "fields": [],
                            "row": number}
                    pages.append(page)
                    group["page"] = page
                    loose_page = None
                else:
                    group["page"] = stack[-1]["page"]
                stack.append(group)
                continue
            field_type, list_name = self._question_type(sheet, number, type_text)
            if field_type is None:
                continue
            self._check_name(sheet, number, name, "field", names)
            f = self._field(sheet, number, cells, field_type, list_name, lists)
            if stack:
                nested = stack[1:]
                if nested:
                    f["group"] = nested[-1]["name"]
                    f["group_label"] = nested[-1]["label"]
                    f["group_relevant"] = " and ".join(f"({g['relevant']})" for g in nested if g["relevant"])
                for group in stack:
                    group["fields"].append(f)
                stack[0]["page"]["fields"].append(f)
            else:
                if loose_page is None:
                    loose_page = {"name": f"_page_{len(pages)}", "label": {}, "relevant": "", "fields": [],
                                  "row": number}
                    pages.append(loose_page)
                loose_page["fields"].append(f)
        groups.extend(stack)
        for group in stack:
            self.error(sheet.title, group["row"], _header(sheet, "type"),
                       _("The group “%(name)s” is never closed with “end group”.") % {"name": group["name"]})
        if not any(page["fields"] for page in pages) and not self.errors:
            self.error(sheet.title, None, "", _("The form has no questions."))
        self._check_expressions(sheet, pages, groups, names, list_columns)
        return pages

    def _unsupported_columns(self, sheet: _Sheet) -> None:
        for i, column in sheet.columns.items():
            key = column.key
            if key in _SURVEY_COLUMNS.values() or key in _IGNORED_SURVEY:
                continue
            if key in _UNSUPPORTED_COLUMNS or key.startswith(_UNSUPPORTED_PREFIXES):
                for number, cells in sheet.rows:
                    if cells.get(i):
                        self.error(sheet.title, number, column.header,
                                   _("The column “%(column)s” is not supported.") % {"column": column.header.strip()})

    def _unsupported_group_columns(self, sheet: _Sheet, number: int, cells: dict[int, str]) -> None:
        for key in ("required", "constraint", "calculation", "choice_filter", "default"):
            value = _plain(sheet, cells, key)
            if value and not (key == "required" and value.lower() in _NO):
                self.error(sheet.title, number, _header(sheet, key),
                           _("A group cannot have “%(column)s”.") % {"column": key})

    def _check_name(self, sheet: _Sheet, number: int, name: str, kind: str, names: dict) -> None:
        header = _header(sheet, "name")
        if not name:
            self.error(sheet.title, number, header, _("This row has no name."))
        elif not _NAME_RE.match(name):
            self.error(sheet.title, number, header, _invalid_name(name))
        elif name in names:
            self.error(sheet.title, number, header, _("The name “%(name)s” is already used in row %(row)d.")
                       % {"name": name, "row": names[name][0]})
        else:
            names[name] = (number, kind)

    def _question_type(self, sheet: _Sheet, number: int, type_text: str) -> tuple[str | None, str | None]:
        header = _header(sheet, "type")
        kind = type_text.lower()
        if kind in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[kind], None
        for regex, field_type in ((_SELECT_ONE_RE, "select_one"), (_SELECT_MULTIPLE_RE, "select_multiple")):
            m = regex.match(type_text)
            if m and not _FROM_FILE_RE.match(type_text):
                if m.group(3):
                    self.error(sheet.title, number, header, _("“or_other” is not supported: add an “other” choice "
                                                              "and a text question shown when it is selected."))
                    return None, None
                return field_type, m.group(2)
        first = kind.split()[0] if kind else ""
        if kind in ("begin repeat", "begin_repeat", "end repeat", "end_repeat", "begin loop", "end loop"):
            message = _("Repeats are not supported.")
        elif first in _UNSUPPORTED_TYPES or _FROM_FILE_RE.match(type_text):
            message = _("The question type “%(type)s” is not supported.") % {"type": type_text.split()[0]}
        else:
            message = _("Unknown question type “%(type)s”.") % {"type": type_text}
        self.error(sheet.title, number, header, message + " " + _(
            "Use text, integer, decimal, date, select_one, select_multiple, note, calculate or groups."))
        return None, None

    def _field(self, sheet: _Sheet, number: int, cells: dict[int, str], field_type: str, list_name: str | None,
               lists: dict) -> dict:
        languages = self.languages
        f = {
            "name": _plain(sheet, cells, "name"), "type": field_type,
            "label": _translations(sheet, cells, "label", languages),
            "hint": _translations(sheet, cells, "hint", languages),
            "required": False,
            "required_message": _translations(sheet, cells, "required_message", languages),
            "relevant": _plain(sheet, cells, "relevant"), "constraint": _plain(sheet, cells, "constraint"),
            "constraint_message": _translations(sheet, cells, "constraint_message", languages),
            "calculation": _plain(sheet, cells, "calculation"), "choices": list_name,
            "choice_filter": _plain(sheet, cells, "choice_filter"), "appearance": _plain(sheet, cells, "appearance"),
            "default": _plain(sheet, cells, "default"), "group": "", "group_label": {}, "group_relevant": "",
            "report": False, "row": number,
        }
        for key in ("label", "hint", "required_message", "constraint_message"):
            for lang, text in f[key].items():
                if "${" in text:
                    self.error(sheet.title, number, _header(sheet, key, lang),
                               _("Answers cannot be shown inside texts (${…}): this is not supported."))
        for key in ("required", "report"):
            value = _plain(sheet, cells, key).strip()
            if value.lower() in _YES:
                f[key] = True
            elif value.lower() not in _NO:
                message = _("Write “yes” or “no”.")
                if key == "required":
                    message += " " + _("Expressions in “required” are not supported.")
                self.error(sheet.title, number, _header(sheet, key), message)
        if field_type == "calculate":
            if not f["calculation"]:
                self.error(sheet.title, number, _header(sheet, "calculation"), _("A calculate row needs a calculation."))
        else:
            if f["calculation"]:
                self.error(sheet.title, number, _header(sheet, "calculation"),
                           _("Only “calculate” rows may have a calculation."))
            if not f["label"].get(self.default_language):
                self.error(sheet.title, number, _header(sheet, "label", self.default_language),
                           _("The question has no label in the default language (%(language)s).")
                           % {"language": self.default_language})
        if f["choice_filter"] and field_type not in ("select_one", "select_multiple"):
            self.error(sheet.title, number, _header(sheet, "choice_filter"),
                       _("Only select questions may have a choice filter."))
        if "search(" in f["appearance"]:
            self.error(sheet.title, number, _header(sheet, "appearance"),
                       _("The “search()” appearance is not supported."))
        if list_name is not None and list_name not in lists:
            self.error(sheet.title, number, _header(sheet, "type"),
                       _("The choice list “%(list)s” is not in the “choices” sheet.") % {"list": list_name})
        if f["default"]:
            self._check_default(sheet, number, f, lists)
        return f

    def _check_default(self, sheet: _Sheet, number: int, f: dict, lists: dict) -> None:
        value = f["default"]
        header = _header(sheet, "default")
        if "${" in value or "(" in value:
            self.error(sheet.title, number, header, _("Calculated defaults are not supported."))
            return
        field_type = f["type"]
        valid = True
        if field_type == "integer":
            valid = bool(_INTEGER_RE.match(value))
        elif field_type == "decimal":
            valid = bool(_DECIMAL_RE.match(value))
        elif field_type == "date":
            valid = bool(_DATE_RE.match(value)) and xpath._parse_date(value) is not None
        elif field_type in ("select_one", "select_multiple") and f["choices"] in lists:
            known = {c["name"] for c in lists[f["choices"]]}
            chosen = value.split() if field_type == "select_multiple" else [value]
            valid = all(c in known for c in chosen)
        elif field_type in ("note", "calculate"):
            self.error(sheet.title, number, header, _("This row cannot have a default."))
            return
        if not valid:
            self.error(sheet.title, number, header, _("The default “%(value)s” is not a valid %(type)s answer.")
                       % {"value": value, "type": field_type})

    # expressions ---------------------------------------------------------

    def _check_expressions(self, sheet: _Sheet, pages: list[dict], groups: list[dict], names: dict,
                           list_columns: dict) -> None:
        for group in groups:
            if group["relevant"]:
                self._check_expression(sheet, group["row"], "relevant", group["relevant"], None, names, None)
                inside = {f["name"] for f in group["fields"]}
                for ref in sorted(_references(group["relevant"]) & inside):
                    self.error(sheet.title, group["row"], _header(sheet, "relevant"),
                               _("the group's relevant refers to ${%(name)s}, a question inside the group")
                               % {"name": ref})
        fields = [f for page in pages for f in page["fields"]]
        for f in fields:
            for key in EXPRESSION_COLUMNS:
                if f[key]:
                    self._check_expression(sheet, f["row"], key, f[key], f, names, list_columns.get(f["choices"]))
        self._check_cycles(sheet, pages)
        # Answers store the chosen names separated by spaces, as ODK does.
        used_lists = {f["choices"] for f in fields if f["choices"]}
        choices_sheet = self.sheets.get("choices")
        if choices_sheet is not None and used_lists:
            for number, cells in choices_sheet.rows:
                if _plain(choices_sheet, cells, "list_name") in used_lists and " " in _plain(
                        choices_sheet, cells, "name"):
                    self.error(choices_sheet.title, number, _header(choices_sheet, "name"),
                               _("Choice names cannot contain spaces."))

    def _check_expression(self, sheet: _Sheet, number: int, key: str, expr: str, f: dict | None, names: dict,
                          columns: set[str] | None) -> None:
        header = _header(sheet, key)
        try:
            node = xpath.parse(expr)
        except xpath.ExpressionError as e:
            self.error(sheet.title, number, header, e.message)
            return
        if key == "calculation" and xpath.uses_current(node):
            self.error(sheet.title, number, header, _("“.” (the answer itself) cannot be used in a calculation"))
        for ref in sorted(xpath.references(node)):
            if ref not in names:
                self.error(sheet.title, number, header, _("unknown field ${%(name)s}") % {"name": ref})
            elif names[ref][1] == "group":
                self.error(sheet.title, number, header, _("${%(name)s} is a group, not a question") % {"name": ref})
            elif f is not None and ref == f["name"] and key in ("relevant", "calculation"):
                self.error(sheet.title, number, header, _("the expression refers to its own question ${%(name)s}")
                           % {"name": ref})
        for column in sorted(xpath.column_references(node)):
            if key == "choice_filter":
                if columns is not None and column not in columns:
                    self.error(sheet.title, number, header,
                               _("the list “%(list)s” has no column “%(column)s”")
                               % {"list": f["choices"] if f else "", "column": column})
            else:
                self.error(sheet.title, number, header,
                           _("“%(name)s” is not a question: write ${%(name)s}") % {"name": column})

    def _check_cycles(self, sheet: _Sheet, pages: list[dict]) -> None:
        """Calculations and relevance must not depend on themselves through
        other questions (ODK rejects such forms as cycles)."""
        depends: dict[str, set[str]] = {}
        rows: dict[str, dict] = {}
        for page in pages:
            for f in page["fields"]:
                refs: set[str] = set()
                for expr in (page["relevant"], f["group_relevant"], f["relevant"], f["calculation"]):
                    refs |= _references(expr)
                depends[f["name"]] = refs
                rows[f["name"]] = f
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset] = set()

        def visit(name: str, path: list[str]) -> None:
            state[name] = 1
            path.append(name)
            for ref in sorted(depends.get(name, ())):
                if ref not in depends or ref == name:
                    continue
                if state.get(ref) == 1:
                    cycle = path[path.index(ref):] + [ref]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        first = rows[ref]
                        column = "calculation" if first["type"] == "calculate" else "relevant"
                        self.error(sheet.title, first["row"], _header(sheet, column),
                                   _("these questions depend on each other in a loop: %(cycle)s")
                                   % {"cycle": " → ".join(f"${{{n}}}" for n in cycle)})
                elif ref not in state:
                    visit(ref, path)
            path.pop()
            state[name] = 2

        for name in depends:
            if name not in state:
                visit(name, [])


def _references(expr: str) -> set[str]:
    try:
        return xpath.references(expr) if expr else set()
    except xpath.ExpressionError:
        return set()


def _invalid_name(name: str) -> str:
    return _("“%(name)s” is not a valid name: use letters without accents, digits, “_”, “-” or “.”, "
             "starting with a letter or “_”.") % {"name": name}


def _pyxform_errors(file_bytes: bytes, title: str) -> list[FormError]:
    """What pyxform (the reference XLSForm converter) objects to. Our
    translated ``form_title::Language (xx)`` columns are an extension pyxform
    does not know: it gets the title in the default language instead."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    warnings: list[str] = []
    try:
        data = get_xlsform(xlsform=file_bytes, file_type=".xlsx")
        settings = []
        for row in data.settings or []:
            row = {k: v for k, v in row.items() if not k.strip().lower().startswith("form_title::")}
            if title and not row.get("form_title"):
                row["form_title"] = title
            settings.append(row)
        data.settings = settings or None
        if data.settings_header:
            data.settings_header = [
                {**{k: v for k, v in row.items() if not k.strip().lower().startswith("form_title::")}, "form_title": None}
                for row in data.settings_header]
        survey = create_survey_element_from_dict(workbook_to_json(
            workbook_dict=data, fallback_form_name=data.fallback_form_name, warnings=warnings))
        survey.to_xml(validate=False, warnings=warnings)
    except PyXFormError as e:
        message = str(e)
        m = re.search(r"\[row\s*:\s*(\d+)\]\s*", message)
        s = re.search(r"[Oo]n the '(\w+)' sheet", message)
        c = re.search(r"the '([\w:]+)' (?:value|column)", message)
        return [FormError(s.group(1) if s else "survey", int(m.group(1)) if m else None, c.group(1) if c else "",
                          message.replace(m.group(0), "") if m else message)]
    except Exception as e:  # pyxform can fail in unexpected ways on inputs we accepted
        return [FormError("", None, "", _("The form could not be converted by pyxform: %(error)s") % {"error": e})]
    return []


def _error_order(error: FormError) -> tuple:
    sheets = ("", "survey", "choices", "settings")
    sheet = error.sheet.lower()
    return (sheets.index(sheet) if sheet in sheets else len(sheets), error.row or 0)


def parse_xlsform(file_bytes: bytes, filename: str) -> dict:
    """Parses an XLSForm (.xlsx) into a definition, or raises
    ``XLSFormError`` listing every problem found."""
    errors: list[FormError] = []
    if not filename.lower().endswith(".xlsx"):
        raise XLSFormError([FormError("", None, "", _("The form must be an Excel workbook (.xlsx)."))])
    if len(file_bytes) > MAX_FILE_SIZE:
        raise XLSFormError([FormError("", None, "", _("The file is larger than %(size)d MB.")
                                      % {"size": MAX_FILE_SIZE // (1024 * 1024)})])
    sheets = _read_workbook(file_bytes, errors)
    if errors:
        raise XLSFormError(errors)
    for unsupported in ("external_choices", "entities", "osm"):
        if unsupported in sheets and sheets[unsupported].rows:
            errors.append(FormError(sheets[unsupported].title, None, "",
                                    _("The “%(sheet)s” sheet is not supported.") % {"sheet": unsupported}))
    parser = _FormParser(sheets, errors)
    settings = parser.settings()
    lists, list_columns = parser.choices(settings["allow_duplicates"])
    pages = parser.survey(lists, list_columns)
    default = parser.default_language
    if not errors:
        errors.extend(_pyxform_errors(file_bytes, settings["title"].get(default, "")))
    if errors:
        raise XLSFormError(sorted(errors, key=_error_order))
    for page in pages:
        page.pop("row", None)
    title = settings["title"] or {default: settings["form_id"]}
    return {
        "form_id": settings["form_id"],
        "version": settings["version"],
        "title": title,
        "default_language": default,
        "languages": parser.languages,
        "scoring": settings["scoring"],
        "rule_set": settings["rule_set"],
        "pages": pages,
        "choices": lists,
    }
