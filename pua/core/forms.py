"""Form rendering helpers shared by every app."""

from django import forms

from pua.core.text import validate_no_control_characters, validate_year_range


def refuse_control_characters(form) -> None:
    """Every field of ``form`` refuses text with NUL or another control
    character (Django's CharField refuses only NUL, choice fields neither).
    Fields are the form's own copies: the class is left alone."""
    for field in form.fields.values():
        if validate_no_control_characters not in field.validators:
            field.validators.append(validate_no_control_characters)


def bound_dates(form) -> None:
    """Date and date-time fields of ``form`` take years 1900–2100 only."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)) and validate_year_range not in field.validators:
            field.validators.append(validate_year_range)


class StyledFormMixin:
    """Give widgets Bootstrap Italia classes and link errors to their fields
    (``aria-describedby`` / ``aria-invalid``) for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self)
        bound_dates(self)
        for name, field in self.fields.items():
            widget = field.widget
            kind = widget.__class__.__name__
            if kind in ("CheckboxInput",):
                widget.attrs.setdefault("class", "form-check-input")
            elif kind in ("Select", "SelectMultiple"):
                widget.attrs.setdefault("class", "form-select")
            elif kind not in ("CheckboxSelectMultiple", "RadioSelect", "HiddenInput"):
                widget.attrs.setdefault("class", "form-control")
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_helptext")

    def full_clean(self):
        super().full_clean()
        for name in getattr(self, "_errors", {}) or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = attrs.get("aria-describedby", "")
                error_id = f"id_{self.add_prefix(name)}_error"
                attrs["aria-describedby"] = f"{described} {error_id}".strip()
