import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from pua.core.shortcuts import found, require_perm, show_errors


class _Form(forms.Form):
    name = forms.CharField()


def test_it_answers_404_for_a_missing_object():
    with pytest.raises(Http404):
        found(None)
    assert found("x") == "x"


def test_it_answers_403_without_the_permission(world):
    with pytest.raises(PermissionDenied):
        require_perm(world.users["board_viewer"], "network.add_organisation")
    require_perm(world.users["director"], "network.add_organisation")


def test_it_puts_service_errors_on_the_form_fields_or_on_top():
    form = _Form({"name": "x"})
    assert form.is_valid()
    show_errors(form, ValidationError({"name": "Taken.", "other": "Wrong."}))
    show_errors(form, ValidationError("General."))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Wrong.", "General."]
