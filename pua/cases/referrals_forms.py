"""Forms of the referrals pages. Required free texts are checked by the
services, whose messages say what is missing; the forms only parse."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.network import search_selectors
from pua.network.models import Agreement, AgreementStatus, Offering, Organisation, Service, ServiceLevel

from .models import ReferralDirection, ReferralStatus
from .referrals_selectors import network_organisations


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=40)
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=[("", _("Both directions"))] + ReferralDirection.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + ReferralStatus.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.none(), empty_label=_("All organisations"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class PersonPickForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Find the person"), max_length=100,
                        help_text=_("Case number; names too where you may see them."))


class InboundReferralForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Referring body"), queryset=Organisation.objects.none(),
                                          help_text=_("The service that sends the person (SerD, therapeutic "
                                                      "community, social services...)."))
    referrer_name = forms.CharField(label=_("Referrer"), max_length=200, required=False,
                                    help_text=_("The operator who made the referral."))
    referrer_contact = forms.CharField(label=_("Referrer's phone or e-mail"), max_length=200, required=False)
    sent_on = forms.DateField(label=_("Date of the referral"), widget=_date_widget(), initial=timezone.localdate)
    agreement = forms.ModelChoiceField(label=_("Agreement with the referring body"), required=False,
                                       queryset=Agreement.objects.none(), empty_label=_("No agreement"))
    reason = forms.CharField(label=_("Reason for the referral"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    work_done = forms.CharField(label=_("Work already done with the person"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("What the referring body has done so far: it vouches for this work."))

    def __init__(self, *args, access_point_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = network_organisations(access_point_id)
        self.fields["agreement"].queryset = (
            Agreement.objects.filter(access_point_id=access_point_id).exclude(status=AgreementStatus.TERMINATED)
            .only("id", "subject").order_by("subject", "id"))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        sent_on = data.pop("sent_on")
        today = timezone.localdate()
        # Today's referral gets the current time; an earlier one the start of its day.
        data["sent_at"] = None if sent_on == today else timezone.make_aware(
            datetime.datetime.combine(sent_on, datetime.time.min))
        return data


def referral_services(user):
    """Catalogue services a person can be referred for."""
    return search_selectors.search_services(user=user).filter(level=ServiceLevel.SERVICE)


class ServicePickForm(StyledFormMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(),
                                     empty_label=_("Choose a service of the catalogue"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = referral_services(user)
        self.fields["service"].label_from_instance = lambda s: f"{s.code} — {s.label}"


class OfferingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.organisation.name


class OutboundReferralForm(StyledFormMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), widget=forms.HiddenInput)
    offering = OfferingChoiceField(label=_("Offering"), required=False, queryset=Offering.objects.none(),
                                   widget=forms.RadioSelect, empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("Or another organisation of the network"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("None"), help_text=_("When the service is not listed in the directory for this organisation."))
    reason = forms.CharField(label=_("Reason for the referral"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("What the person needs from this service. The organisation reads it: "
                                         "write only what it needs to know."))

    def __init__(self, *args, user, offerings, access_point_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = referral_services(user)
        self.fields["offering"].queryset = offerings
        self.fields["organisation"].queryset = network_organisations(access_point_id)


class AnswerForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason or note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required to decline; optional to accept."))


class ReportForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    report = forms.CharField(label=_("Report back"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("What was done with the person and the outcome. Completes the referral."))
