"""``{{ code|language_name }}`` and ``{{ code|country_name }}``: a stored
ISO code shown as a name in the reader's language (see ``pua.core.names``)."""

from django import template

from pua.core import names

register = template.Library()


@register.filter
def language_name(value) -> str:
    """A language code, or a row with a ``code`` (``Language``)."""
    code = getattr(value, "code", value)
    return names.language_name(code, default=getattr(value, "name_en", None)) if code else ""


@register.filter
def country_name(value) -> str:
    return names.country_name(value) if value else ""
