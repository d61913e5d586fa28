"""Writes on agreements: create, update, and opening the signed document.

The HTML views and the API call these functions, which check the rules again
(the access point must be one the author directs; parties and services must be
visible to them), validate dates and documents, and write the audit trail.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, audit_record, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from . import access, documents
from .models import Agreement, ServiceLevel

AGREEMENT_FIELDS = ["kind", "subject", "signed_on", "valid_from", "valid_until", "status", "notes"]


def may_create_agreement_at(user, access_point) -> bool:
    """A new agreement belongs to an access point its author directs."""
    return access_point is not None and user.has_perm("network.change_agreement", Agreement(access_point=access_point))


def _check_dates(agreement: Agreement) -> None:
    errors = {}
    if agreement.signed_on and agreement.signed_on > timezone.localdate():
        errors["signed_on"] = ValidationError(_("The signing date cannot be in the future."), code="future_date")
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        errors["valid_until"] = ValidationError(_("The end of validity cannot come before its start."),
                                              code="ends_before_start")
    if errors:
        raise ValidationError(errors)


def _check_parties(*, by, parties, current=()) -> None:
    """At least one party; the ones added must be in the author's network
    (current parties may stay even if they have since left it)."""
    if not parties:
        raise ValidationError({"parties": ValidationError(_("Choose at least one party."), code="required")})
    added = {p.pk for p in parties} - set(current)
    visible = set(access.visible_organisations(by).filter(pk__in=added).values_list("pk", flat=True))
    if added - visible:
        raise ValidationError({"parties": ValidationError(_("Choose parties among the organisations of your network."),
                                                          code="not_visible")})


def _check_services(*, by, services, current=()) -> None:
    wanted = {s.pk for s in services} - set(current)
    if not wanted:
        return
    allowed = set(
        access.visible_services(by).filter(pk__in=wanted, level=ServiceLevel.SERVICE).values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise ValidationError({"services": ValidationError(
            _("Choose services of the catalogue (at the service level)."), code="invalid_service")})


def _attach_document(agreement: Agreement, document) -> None:
    try:
        documents.validate_document(document)
    except ValidationError as error:
        raise ValidationError({"document": error})
    document.name = documents.safe_name(document.name)
    agreement.document = document


def _all_checks(*checks) -> None:
    """Run every check and report all their errors together."""
    errors: dict[str, list] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            error.update_error_dict(errors)  # keeps the codes
    if errors:
        raise ValidationError(errors)


def _relations(agreement: Agreement) -> dict:
    return {
        "parties": sorted(agreement.parties.values_list("pk", flat=True)),
        "services": sorted(agreement.services.values_list("pk", flat=True)),
    }


@transaction.atomic
def agreement_create(*, by, access_point, parties, services=(), document=None, request=None,
                     **values) -> Agreement:
    if not may_create_agreement_at(by, access_point):
        raise PermissionDenied
    parties, services = list(parties), list(services or [])
    agreement = Agreement(access_point=access_point, **{k: v for k, v in values.items() if k in AGREEMENT_FIELDS})
    _all_checks(
        lambda: _check_dates(agreement),
        lambda: _check_parties(by=by, parties=parties),
        lambda: _check_services(by=by, services=services),
        lambda: document and _attach_document(agreement, document),
        agreement.full_clean,
    )
    agreement.save()
    agreement.parties.set(parties)
    agreement.services.set(services)
    after = snapshot(agreement, AGREEMENT_FIELDS + ["access_point"])
    after.update(_relations(agreement))
    after["document"] = agreement.document.name or None
    audit_change(action=AuditAction.CREATE, actor=by, obj=agreement, changes=diff({}, after), request=request)
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, parties=None, services=None, document=None, request=None,
                     expected_version: int | None = None, **values) -> Agreement:
    if not by.has_perm("network.change_agreement", agreement):
        raise PermissionDenied
    before = snapshot_stored(agreement, AGREEMENT_FIELDS)
    before.update(_relations(agreement))
    before["document"] = Agreement.objects.filter(pk=agreement.pk).values_list("document", flat=True).first() or None
    for name, value in values.items():
        if name in AGREEMENT_FIELDS:
            setattr(agreement, name, value)
    parties = list(parties) if parties is not None else None
    services = list(services) if services is not None else None
    # A new document does not delete the earlier file: a signed document is
    # evidence, and the audit trail names it.
    _all_checks(
        lambda: _check_dates(agreement),
        lambda: parties is not None and _check_parties(by=by, parties=parties, current=before["parties"]),
        lambda: services is not None and _check_services(by=by, services=services, current=before["services"]),
        lambda: document and _attach_document(agreement, document),
        agreement.full_clean,
    )
    claim(agreement, expected_version)
    agreement.save()
    if parties is not None:
        agreement.parties.set(parties)
    if services is not None:
        agreement.services.set(services)
    after = snapshot(agreement, AGREEMENT_FIELDS)
    after.update(_relations(agreement))
    after["document"] = agreement.document.name or None
    changes = diff(before, after)
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=agreement, changes=changes, request=request)
    return agreement


def agreement_document_open(*, agreement: Agreement, by, request=None):
    """Open the signed document for reading and record who did. Returns the
    open file and the name to offer for download."""
    if not by.has_perm("network.view_agreement", agreement):
        raise PermissionDenied
    if not agreement.document:
        return None, ""
    filename = agreement.document.name.rsplit("/", 1)[-1]
    try:
        handle = agreement.document.storage.open(agreement.document.name, "rb")
    except FileNotFoundError:
        return None, ""
    audit_record(action=AuditAction.READ, actor=by, obj=agreement, changes={"document": filename}, request=request)
    return handle, filename
