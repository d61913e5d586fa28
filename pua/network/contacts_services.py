"""Writes on the network contact log. Views and the API call these; each
checks the rules again and writes its audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import access
from .models import NetworkContact

CONTACT_FIELDS = [
    "date", "organisation", "organisation_name", "actor_type", "channel", "purpose", "outcome", "next_step",
    "next_step_due",
]


def may_log_contacts_at(user, access_point) -> bool:
    """Operators (and directors) of an access point keep its contact log."""
    return access_point is not None and user.has_perm(
        "network.view_networkcontact", NetworkContact(access_point=access_point)
    )


def _check(contact: NetworkContact, *, by, organisation_changed: bool) -> None:
    errors = {}
    contact.organisation_name = (contact.organisation_name or "").strip()
    if contact.organisation_id and contact.organisation_name:
        errors["organisation_name"] = ValidationError(
            _("Choose a registered organisation or type a name, not both."), code="organisation_twice")
    elif not contact.organisation_id and not contact.organisation_name:
        errors["organisation"] = ValidationError(
            _("Choose a registered organisation or type the name of one not yet registered."),
            code="organisation_missing")
    elif (organisation_changed and contact.organisation_id
          and not access.visible_organisations(by).filter(pk=contact.organisation_id).exists()):
        errors["organisation"] = ValidationError(_("Choose an organisation of your network."), code="not_visible")
    if contact.date and contact.date > timezone.localdate():
        errors["date"] = ValidationError(_("The date of a contact cannot be in the future."), code="future_date")
    if contact.next_step_due and not contact.next_step:
        errors["next_step"] = ValidationError(_("Describe the next step that is due."), code="next_step_missing")
    try:
        contact.full_clean(exclude=list(errors))
    except ValidationError as clean_error:
        errors.update(clean_error.error_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def network_contact_create(*, by, access_point, request=None, **values) -> NetworkContact:
    if not may_log_contacts_at(by, access_point):
        raise PermissionDenied
    contact = NetworkContact(access_point=access_point, operator=by,
                             **{k: v for k, v in values.items() if k in CONTACT_FIELDS})
    if contact.date is None:
        contact.date = timezone.localdate()
    _check(contact, by=by, organisation_changed=True)
    contact.save()
    after = snapshot(contact, CONTACT_FIELDS + ["access_point", "operator"])
    audit_change(action=AuditAction.CREATE, actor=by, obj=contact, changes=diff({}, after), request=request)
    return contact


@transaction.atomic
def network_contact_update(*, contact: NetworkContact, by, request=None, expected_version: int | None = None,
                           **values) -> NetworkContact:
    if not by.has_perm("network.change_networkcontact", contact):
        raise PermissionDenied
    before = snapshot_stored(contact, CONTACT_FIELDS)
    for name, value in values.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    _check(contact, by=by, organisation_changed=contact.organisation_id != before["organisation"])
    claim(contact, expected_version)
    contact.save()
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=contact, changes=changes, request=request)
    return contact
