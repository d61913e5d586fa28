"""Forms of the organisation profiles: catalogue, profile, sites, contact
persons, network links and offerings."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.core.names import LanguageMultipleChoiceField

from . import access, profile_selectors
from .models import (
    Availability,
    ContactPerson,
    Language,
    Municipality,
    NetworkLink,
    NetworkRelation,
    Offering,
    Organisation,
    Service,
    Site,
    Territory,
)

PHONE_REGION = "IT"


def normalise_phone(value: str) -> str:
    """A valid phone number in international format ("+39 0372 123456");
    Italian numbers may be written without the prefix. Blank stays blank."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, e.g. 0372 123456 or +39 333 1234567."),
                              code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"

    def clean(self, value):
        return normalise_phone(super().clean(value))


class MunicipalityField(forms.CharField):
    """A municipality typed as its ISTAT code or as "Name (PR)": a select of
    all ~7,900 would be unusable. The page offers matching names as the user
    types (a datalist filled by htmx); without JavaScript the text is enough."""

    default_error_messages = {
        "unknown": _("No single municipality matches. Type its ISTAT code or its name with the province, "
                     "e.g. Cremona (CR)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 130)
        super().__init__(**kwargs)
        self.widget.attrs.update({
            "list": "municipality-options", "autocomplete": "off",
            "hx-get": reverse_lazy("network:municipality_search"), "hx-trigger": "input changed delay:300ms",
            "hx-target": "#municipality-options", "hx-swap": "innerHTML",
        })

    def prepare_value(self, value):
        if isinstance(value, Municipality):
            return str(value)
        if isinstance(value, int):
            municipality = Municipality.objects.filter(pk=value).first()
            return str(municipality) if municipality else ""
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        municipality = profile_selectors.municipality_resolve(text)
        if municipality is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return municipality


# --- the catalogue ---------------------------------------------------------------------------

class CatalogueFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Code or label")}))
    retired = forms.BooleanField(label=_("Show retired entries"), required=False)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.label}"


class ServiceForm(StyledFormMixin, forms.Form):
    parent = ServiceChoiceField(label=_("Area"), queryset=Service.objects.none(),
                                help_text=_("The area of the catalogue the service belongs to."))
    code = forms.CharField(label=_("Code"), max_length=30,
                           help_text=_("Unique in the programme, e.g. F2.4.z or CR-01."))
    label_it = forms.CharField(label=_("Italian label"), max_length=300)
    label_en = forms.CharField(label=_("English label"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    for_persons = forms.BooleanField(label=_("Service to a person"), required=False, initial=True)

    def __init__(self, *args, user, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = profile_selectors.area_choices(user=user, programme_id=programme.pk)


# --- the organisation's profile --------------------------------------------------------------

class OrganisationProfileForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories covered"), queryset=Territory.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguageMultipleChoiceField(
        label=_("Languages spoken by staff"), queryset=Language.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )

    class Meta:
        model = Organisation
        fields = ["legal_form", "sector", "description", "territories", "languages"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.territories.all() if self.instance.pk else Territory.objects.none()
        # Territories outside the editor's reach stay shown (and kept), as for networks.
        self.fields["territories"].queryset = (
            (access.visible_territories(user) | Territory.objects.filter(pk__in=current)).distinct().order_by("name")
        )


# --- sites, contact persons, network links ---------------------------------------------------

class SiteForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    municipality = MunicipalityField(label=_("Municipality"),
                                     help_text=_("ISTAT code or name with the province, e.g. Cremona (CR)."))
    phone = PhoneField(label=_("Phone"))

    class Meta:
        model = Site
        fields = ["name", "address", "municipality", "latitude", "longitude", "phone"]
        help_texts = {"latitude": _("Optional: when blank, the municipality's centre is used.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.municipality_id:
            self.initial["municipality"] = str(self.instance.municipality)


class ContactPersonForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    phone = PhoneField(label=_("Phone"))

    class Meta:
        model = ContactPerson
        fields = ["name", "role", "phone", "email"]


class NetworkLinkForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    relation = forms.ChoiceField(label=_("Relation"), choices=NetworkRelation.choices, widget=forms.RadioSelect)

    class Meta:
        model = NetworkLink
        fields = ["relation", "role", "since", "contributes_awareness", "contributes_outreach",
                  "contributes_promotion", "contributes_services"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"role": _("Required for a formal partner: its role or contract.")}


# --- offerings -------------------------------------------------------------------------------

class OfferingForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    service = ServiceChoiceField(label=_("Service"), queryset=Service.objects.none())
    referral_phone = PhoneField(label=_("Phone for referrals"))

    class Meta:
        model = Offering
        fields = [
            "service", "site", "description", "target_groups", "languages", "opening_hours", "capacity",
            "availability", "documents_required", "legal_status", "cost", "cost_notes", "referral_phone",
            "referral_email", "referral_url", "referral_notes",
        ]
        field_classes = {"languages": LanguageMultipleChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.CheckboxSelectMultiple,
            "languages": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "site": _("Leave empty if the service is not delivered at one of the organisation's sites."),
            "languages": _("Hold Ctrl (or Cmd) to choose more than one."),
        }

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.service if self.instance.pk else None
        self.fields["service"].queryset = profile_selectors.offerable_services(user=user, current=current)
        self.fields["site"].queryset = profile_selectors.sites_of(organisation)
        self.fields["languages"].queryset = Language.objects.all()


class OfferingFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Organisation, service or code")}))
    service = ServiceChoiceField(label=_("Service or area"), required=False, queryset=Service.objects.none(),
                                 empty_label=_("All services"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.none(), widget=forms.HiddenInput)
    availability = forms.ChoiceField(label=_("Availability"), required=False,
                                     choices=[("", _("Any availability"))] + Availability.choices)
    active = forms.ChoiceField(label=_("Status"), required=False, initial="1",
                               choices=[("1", _("Active")), ("0", _("Inactive")), ("all", _("All"))])
    stale = forms.BooleanField(label=_("Only to be confirmed"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = profile_selectors.service_filter_choices(user=user)
        self.fields["organisation"].queryset = access.visible_organisations(user)
