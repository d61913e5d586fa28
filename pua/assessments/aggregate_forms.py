"""The filters of the aggregates page: fixed lists only (no free text), so
that a table can only be cut along the breakdowns the suppression rules
were designed for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.people.forms import country_choices

from .aggregate_selectors import (
    AggregateFilters,
    Breakdown,
    aggregate_access_points,
    aggregate_instruments,
    aggregate_territories,
    default_instrument,
)


def _date_field(label):
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AggregateFilterForm(StyledFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=None, required=False, empty_label=None)
    submitted_from = _date_field(_("Submitted from"))
    submitted_to = _date_field(_("Submitted until"))
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=None, required=False, empty_label=_("Any"))
    access_point = forms.ModelChoiceField(label=_("Access point"), queryset=None, required=False,
                                          empty_label=_("Any"))
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False,
                                    help_text=_("The person's first citizenship."))
    breakdown = forms.ChoiceField(label=_("Break down by"), required=False, choices=Breakdown.choices)

    def __init__(self, *args, user, sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = aggregate_instruments(user)
        self.fields["instrument"].label_from_instance = lambda instrument: instrument.title
        self.fields["territory"].queryset = aggregate_territories(user)
        self.fields["access_point"].queryset = aggregate_access_points(user)
        self.fields["sector"].choices = [("", _("Any")), *sectors]
        self.fields["nationality"].choices = [("", _("Any")), *country_choices()]
        if not sectors:  # the instrument asks no sector: neither a filter nor a breakdown by it
            del self.fields["sector"]
            self.fields["breakdown"].choices = [c for c in Breakdown.choices if c[0] != Breakdown.SECTOR]

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and end < start:
            self.add_error("submitted_to", _("The end of the period comes before its start."))
        return data

    def filters(self) -> AggregateFilters | None:
        """The valid filters (invalid ones are shown as errors and ignored);
        None when there is no instrument to count."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        instrument = data.get("instrument") or default_instrument(self.fields["instrument"].queryset)
        if instrument is None:
            return None
        return AggregateFilters(
            instrument=instrument,
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            territory=data.get("territory"),
            access_point=data.get("access_point"),
            sector=data.get("sector") or "",
            nationality=data.get("nationality") or "",
            breakdown=data.get("breakdown") or Breakdown.NONE,
        )
