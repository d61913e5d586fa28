"""The filters of the aggregates page: fixed lists only (no free text, no
free dates), so that a table can only be cut along the periods and
breakdowns the disclosure control was designed for (``pua.core.disclosure``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core import disclosure
from pua.core.forms import StyledFormMixin

from .aggregate_selectors import (
    AggregateFilters,
    Breakdown,
    aggregate_access_points,
    aggregate_instruments,
    aggregate_territories,
    default_instrument,
)


class AggregateFilterForm(StyledFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=None, required=False, empty_label=None)
    period = forms.ChoiceField(
        label=_("Period"), required=False,
        help_text=_("Whole months, quarters and years only, so that two periods cannot be compared to single out "
                    "a person."))
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=None, required=False, empty_label=_("Any"))
    access_point = forms.ModelChoiceField(label=_("Access point"), queryset=None, required=False,
                                          empty_label=_("Any"))
    breakdown = forms.ChoiceField(label=_("Break down by"), required=False, choices=Breakdown.choices)

    def __init__(self, *args, user, sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = aggregate_instruments(user)
        self.fields["instrument"].label_from_instance = lambda instrument: instrument.title
        self.fields["period"].choices = disclosure.period_choices()
        self.fields["period"].initial = str(disclosure.latest_period())
        self.fields["territory"].queryset = aggregate_territories(user)
        self.fields["access_point"].queryset = aggregate_access_points(user)
        if not sectors:  # the instrument asks no sector: no breakdown by it
            self.fields["breakdown"].choices = [c for c in Breakdown.choices if c[0] != Breakdown.SECTOR]

    def clean_period(self) -> disclosure.Period:
        raw = self.cleaned_data.get("period") or ""
        return disclosure.Period.parse(raw) if raw else disclosure.latest_period()

    def clean(self):
        data = super().clean()
        territory, access_point = data.get("territory"), data.get("access_point")
        if territory and access_point and access_point.territory_id != territory.pk:
            self.add_error("access_point", _("This access point is not in the territory chosen."))
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
            period=data.get("period") or disclosure.latest_period(),
            territory=data.get("territory"),
            access_point=data.get("access_point"),
            breakdown=data.get("breakdown") or Breakdown.NONE,
        )
