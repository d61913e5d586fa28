"""Reading instruments and their versions, and the read-only preview of a version.

Who sees what: managers (administrators; directors for their access points'
instruments) see every version of the instruments they manage; the staff
who work with people see the published versions of the active instruments
available at their access points. Everything else answers as missing.
"""

from __future__ import annotations

import re

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from pua.network.models import Role

from . import engine
from .access import managed_instruments, visible_instruments
from .models import Instrument, InstrumentVersion, VersionStatus
from .response_forms import field_context

STATES = ("published", "draft", "retired", "inactive")


def _versions_with(status=VersionStatus.PUBLISHED):
    return InstrumentVersion.objects.filter(instrument=OuterRef("pk"), status=status)


def _browsable(user) -> QuerySet[Instrument]:
    available = Q(pk__in=visible_instruments(user).values("pk")) & Q(is_active=True) & Q(Exists(_versions_with()))
    return Instrument.objects.filter(Q(pk__in=managed_instruments(user).values("pk")) | available)


def instrument_list(user, *, q: str = "", purpose: str = "", state: str = "") -> QuerySet[Instrument]:
    """The instruments ``user`` manages or may use, with their published
    version and a ``state``: published, draft (never published), retired or inactive."""
    published = _versions_with()
    instruments = _browsable(user).select_related("owner", "access_point").annotate(
        state=Case(
            When(is_active=False, then=Value("inactive")),
            When(Exists(published), then=Value("published")),
            When(Exists(_versions_with(VersionStatus.DRAFT)), then=Value("draft")),
            default=Value("retired"), output_field=CharField(),
        ),
        published_number=Subquery(published.values("number")[:1]),
        published_on=Subquery(published.values("published_at")[:1]),
        version_count=Count("versions"),
    )
    if q:
        instruments = instruments.filter(Q(title__icontains=q) | Q(code__icontains=q))
    if purpose:
        instruments = instruments.filter(purpose=purpose)
    if state in STATES:
        instruments = instruments.filter(state=state)
    return instruments.order_by("title", "id")


def role_labels(roles) -> list[str]:
    """The names of ``roles``, in the usual order of the roles."""
    return [str(Role(role).label) for role in Role.values if role in (roles or ())]


def instrument_get(user, pk) -> Instrument | None:
    return _browsable(user).select_related("owner", "access_point").filter(pk=pk).first()


def instrument_versions(user, instrument) -> list[InstrumentVersion]:
    """The versions of ``instrument`` ``user`` may see, newest first, with the
    number of responses given with each. Only managers see drafts and retired ones."""
    versions = instrument.versions.select_related("uploaded_by", "published_by").defer("source", "definition")
    if not user.has_perm("assessments.manage_instrument", instrument):
        versions = versions.filter(status=VersionStatus.PUBLISHED)
    return list(versions.annotate(response_count=Count("responses")).order_by("-number"))


def version_get(user, pk) -> InstrumentVersion | None:
    scope = Q(instrument__in=managed_instruments(user)) | Q(
        instrument__in=visible_instruments(user), instrument__is_active=True, status=VersionStatus.PUBLISHED)
    return InstrumentVersion.objects.select_related("instrument", "uploaded_by").filter(scope, pk=pk).first()


# --- preview ------------------------------------------------------------------------------

def language_options(version) -> list[tuple[str, str]]:
    """The form's languages as (code, name in that language)."""
    options = []
    for code in version.languages or version.definition.get("languages") or []:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            name = code.upper()
        options.append((code, name))
    return options


def preview_language(version, requested: str, ui_language: str) -> str:
    """The language asked for if the form has it, else the user's, else the form's default."""
    codes = [code for code, _name in language_options(version)]
    for code in (requested, (ui_language or "")[:2]):
        if code and code in codes:
            return code
    return version.definition.get("default_language") or (codes[0] if codes else "")


TYPE_LABELS = {
    "text": lambda: _("Text"),
    "integer": lambda: _("Whole number"),
    "decimal": lambda: _("Decimal number"),
    "date": lambda: _("Date"),
    "select_one": lambda: _("One choice"),
    "select_multiple": lambda: _("Several choices"),
    "note": lambda: _("Note"),
    "calculate": lambda: _("Computed value"),
}

_REFERENCE = re.compile(r"\$\{([^}]+)\}")
_SELECTED = re.compile(r"selected\(\s*\$\{([^}]+)\}\s*,\s*(['\"])(.*?)\2\s*\)")
_COMPARE_CHOICE = re.compile(r"\$\{([^}]+)\}\s*(=|!=)\s*(['\"])(.*?)\3")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_CURRENT = re.compile(r"(?<![\w.$])\.(?![\w.])")
_WORDS = re.compile(r"\b(and|or|not|div|mod)\b")


