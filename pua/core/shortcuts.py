"""The three steps every HTML view repeats: 404 for what the user may not see,
403 for what they may see but not do, and a service's errors back on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from .concurrency import StaleObject


def found(obj):
    """The object, or 404: an object outside the user's reach looks missing."""
    if obj is None:
        raise Http404
    return obj


def require_perm(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def show_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form, field by field,
    keeping error codes; errors of fields the form lacks go to the top.
    When the record changed since the form was opened, the form also shows
    what differs (``VersionedFormMixin.show_conflict``)."""
    if isinstance(error, StaleObject) and hasattr(form, "show_conflict"):
        form.show_conflict(error)
    for field, errors in error.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, errors)


def save_form(request, form, write, success_message):
    """Run a service on a valid form: ``write(form.cleaned_data)``.

    On success add ``success_message`` and return the service's result (or
    True when it returns nothing); when the service refuses the data, put its
    errors on the form and return None, so the view renders the form again."""
    try:
        result = write(form.cleaned_data)
    except ValidationError as error:
        show_errors(form, error)
        return None
    messages.success(request, success_message)
    return True if result is None else result
