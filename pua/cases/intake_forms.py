"""Forms for eligibility criteria and the intake decision. Required answers
are checked by ``intake_services``, whose messages name what is missing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.network.models import Organisation, Service

from .models import CriterionCheck, EligibilityCriterion, IntakeOutcome
from .referrals_forms import referral_services
from .referrals_selectors import network_organisations


class CriterionForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EligibilityCriterion
        fields = ["kind", "label", "description", "is_mandatory"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "label": _("As operators will read it in the intake form, e.g. “Valid identity document”."),
            "description": _("How to check it, which documents count, exceptions."),
            "is_mandatory": _("A mandatory criterion not met prevents declaring the person eligible."),
        }


class IntakeForm(StyledFormMixin, forms.Form):
    """One met / not met / not applicable choice and a note per active criterion, then the decision."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=IntakeOutcome.choices,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                                required=False)
    rationale = forms.CharField(label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    referred_to = forms.ModelChoiceField(
        label=_("Referred to"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("No organisation of the network"),
        help_text=_("If not eligible: where the person is referred instead."))
    referral_service = forms.ModelChoiceField(
        label=_("For the service"), required=False, queryset=Service.objects.none(),
        empty_label=_("No referral in the system"),
        help_text=_("Choose a service to send the organisation a referral it can accept and report on."))
    referred_to_note = forms.CharField(label=_("Referred elsewhere (note)"), max_length=300, required=False,
                                       help_text=_("E.g. a service outside the network, or what the person was told."))

    def __init__(self, *args, criteria, user, access_point_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"result_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label, choices=CriterionCheck.choices, required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note on “%(label)s”") % {"label": criterion.label}, max_length=300, required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}))  # added after the mixin styled the form
        self.fields["referred_to"].queryset = network_organisations(access_point_id)
        services = referral_services(user)
        self.fields["referral_service"].queryset = services
        self.fields["referral_service"].label_from_instance = lambda s: f"{s.code} — {s.label}"

    def criterion_rows(self):
        return [(c, self[f"result_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def checks(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {c.pk: (data.get(f"result_{c.pk}") or "", data.get(f"note_{c.pk}") or "") for c in self.criteria}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"], "rationale": data["rationale"], "checks": self.checks(),
            "referred_to": data["referred_to"], "referred_to_note": data["referred_to_note"],
            "referral_service": data["referral_service"],
        }

    def flag_unchecked(self) -> None:
        """Point at each criterion left without an answer (after the service refused the decision)."""
        for criterion in self.criteria:
            name = f"result_{criterion.pk}"
            if not self.cleaned_data.get(name) and name not in self.errors:
                self.add_error(name, _("Choose met, not met or not applicable."))
