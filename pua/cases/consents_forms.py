"""Forms of privacy notices and consents. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.core.names import LanguageChoiceField
from pua.network.models import Language, Organisation

from .consents_selectors import active_notices, sharing_organisations
from .models import ConsentPurpose, PrivacyNotice


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(title)s — version %(version)s, %(language)s") % {
            "title": obj.title, "version": obj.version, "language": obj.language}


class ConsentForm(StyledFormMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none(), empty_label="—",
        help_text=_("Only for sharing: the one organisation of the network the person agrees to share data with."))
    notice = NoticeChoiceField(label=_("Privacy notice given"), required=False, queryset=PrivacyNotice.objects.none(),
                               empty_label="—", help_text=_("The notice the consent refers to."))
    given_at = forms.DateTimeField(label=_("Given on"), widget=_datetime_widget())
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300,
                            help_text=_("E.g. given orally with a mediator; signed form in the paper file."))

    def __init__(self, *args, person, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = sharing_organisations(user, person)
        self.fields["notice"].queryset = active_notices(person.access_point_id)
        self.fields["given_at"].initial = _now_to_the_minute()


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_at = forms.DateTimeField(label=_("Withdrawn on"), required=False, widget=_datetime_widget(),
                                       help_text=_("Leave empty for now."))


class NoticeGiveForm(StyledFormMixin, forms.Form):
    notice = NoticeChoiceField(label=_("Privacy notice"), queryset=PrivacyNotice.objects.none())
    given_on = forms.DateField(label=_("Given on"), widget=_date_widget())

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = active_notices(person.access_point_id)
        self.fields["given_on"].initial = timezone.localdate()


class PrivacyNoticeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=20, help_text=_("E.g. 2026.1"))
    language = LanguageChoiceField(label=_("Language"), queryset=Language.objects.all())
    valid_from = forms.DateField(label=_("Valid from"), widget=_date_widget())
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    is_active = forms.BooleanField(label=_("Active: it can be given to people"), required=False, initial=True)

    def __init__(self, *args, notice: PrivacyNotice | None = None, **kwargs):
        if notice is not None:
            kwargs.setdefault("initial", {
                "title": notice.title, "version": notice.version, "language": notice.language_id,
                "valid_from": notice.valid_from, "text": notice.text, "is_active": notice.is_active})
        super().__init__(*args, **kwargs)
        if notice is None:
            self.fields["valid_from"].initial = timezone.localdate()
            italian = Language.objects.filter(code="it").first()
            if italian is not None:
                self.fields["language"].initial = italian.pk
