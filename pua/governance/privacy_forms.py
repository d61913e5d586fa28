from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin


class RestrictionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the restriction"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class LegalHoldForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
    until = forms.DateField(label=_("Until (leave empty if not known)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


class ErasureForm(StyledFormMixin, forms.Form):
    confirm_case_number = forms.CharField(
        label=_("Type the case number to confirm"), max_length=20,
        help_text=_("Erasure cannot be undone: the identity is destroyed for good."))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_case_number(self):
        value = self.cleaned_data["confirm_case_number"].strip()
        if value != self.person.case_number:
            raise forms.ValidationError(_("The case number does not match."))
        return value


class RectificationForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    gender_identity = forms.CharField(label=_("Gender identity"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    birth_place = forms.CharField(label=_("Birth place"), max_length=120, required=False)
    tax_code = forms.CharField(label=_("Tax code"), max_length=16, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)

    FIELDS = ("first_name", "last_name", "gender_identity", "birth_date", "birth_place", "tax_code", "phone", "email")

    @classmethod
    def for_person(cls, person, data=None):
        initial = {name: getattr(person, name) or "" for name in cls.FIELDS}
        initial["birth_date"] = person.birth_date
        return cls(data, initial=initial)

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["tax_code"] = data["tax_code"] or None
        return data
