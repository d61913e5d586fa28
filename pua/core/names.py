"""Names of languages and countries in the reader's language, in the order
people look for them.

What is stored stays a code (ISO 639-1 for languages, ISO 3166-1 alpha-2 for
countries); the name is looked up when it is shown, in the active language,
from CLDR through Babel. Choices are therefore built when a form is rendered
or validated, never at import, so the same form speaks Italian to one
operator and English to the next.

Lists are sorted with the Unicode Collation Algorithm (pyuca): case does not
matter and an accented letter sorts right after its base letter ("Egitto",
"Éire", "Eritrea"), which is also the Italian rule; a plain ``sorted`` would
put every accented or lower-case name after "Z". The languages and countries
most of the people served come from are offered first, in the order below
(roughly how often they are met), then every other one.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
import pyuca
from babel import Locale, UnknownLocaleError
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

COMMON_LANGUAGES = ("it", "en", "fr", "ar", "ro", "sq", "pa", "bn", "ur", "wo", "bm", "ti", "uk", "zh")
COMMON_COUNTRIES = ("IT", "RO", "AL", "MA", "NG", "IN", "PK", "BD", "SN", "ML", "ER", "UA", "CN", "TN", "EG")


@lru_cache(maxsize=1)
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # reads the collation table once (~0.1 s)


def collation_key(text: str) -> tuple:
    """Sort key of ``text`` by the Unicode Collation Algorithm."""
    return _collator().sort_key(str(text))


def _language_code(language: str | None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_")


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(settings.LANGUAGE_CODE)


def _capitalised(name: str) -> str:
    # CLDR writes Italian language names in lower case ("inglese") and asks
    # for a capital when they stand alone, as in a list or on a label.
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8)
def _language_names(language: str) -> dict[str, str]:
    return {code: _capitalised(name) for code, name in _locale(language).languages.items()}


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    names = _locale(language).territories
    return {c.alpha_2: names.get(c.alpha_2, c.name) for c in pycountry.countries}


def language_name(code: str, *, language: str | None = None, default: str | None = None) -> str:
    """The name of the ISO 639 language ``code`` in ``language`` (the active one by default)."""
    if not code:
        return ""
    name = _language_names(_language_code(language)).get(code.lower())
    return name or (default if default is not None else code)


def country_name(code: str, *, language: str | None = None) -> str:
    """The name of the ISO 3166-1 country ``code`` in ``language`` (the active one by default)."""
    if not code:
        return ""
    return _country_names(_language_code(language)).get(code.upper(), code)


def _grouped(choices: list, code_of, common: tuple[str, ...], common_label: str, other_label: str) -> list:
    """``choices`` as two groups: the common ones in ``common`` order, then the others by name."""
    position = {code: i for i, code in enumerate(common)}
    first = sorted((c for c in choices if code_of(c) in position), key=lambda c: position[code_of(c)])
    rest = sorted((c for c in choices if code_of(c) not in position), key=lambda c: collation_key(c[1]))
    return [(common_label, first), (other_label, rest)] if first else rest


@lru_cache(maxsize=8)
def _country_choices(language: str) -> tuple:
    pairs = list(_country_names(language).items())
    return tuple(_grouped(pairs, lambda c: c[0], COMMON_COUNTRIES, _("Common countries"), _("All other countries")))


def country_choices() -> list:
    """Every country as grouped choices, in the active language (call it when rendering)."""
    return list(_country_choices(_language_code(None)))


# --- form fields offering languages -----------------------------------------------------------

class _LanguageIterator(forms.models.ModelChoiceIterator):
    """The languages of the queryset (rows with a ``code``), named in the
    active language, common ones first, as ``<optgroup>``s."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from _grouped(choices, lambda c: c[0].instance.code, COMMON_LANGUAGES,
                            _("Common languages"), _("All other languages"))

    def __len__(self):
        return len(list(self))


def _language_label(obj) -> str:
    return language_name(obj.code, default=obj.name_en or obj.code)


class LanguageChoiceField(forms.ModelChoiceField):
    iterator = _LanguageIterator

    def label_from_instance(self, obj):
        return _language_label(obj)


class LanguageMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _LanguageIterator

    def label_from_instance(self, obj):
        return _language_label(obj)
