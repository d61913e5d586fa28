"""Forms of the contact pages. They parse input; the services validate and save."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.core.names import LanguageChoiceField, LanguageMultipleChoiceField, country_choices
from pua.network.models import Language
from pua.network.profile_forms import MunicipalityField
from pua.people.models import Sex

from .contacts_selectors import contact_operators, operators_with_contacts
from .models import Contact, ContactChannel

# Stored as codes in ``Contact.gender`` (free text in the model, a choice here).
GENDER_CHOICES = [
    ("female", _("Woman")),
    ("male", _("Man")),
    ("non_binary", _("Non-binary")),
    ("other", _("Other")),
]
_SEX_OF_GENDER = {"female": Sex.FEMALE, "male": Sex.MALE}

# What the quick form shows at once; the rest is under "more details".
QUICK_ESSENTIALS = ("channel", "occurred_at", "municipality", "place_description", "alias", "needs_expressed")


def gender_label(code: str) -> str:
    return str(dict(GENDER_CHOICES).get(code, code))


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _nationality_choices() -> list:
    return [("", "—"), *country_choices()]


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ContactForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """The whole contact; ``QuickContactForm`` is the same without the operator."""

    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(label=_("When"), widget=_datetime_widget())
    municipality = MunicipalityField(label=_("Municipality"), required=False,
                                     help_text=_("ISTAT code or name, e.g. Cremona (CR)."))
    place_description = forms.CharField(label=_("Place"), required=False, max_length=200,
                                        help_text=_("Street, square, landmark, office…"))
    operator = OperatorChoiceField(label=_("Operator"), queryset=get_user_model().objects.none())
    alias = forms.CharField(label=_("Alias or how the person introduced themselves"), required=False, max_length=100)
    approximate_age = forms.IntegerField(label=_("Approximate age"), required=False, min_value=0, max_value=120)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *GENDER_CHOICES])
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=_nationality_choices)
    language = LanguageChoiceField(label=_("Language used"), required=False, queryset=Language.objects.all(),
                                   empty_label="—")
    interpreter_present = forms.BooleanField(label=_("Interpreter or cultural mediator present"), required=False)
    needs_expressed = forms.CharField(label=_("Needs expressed"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    information_given = forms.CharField(label=_("Information and materials given"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    materials_languages = LanguageMultipleChoiceField(
        label=_("Languages of the materials"), required=False, queryset=Language.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 5}))
    follow_up_agreed = forms.CharField(label=_("Follow-up agreed"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("E.g. appointment at the desk on Tuesday, call back next week."))

    def __init__(self, *args, access_point, user, contact: Contact | None = None, **kwargs):
        if contact is not None:
            kwargs.setdefault("initial", contact_initial(contact))
        super().__init__(*args, **kwargs)
        if "operator" in self.fields:
            self.fields["operator"].queryset = contact_operators(
                access_point, include_id=contact.operator_id if contact is not None else None)
        if contact is None:
            self.fields["occurred_at"].initial = _now_to_the_minute()
            if "operator" in self.fields:
                self.fields["operator"].initial = user.pk
            if access_point is not None and access_point.municipality_id:
                self.fields["municipality"].initial = access_point.municipality
        self.fields["channel"].widget.attrs["class"] = "btn-check"

    def essential_fields(self):
        return [self[name] for name in QUICK_ESSENTIALS if name in self.fields]

    def more_fields(self):
        return [self[name] for name in self.fields if name not in QUICK_ESSENTIALS]


class QuickContactForm(ContactForm):
    """A contact on the street, from a phone: the operator is the user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["operator"]


def contact_initial(contact: Contact) -> dict:
    initial = {name: getattr(contact, name) for name in (
        "channel", "occurred_at", "place_description", "alias", "approximate_age", "gender", "nationality",
        "interpreter_present", "needs_expressed", "information_given", "follow_up_agreed")}
    initial.update(municipality=contact.municipality, operator=contact.operator_id, language=contact.language_id,
                   materials_languages=[lang.pk for lang in contact.materials_languages.all()])
    return initial


class ContactFilterForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *ContactChannel.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())
    operator = OperatorChoiceField(label=_("Operator"), required=False, queryset=get_user_model().objects.none(),
                                   empty_label=_("All operators"))
    anonymous = forms.BooleanField(label=_("Anonymous only"), required=False,
                                   help_text=_("Contacts not yet linked to a person."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators_with_contacts(user)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot come before its start."))
        return data


class PersonSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search a person"), required=False, max_length=100,
                        help_text=_("Case number; names and tax code where you may see them."))


def person_initial(contact: Contact) -> dict:
    """What a new person's form can take from the contact."""
    initial: dict = {}
    if contact.alias:
        initial["aliases"] = contact.alias
    if contact.gender in _SEX_OF_GENDER:
        initial["sex"] = _SEX_OF_GENDER[contact.gender]
    if contact.approximate_age is not None:
        initial["birth_year"] = timezone.localdate().year - contact.approximate_age
    if contact.nationality:
        initial["citizenships"] = [contact.nationality]
    return initial
