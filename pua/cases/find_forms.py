"""The query of the header's search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin

from .find_selectors import MAX_LENGTH, MIN_LENGTH


class FindForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), min_length=MIN_LENGTH, max_length=MAX_LENGTH, strip=True,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))

    def __init__(self, *args, label: str = "", placeholder: str = "", **kwargs):
        """``label`` and ``placeholder`` say what this user may search (``menu.search``)."""
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label
        if placeholder:
            self.fields["q"].widget.attrs["placeholder"] = placeholder