class _Readable:
    """Turns an XPath expression of the form into a sentence a social worker
    can read: ``${DR_01} = 'yes' and . > 3`` becomes
    ``“Do you work in agriculture?” = “Yes” and this answer > 3``.
    The raw expression is always shown next to it, so nothing is lost."""

    def __init__(self, definition: dict, language: str):
        self.language = language
        self.default = definition.get("default_language") or ""
        self.fields = {f["name"]: f for page in definition.get("pages", []) for f in page.get("fields", [])}
        self.choices = definition.get("choices") or {}

    def label(self, labels) -> str:
        return engine.label(labels or {}, self.language, self.default) if isinstance(labels, dict) else str(labels or "")

    def field_label(self, name: str) -> str:
        field = self.fields.get(name)
        text = self.label(field.get("label")) if field else ""
        return f"“{Truncator(text).chars(60)}”" if text else name

    def choice_label(self, field_name: str, value: str) -> str:
        field = self.fields.get(field_name) or {}
        for choice in self.choices.get(field.get("choices") or "", []):
            if choice.get("name") == value:
                return f"“{Truncator(self.label(choice.get('label'))).chars(40)}”"
        return f"“{value}”"

    def __call__(self, expression: str) -> str:
        if not expression:
            return ""
        saved: list[str] = []

        def keep(text: str) -> str:
            saved.append(text)
            return f"\x00{len(saved) - 1}\x00"

        text = _SELECTED.sub(lambda m: keep(_("%(field)s includes %(choice)s") % {
            "field": self.field_label(m[1]), "choice": self.choice_label(m[1], m[3])}), expression)
        text = _COMPARE_CHOICE.sub(lambda m: keep(
            f"{self.field_label(m[1])} {'=' if m[2] == '=' else '≠'} {self.choice_label(m[1], m[4])}"), text)
        text = _REFERENCE.sub(lambda m: keep(self.field_label(m[1])), text)
        text = _STRING.sub(lambda m: keep(f"“{m[0][1:-1]}”"), text)
        text = _CURRENT.sub(lambda m: keep(_("this answer")), text)
        words = {"and": _("and"), "or": _("or"), "not": _("not"), "div": "÷", "mod": _("modulo")}
        text = _WORDS.sub(lambda m: words[m[1]], text)
        text = text.replace("!=", "≠").replace(">=", "≥").replace("<=", "≤")
        return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m[1])], text)


def _notes(field: dict, readable: _Readable) -> list[dict]:
    notes = []

    def add(kind, text, expression="", message=None):
        notes.append({"kind": kind, "text": text, "expression": expression,
                      "message": readable.label(message) if message else ""})

    if field.get("group_relevant"):
        add(_("Its section is shown only when"), readable(field["group_relevant"]), field["group_relevant"])
    if field.get("relevant"):
        add(_("Shown only when"), readable(field["relevant"]), field["relevant"])
    if field.get("constraint"):
        add(_("Accepted only when"), readable(field["constraint"]), field["constraint"],
            field.get("constraint_message"))
    if field.get("required") and readable.label(field.get("required_message")):
        add(_("Message when left empty"), readable.label(field.get("required_message")))
    if field.get("calculation"):
        add(_("Computed as"), readable(field["calculation"]), field["calculation"])
    if field.get("choice_filter"):
        add(_("Choices shown only when"), readable(field["choice_filter"]), field["choice_filter"])
    if field.get("default"):
        add(_("Default answer"), str(field["default"]))
    return notes


def _preview_item(definition: dict, field: dict, language: str, readable: _Readable) -> dict:
    """The fill-in page's rendering of ``field``, disabled, with every choice
    listed (the fill-in page filters them and may fold long lists into a drop-down)."""
    item = field_context(definition, field, {}, language, readonly=True)
    if field.get("type") in ("select_one", "select_multiple"):
        item["choices"] = [(choice.get("name"), readable.label(choice.get("label")))
                           for choice in (definition.get("choices") or {}).get(field.get("choices") or "", [])]
        item["widget"] = "checkbox" if field["type"] == "select_multiple" else "radio"
    return item


def version_preview(version, language: str) -> list[dict]:
    """Every page of ``version`` with its fields, labels, hints and choices
    in ``language``, and the skip logic and checks as readable notes."""
    definition = version.definition or {}
    readable = _Readable(definition, language)
    pages = []
    for index, page in enumerate(definition.get("pages") or []):
        fields = []
        for field in page.get("fields") or []:
            kind = field.get("type", "")
            fields.append({
                "name": field.get("name", ""), "type": kind,
                "type_label": TYPE_LABELS[kind]() if kind in TYPE_LABELS else kind,
                "label": readable.label(field.get("label")),
                "required": bool(field.get("required")), "report": bool(field.get("report")),
                "row": field.get("row"), "notes": _notes(field, readable),
                "item": None if kind == "calculate" else _preview_item(definition, field, language, readable),
            })
        pages.append({
            "number": index + 1, "name": page.get("name", ""),
            "label": readable.label(page.get("label")) or page.get("name", ""),
            "relevant": readable(page.get("relevant") or ""), "relevant_expression": page.get("relevant") or "",
            "fields": fields,
        })
    return pages
