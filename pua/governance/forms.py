from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.core.models import AuditAction


class AuditFilterForm(StyledFormMixin, forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All actions"))] + AuditAction.choices)
    object_type = forms.CharField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
