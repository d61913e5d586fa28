from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TotpConfirmForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of this device"), max_length=64, required=False,
                           help_text=_("For example: work phone."))
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmRemovalForm(StyledFormMixin, forms.Form):
    confirmation = forms.CharField(
        label=_("Your password or a current code"),
        max_length=128,
        help_text=_("To remove a second factor, confirm it is you: type your password, "
                    "a code from your authenticator app or a recovery code."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
