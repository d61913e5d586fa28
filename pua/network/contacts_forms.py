from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin

from . import access
from .contacts_selectors import FOLLOW_UP_HORIZON_DAYS, operators_with_contacts
from .models import ActorType, NetworkContact, Organisation


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class NetworkContactFilterForm(StyledFormMixin, forms.Form):
    actor_type = forms.ChoiceField(label=_("Actor type"), required=False,
                                   choices=[("", _("All actor types"))] + ActorType.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Organisation.objects.none(),
                                          empty_label=_("All organisations"))
    operator = OperatorChoiceField(label=_("Operator"), required=False, queryset=get_user_model().objects.none(),
                                   empty_label=_("All operators"))
    follow_ups_due = forms.BooleanField(label=_("Follow-ups due"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = access.visible_organisations(user).only("id", "name").order_by("name")
        self.fields["operator"].queryset = operators_with_contacts(user=user)
        self.fields["follow_ups_due"].help_text = _("Next step overdue or due within %(days)s days.") % {
            "days": FOLLOW_UP_HORIZON_DAYS
        }

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot come before its start."))
        return data


class NetworkContactForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = NetworkContact
        fields = ["date", "organisation", "organisation_name", "actor_type", "channel", "purpose", "outcome",
                  "next_step", "next_step_due"]
        widgets = {
            "date": _date_widget(),
            "next_step_due": _date_widget(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "organisation": _("An organisation of your network…"),
            "organisation_name": _("…or the name of one not yet registered. Fill in exactly one of the two."),
            "next_step_due": _("Clear it once the next step is done."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = access.visible_organisations(user).filter(is_active=True)
        if self.instance.organisation_id:
            organisations = organisations | Organisation.objects.filter(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = organisations.distinct().only("id", "name").order_by("name")
        self.fields["organisation"].required = False
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
