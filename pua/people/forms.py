"""Forms of the person pages. They only parse input: the service validates
the person (tax code, birth data) and registers it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.core.names import country_choices, country_name  # noqa: F401  (country_name: used by the pages)
from pua.network.models import TargetGroup
from pua.network.profile_forms import MunicipalityField

from .models import EducationLevel, EmploymentSituation, LegalStatus, Sex


def _birth_country_choices() -> list:
    return [("", "—"), *country_choices()]


class PersonFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Case number; names and tax code where you may see them."))
    legal_status = forms.ChoiceField(label=_("Legal status"), required=False,
                                     choices=[("", _("Any"))] + LegalStatus.choices)
    employment_situation = forms.ChoiceField(label=_("Employment situation"), required=False,
                                             choices=[("", _("Any"))] + EmploymentSituation.choices)
    target_group = forms.ModelChoiceField(label=_("Target group"), required=False, queryset=TargetGroup.objects.all(),
                                          empty_label=_("Any"))


class PersonForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    aliases = forms.CharField(label=_("Aliases"), required=False, max_length=500,
                              help_text=_("Other names the person is known by, separated by commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100,
                                    help_text=_("When the exact date is not known."))
    # Callables: the names follow the language of each request.
    birth_country = forms.ChoiceField(label=_("Birth country"), required=False, choices=_birth_country_choices)
    citizenships = forms.MultipleChoiceField(label=_("Citizenships"), required=False, choices=country_choices)
    tax_code = forms.CharField(label=_("Tax code"), required=False, max_length=20)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    residence_municipality = MunicipalityField(label=_("Municipality of residence"), required=False)
    no_fixed_abode = forms.BooleanField(label=_("No fixed abode"), required=False)
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices, initial=LegalStatus.UNKNOWN)
    education_level = forms.ChoiceField(label=_("Education level"), choices=EducationLevel.choices,
                                        initial=EducationLevel.UNKNOWN)
    employment_situation = forms.ChoiceField(label=_("Employment situation"), choices=EmploymentSituation.choices,
                                             initial=EmploymentSituation.UNKNOWN)
    target_groups = forms.ModelMultipleChoiceField(label=_("Target groups"), required=False,
                                                   queryset=TargetGroup.objects.all(),
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizenships"].widget.attrs["size"] = 6

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]

    def duplicate_candidate(self) -> dict:
        """What ``pua.people.duplicates.find_duplicates`` compares."""
        data = self.cleaned_data
        keys = ("first_name", "last_name", "birth_date", "birth_year", "tax_code", "aliases", "citizenships")
        return {k: data.get(k) for k in keys}
