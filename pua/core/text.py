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
