from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.network import documents

from .models import DocumentKind


class DocumentUploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *DocumentKind.choices])
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("A short description, e.g. “Passport, front and back”."))
    # The service checks type and size: the form only receives the file.
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": documents.ACCEPT_ATTRIBUTE}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, ODT, DOCX, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(documents.max_bytes())}
        self.fields["file"].widget.attrs["aria-describedby"] = "id_file_helptext"
