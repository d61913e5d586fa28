"""Forms of the instrument pages. The services check the file and the form
inside it: these forms only collect what the user chose."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.network.models import AccessPoint, Role

from .instrument_services import MAX_BYTES, XLSX_CONTENT_TYPE
from .models import Purpose

# In the order people think of them, not alphabetical.
ROLE_CHOICES = [(role, Role(role).label) for role in (
    Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR)]
STATE_CHOICES = [
    ("", _("Any status")), ("published", _("Published")), ("draft", _("Draft, never published")),
    ("retired", _("Retired")), ("inactive", _("Inactive")),
]


def _file_field():
    return forms.FileField(label=_("XLSForm file"),
                           widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}))


def _describe_file(form) -> None:
    form.fields["file"].help_text = gettext(
        "An Excel workbook (.xlsx) with the survey, choices and settings sheets, up to %(size)s.") % {
        "size": filesizeformat(MAX_BYTES)}
    form.fields["file"].widget.attrs["aria-describedby"] = "id_file_helptext"


class InstrumentUploadForm(StyledFormMixin, forms.Form):
    file = _file_field()
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "---------"), *Purpose.choices])
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the title in the form's settings sheet."))
    fill_roles = forms.MultipleChoiceField(
        label=_("Who fills it in"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
        initial=[r for r, _label in ROLE_CHOICES])
    read_roles = forms.MultipleChoiceField(
        label=_("Who reads the answers"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
        initial=[Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT])
    access_point = forms.ModelChoiceField(
        label=_("Available at"), queryset=AccessPoint.objects.none(), required=False,
        empty_label=_("Every access point (shipped with PUA)"))

    field_order = ["file", "purpose", "title", "fill_roles", "read_roles", "access_point"]

    def __init__(self, *args, choose_access_point: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _describe_file(self)
        if choose_access_point:
            self.fields["access_point"].queryset = AccessPoint.objects.filter(is_active=True).order_by("name")
        else:
            del self.fields["access_point"]


class InstrumentEditForm(StyledFormMixin, forms.Form):
    """The settings of an existing instrument: the create form's choices, plus a description."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the instrument is for and when to use it, for the colleagues who fill it in."))
    purpose = InstrumentUploadForm.base_fields["purpose"]
    fill_roles = InstrumentUploadForm.base_fields["fill_roles"]
    read_roles = InstrumentUploadForm.base_fields["read_roles"]

    def __init__(self, *args, instrument, **kwargs):
        kwargs.setdefault("initial", {
            "title": instrument.title, "description": instrument.description, "purpose": instrument.purpose,
            "fill_roles": list(instrument.fill_roles), "read_roles": list(instrument.read_roles)})
        super().__init__(*args, **kwargs)
        self.fields["fill_roles"].error_messages["required"] = _("Choose at least one role that fills in the instrument.")
        self.fields["read_roles"].error_messages["required"] = _("Choose at least one role that reads the answers.")


class VersionUploadForm(StyledFormMixin, forms.Form):
    file = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _describe_file(self)


class InstrumentFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    purpose = forms.ChoiceField(label=_("Purpose"), required=False, choices=[("", _("Any purpose")), *Purpose.choices])
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATE_CHOICES)
