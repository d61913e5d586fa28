"""Italian identifiers of organisations, checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva


def validate_tax_code(value: str):
    if not value:
        return
    try:
        codicefiscale.validate(value)
    except StdnumError:
        raise ValidationError(_("This is not a valid Italian tax code (codice fiscale)."), code="invalid_tax_code")


def validate_vat_number(value: str):
    if not value:
        return
    try:
        iva.validate(value)
    except StdnumError:
        raise ValidationError(_("This is not a valid Italian VAT number (partita IVA)."), code="invalid_vat")
