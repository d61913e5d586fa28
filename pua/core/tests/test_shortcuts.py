import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from pua.core.shortcuts import found, require_perm, save_form, show_errors


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


def test_it_saves_through_the_service_and_reports_success(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = _Form({"name": "x"})
    assert form.is_valid()
    assert save_form(request, form, lambda data: data["name"].upper(), "Saved.") == "X"
    assert save_form(request, form, lambda data: None, "Saved.") is True
    assert [m.message for m in request._messages] == ["Saved.", "Saved."]


def test_it_keeps_the_form_when_the_service_refuses(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = _Form({"name": "x"})
    assert form.is_valid()

    def refuse(data):
        raise ValidationError({"name": "Taken."})

    assert save_form(request, form, refuse, "Saved.") is None
    assert form.errors["name"] == ["Taken."]
    assert list(request._messages) == []
