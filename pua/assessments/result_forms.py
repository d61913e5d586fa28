"""Forms of the result pages: confirming or overriding an outcome, and the
filters of the overrides report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin


class OutcomeReviewForm(StyledFormMixin, forms.Form):
    confirmed_outcome = forms.ChoiceField(label=_("Outcome you confirm"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose an outcome other than the computed one. "
                    "Write the facts that justify it; avoid names of third parties."),
    )

    def __init__(self, *args, outcomes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed_outcome"].choices = outcomes


class OverridesFilterForm(StyledFormMixin, forms.Form):
    reviewed_from = forms.DateField(label=_("Reviewed from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    reviewed_to = forms.DateField(label=_("Reviewed until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("Outcome (computed or confirmed)"), required=False)

    def __init__(self, *args, outcomes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("Any outcome")), *outcomes]

    def clean(self):
        data = super().clean()
        start, end = data.get("reviewed_from"), data.get("reviewed_to")
        if start and end and start > end:
            self.add_error("reviewed_to", _("The end date comes before the start date."))
        return data
