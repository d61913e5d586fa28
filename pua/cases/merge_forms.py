from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin


class MergeSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Find the other record"), required=False, max_length=100,
                        help_text=_("Case number, name, alias or tax code."))


class MergeForm(StyledFormMixin, forms.Form):
    """Which of the two records stays; the other is merged into it."""

    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I have checked that the two records are the same person. The merge cannot be undone."),
        error_messages={"required": _("Confirm that the two records are the same person.")},
    )

    def __init__(self, *args, person, other, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(p.pk, p.case_number) for p in (person, other)]
