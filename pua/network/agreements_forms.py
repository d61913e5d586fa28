from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin

from . import access, documents
from .agreements_selectors import STATE_CHOICES
from .models import Agreement, AgreementKind, Organisation, Service, ServiceLevel


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Subject or notes")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + AgreementKind.choices)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + STATE_CHOICES)
    party = forms.ModelChoiceField(label=_("Party"), required=False, queryset=Organisation.objects.none(),
                                   empty_label=_("All organisations"))
    expiring = forms.BooleanField(label=_("Expiring soon"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = access.visible_organisations(user).only("id", "name").order_by("name")


class AgreementForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    # Not a model field of the form: the service validates and attaches it,
    # so the instance is never given an unchecked file.
    document = forms.FileField(
        label=_("Signed document"), required=False,
        widget=forms.FileInput(attrs={"accept": documents.ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = Agreement
        fields = ["kind", "subject", "parties", "services", "signed_on", "valid_from", "valid_until", "status", "notes"]
        widgets = {
            "signed_on": _date_widget(),
            "valid_from": _date_widget(),
            "valid_until": _date_widget(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "parties": forms.SelectMultiple(attrs={"size": 8}),
            "services": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "parties": _("The organisations that signed, at least one."),
            "services": _("Catalogue services the agreement concerns."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parties = access.visible_organisations(user).filter(is_active=True)
        services = access.visible_services(user).active().filter(level=ServiceLevel.SERVICE)
        if self.instance.pk:
            # Keep the current choices selectable even if since deactivated or retired.
            parties = parties | Organisation.objects.filter(pk__in=self.instance.parties.values("pk"))
            services = services | Service.objects.filter(pk__in=self.instance.services.values("pk"))
        self.fields["parties"].queryset = parties.distinct().order_by("name")
        self.fields["services"].queryset = services.distinct().order_by("sort_key")
        self.fields["document"].help_text = _(
            "PDF, ODT, DOCX, JPEG or PNG, up to %(size)s. A new file replaces the one shown; "
            "the earlier one stays in the archive."
        ) % {"size": filesizeformat(documents.max_bytes())}
