"""Dates at the edge of the API: every date and date-time field of every
serializer takes years 1900–2100 only (``pua.core.text.validate_year_range``),
with the field's usual 400. DRF builds fields from many places (model
fields, explicit declarations, filter serializers), so the check is added
where they all parse their input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from pua.core.text import validate_year_range


def _bounded(parse):
    def to_internal_value(self, value):
        parsed = parse(self, value)
        try:
            validate_year_range(parsed)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=validate_year_range.code) from None
        return parsed

    to_internal_value.bounded = True
    return to_internal_value


def bound_api_dates() -> None:
    for field_class in (serializers.DateField, serializers.DateTimeField):
        if not getattr(field_class.to_internal_value, "bounded", False):
            field_class.to_internal_value = _bounded(field_class.to_internal_value)
