"""Form rendering helpers shared by every app."""

import datetime

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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


class VersionedFormMixin:
    """An edit form of a versioned record: a hidden ``version`` field carries
    the version the user opened (``version=`` or the model form's instance's),
    and comes back in ``cleaned_data`` as ``expected_version``, the keyword
    the update services take — so a view passing ``**data`` to its service
    needs nothing more. A form without a version (adding) has no such field.
    Put it before ``StyledFormMixin``::

        class ThingForm(VersionedFormMixin, StyledFormMixin, forms.Form): ...
        form = ThingForm(request.POST or None, version=thing.version)
    """

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk is not None:
            version = getattr(instance, "version", None)
        self.expected_version = None
        self.conflict = None
        if version is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1,
                                                        initial=version)

    def clean(self):
        cleaned = super().clean()
        data = self.cleaned_data if cleaned is None else cleaned
        if "version" in self.fields:
            self.expected_version = data.pop("version", None)
            data["expected_version"] = self.expected_version
        return cleaned

    def show_conflict(self, error) -> None:
        """After a refused stale write: the notice, the differences between
        the user's input and what is stored now, and the current version in
        the hidden field, so that saving again applies the input knowingly."""
        current = error.current
        self.conflict = {
            "message": error.describe(),
            "changed_by": error.changed_by,
            "changed_at": error.changed_at,
            "your_version": error.expected_version,
            "current_version": current.version,
            "rows": conflict_rows(self, current),
        }
        if self.is_bound:
            data = self.data.copy()
            data[self.add_prefix("version")] = str(current.version)
            self.data = data


def _choice_label(field, value):
    for key, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):
            for sub_key, sub_label in label:
                if str(sub_key) == str(value):
                    return sub_label
        elif str(key) == str(value):
            return label
    return value


def _shown(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(_shown(field, v) for v in value)) or "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(_choice_label(field, value))
    return str(value)


def conflict_rows(form, current) -> list[dict]:
    """Per field of ``form`` that ``current`` also has: the user's input and
    the stored value, where they differ."""
    rows = []
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for name, field in form.fields.items():
        if name == "version" or name not in cleaned or isinstance(field.widget, forms.HiddenInput):
            continue
        try:
            stored = getattr(current, name)
        except (AttributeError, ObjectDoesNotExist):
            continue
        if hasattr(stored, "all") and callable(stored.all):
            stored = list(stored.all())
        yours = cleaned[name]
        if isinstance(yours, tuple):  # a choice standing for several values (a provider and its offering)
            yours = next((v for v in yours if v is not None), None)
        mine, theirs = _shown(field, yours), _shown(field, stored)
        if mine != theirs:
            rows.append({"label": field.label or name, "yours": mine, "stored": theirs})
    return rows
