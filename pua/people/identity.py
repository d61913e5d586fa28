"""Codice fiscale: validation and cross-check against the person's data.

The code encodes the surname and name consonants, the birth date (year in two
digits, month letter, day + 40 for women) and the birthplace, plus a check
letter. Omocodia variants (digits replaced by letters to resolve collisions)
are valid codes: ``python-codicefiscale`` decodes them to the same data.
Codes are never logged: messages name the mismatching item, not its value.
"""

from __future__ import annotations

import datetime

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_tax_code(code: str | None) -> str:
    return "".join((code or "").split()).upper()


def decode_tax_code(code: str) -> dict:
    """The decoded code; ValidationError when it is malformed or the check letter is wrong."""
    code = normalise_tax_code(code)
    if not codicefiscale.is_valid(code):
        raise ValidationError(_("This is not a valid tax code (wrong format or check character)."),
                              code="invalid_tax_code")
    try:
        return codicefiscale.decode(code)
    except ValueError as exc:  # is_valid and decode agree, but the library may grow stricter
        raise ValidationError(_("This is not a valid tax code."), code="invalid_tax_code") from exc


def tax_code_mismatches(
    code: str,
    *,
    first_name: str = "",
    last_name: str = "",
    sex: str = "unknown",
    birth_date: datetime.date | None = None,
    birth_year: int | None = None,
) -> list[str]:
    """Messages for each item of the data that the code contradicts.

    Only what is given is compared: an unknown sex, a missing name or a birth
    year without a date are not mismatches. The code stores the year in two
    digits, so the century is not checked. Raises ValidationError for a code
    that is not valid at all.
    """
    decoded = decode_tax_code(code)
    raw = decoded["raw"]
    messages: list[str] = []
    if last_name.strip() and codicefiscale.encode_lastname(last_name) != raw["lastname"]:
        messages.append(_("The surname letters of the tax code do not match the last name."))
    if first_name.strip() and codicefiscale.encode_firstname(first_name) != raw["firstname"]:
        messages.append(_("The name letters of the tax code do not match the first name."))
    coded_sex = {"M": "male", "F": "female"}[decoded["gender"]]
    if sex in ("male", "female") and sex != coded_sex:
        messages.append(_("The tax code is of a person of the other sex."))
    coded_date: datetime.datetime = decoded["birthdate"]
    if birth_date is not None:
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (
                coded_date.day, coded_date.month, coded_date.year % 100):
            messages.append(_("The birth date in the tax code does not match the birth date."))
    elif birth_year is not None and birth_year % 100 != coded_date.year % 100:
        messages.append(_("The birth year in the tax code does not match the birth year."))
    return messages
