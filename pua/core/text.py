"""Text that may enter the system: no NUL, no C0 control characters.

Tab, carriage return and line feed are the only control characters a person
types; the others (NUL above all, which PostgreSQL text columns refuse) are
refused at the edge: forms, query strings, API bodies and imported files.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def find_control_character(text: str) -> int | None:
    """The position of the first refused control character in ``text``, or None."""
    match = CONTROL_CHARACTERS.search(text)
    return match.start() if match else None


def has_control_characters(text: str) -> bool:
    return find_control_character(text) is not None


@deconstructible
class ControlCharacterValidator:
    """Refuse values holding NUL or another C0 control character (tab, CR and LF allowed)."""

    message = _("Control characters (such as NUL) are not allowed.")
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)


validate_no_control_characters = ControlCharacterValidator()


# Dates: any year a person, a service or a plan may have. Years far outside
# (0234, 9999) are typing errors, and some cannot be stored or shown at all.
MIN_YEAR, MAX_YEAR = 1900, 2100


@deconstructible
class YearRangeValidator:
    """Refuse dates and date-times outside the years 1900–2100."""

    code = "year_out_of_range"

    def __call__(self, value):
        year = getattr(value, "year", None)
        if year is not None and not (MIN_YEAR <= year <= MAX_YEAR):
            raise ValidationError(
                _("Enter a date between the years %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                code=self.code)

    def __eq__(self, other):
        return isinstance(other, YearRangeValidator)


validate_year_range = YearRangeValidator()
