"""Managing instruments: creating one from an uploaded XLSForm, uploading new
versions, publishing and retiring them.

An upload is checked as a file first (an .xlsx no larger than 5 MiB whose
content is a real workbook), then parsed by ``pua.assessments.xlsform``. A
form with problems raises ``XLSFormError`` unchanged, so the page can show
every problem by sheet, row and column; nothing is saved.

Only one version of an instrument is published at a time: publishing one
retires the one before. Responses keep the version they were answered with,
so publishing and retiring never change collected answers. Instruments hold
no personal data: the audit trail records codes, numbers and statuses.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.concurrency import claim
from pua.core.models import AuditAction
from pua.people.access import PERSON_ROLES

from .access import RESTRICTED_DETAIL_PURPOSES
from .models import Instrument, InstrumentVersion, Purpose, VersionStatus
from .xlsform import parse_xlsform

MAX_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The roles an instrument may list as filling it in or reading its answers.
INSTRUMENT_ROLES = tuple(sorted(PERSON_ROLES))


def may_create_instrument(user, access_point) -> bool:
    """May ``user`` add an instrument at ``access_point`` (None: shipped, for every access point)?"""
    return user.has_perm("assessments.manage_instrument", Instrument(access_point=access_point))


def _read_upload(file) -> tuple[bytes, str]:
    """The bytes and a safe name of an uploaded XLSForm, or ValidationError."""
    if file is None:
        raise ValidationError({"file": _("Choose the XLSForm file to upload.")}, code="required")
    if PurePath(file.name or "").suffix.lower() != ".xlsx":
        raise ValidationError({"file": _("Upload the form as an Excel workbook (.xlsx).")}, code="file_type")
    if file.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is too large (%(size)s): the maximum is %(max)s.") % {
            "size": filesizeformat(file.size), "max": filesizeformat(MAX_BYTES)}}, code="file_too_large")
    file.seek(0)
    data = file.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, RuntimeError):
        is_workbook = False
    if not is_workbook:
        raise ValidationError({"file": _("The content of the file is not an Excel workbook (.xlsx).")},
                              code="file_content")
    stem = slugify(PurePath(file.name).stem)[:60] or "form"
    return data, f"{stem}.xlsx"


def _title_of(definition: dict) -> str:
    title = definition.get("title") or ""
    if isinstance(title, dict):
        default = definition.get("default_language") or ""
        title = title.get(default) or next((t for t in title.values() if t), "")
    return str(title).strip() or str(definition.get("form_id") or "")


def _unique_code(form_id: str) -> str:
    base = slugify(form_id)[:70] or "instrument"
    code, n = base, 1
    while Instrument.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _check_roles(fill_roles, read_roles) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, roles, missing in (
        ("fill_roles", fill_roles, _("Choose at least one role that fills in the instrument.")),
        ("read_roles", read_roles, _("Choose at least one role that reads the answers.")),
    ):
        if not roles:
            errors[name] = [missing]
        elif set(roles) - set(INSTRUMENT_ROLES):
            errors[name] = [_("Only directors, social and labour experts and outreach operators can be chosen.")]
    return errors


def _new_version(*, instrument, number, data, name, definition, by) -> InstrumentVersion:
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=number, form_version=str(definition.get("version") or "")[:40],
        status=VersionStatus.DRAFT, source_name=name, source=data, definition=definition,
        languages=list(definition.get("languages") or []), scoring_method=definition.get("scoring") or "",
        uploaded_by=by,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=version, changes={
        "instrument": [None, instrument.pk], "number": [None, number], "status": [None, version.status],
        "form_version": [None, version.form_version], "scoring_method": [None, version.scoring_method],
    })
    return version


@transaction.atomic
def instrument_create_from_upload(*, file, by, access_point=None, purpose, fill_roles, read_roles,
                                  title=None) -> Instrument:
    """A new instrument from an XLSForm, with its first version as a draft.

    ``access_point`` None makes it a shipped instrument, for every access
    point (administrators only). Raises ``XLSFormError`` when the form has
    problems, ValidationError for the rest."""
    if not may_create_instrument(by, access_point):
        raise PermissionDenied
    errors = _check_roles(fill_roles, read_roles)
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose what the instrument is for.")]
    if errors:
        raise ValidationError(errors)
    data, name = _read_upload(file)
    definition = parse_xlsform(data, name)
    instrument = Instrument.objects.create(
        code=_unique_code(str(definition.get("form_id") or "")),
        title=((title or "").strip() or _title_of(definition))[:200],
        purpose=purpose, access_point=access_point, owner=by,
        fill_roles=sorted(set(fill_roles)), read_roles=sorted(set(read_roles)),
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=instrument, changes={
        "code": [None, instrument.code], "purpose": [None, purpose],
        "access_point": [None, access_point.pk if access_point else None],
        "fill_roles": [None, instrument.fill_roles], "read_roles": [None, instrument.read_roles],
    })
    _new_version(instrument=instrument, number=1, data=data, name=name, definition=definition, by=by)
    return instrument


@transaction.atomic
def version_upload(*, instrument, file, by) -> InstrumentVersion:
    """A new draft version of ``instrument``, numbered after the last one.

    The form must keep the ``form_id`` of the instrument's versions (a
    different one is another questionnaire) and differ from the latest file."""
    if not by.has_perm("assessments.manage_instrument", instrument):
        raise PermissionDenied
    data, name = _read_upload(file)
    definition = parse_xlsform(data, name)
    # Lock the instrument so that two uploads at once cannot take the same number.
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    latest = instrument.versions.order_by("-number").only("number", "definition", "source").first()
    if latest is not None:
        form_id = str(definition.get("form_id") or "")
        expected = str(latest.definition.get("form_id") or "")
        if expected and form_id != expected:
            raise ValidationError({"file": _(
                "This form's form_id is “%(found)s”, but this instrument's is “%(expected)s”: "
                "upload it as a new instrument, or correct the settings sheet.") % {
                    "found": form_id, "expected": expected}}, code="form_id")
        if bytes(latest.source) == data:
            raise ValidationError({"file": _("This file is identical to version %(number)s.") % {
                "number": latest.number}}, code="unchanged")
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return _new_version(instrument=instrument, number=number, data=data, name=name, definition=definition, by=by)


def _set_status(version, status, by, **fields) -> None:
    old = version.status
    version.status = status
    for key, value in fields.items():
        setattr(version, key, value)
    version.save(update_fields=["status", *fields])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=version, changes={"status": [old, status]})


@transaction.atomic
def version_publish(*, version, by) -> InstrumentVersion:
    """Make ``version`` the one people fill in; the published one before it is retired.
    A retired version may be published again (to go back to it)."""
    instrument = version.instrument
    if not by.has_perm("assessments.manage_instrument", instrument):
        raise PermissionDenied
    Instrument.objects.select_for_update().filter(pk=instrument.pk).first()
    version = InstrumentVersion.objects.get(pk=version.pk)
    if version.status == VersionStatus.PUBLISHED:
        raise ValidationError(_("Version %(number)s is already published.") % {"number": version.number},
                              code="published")
    now = timezone.now()
    for previous in instrument.versions.filter(status=VersionStatus.PUBLISHED):
        _set_status(previous, VersionStatus.RETIRED, by, retired_at=now)
    _set_status(version, VersionStatus.PUBLISHED, by, published_at=now, published_by=by, retired_at=None)
    return version


@transaction.atomic
def version_retire(*, version, by) -> InstrumentVersion:
    """Stop using ``version``: a published one can no longer be filled in,
    a draft will not be published. Answers already given keep it."""
    if not by.has_perm("assessments.manage_instrument", version.instrument):
        raise PermissionDenied
    Instrument.objects.select_for_update().filter(pk=version.instrument_id).first()
    version = InstrumentVersion.objects.get(pk=version.pk)
    if version.status == VersionStatus.RETIRED:
        raise ValidationError(_("Version %(number)s is already retired.") % {"number": version.number},
                              code="retired")
    now = timezone.now()
    _set_status(version, VersionStatus.RETIRED, by, retired_at=now)
    return version


@transaction.atomic
def instrument_update(*, instrument, by, title, description, purpose, fill_roles, read_roles,
                      expected_version: int | None = None) -> Instrument:
    """Change what ``instrument`` is called and for, and who fills it in and reads it.

    Versions and answers are untouched; the new roles apply to the answers
    already given too. An exploitation screening with answers keeps its
    purpose: its answers stay within the case team."""
    if not by.has_perm("assessments.manage_instrument", instrument):
        raise PermissionDenied
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    errors = _check_roles(fill_roles, read_roles)
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the instrument a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title can be at most 200 characters long.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose what the instrument is for.")]
    elif (purpose != instrument.purpose and instrument.purpose in RESTRICTED_DETAIL_PURPOSES
          and instrument.versions.filter(responses__isnull=False).exists()):
        errors["purpose"] = [_("This instrument already has answers that only the case team may read: "
                               "its purpose cannot change.")]
    if errors:
        raise ValidationError(errors)
    new = {"title": title, "description": (description or "").strip(), "purpose": purpose,
           "fill_roles": sorted(set(fill_roles)), "read_roles": sorted(set(read_roles))}
    changes = {name: [getattr(instrument, name), value] for name, value in new.items()
               if getattr(instrument, name) != value}
    if changes:
        for name, (_old, value) in changes.items():
            setattr(instrument, name, value)
        claim(instrument, expected_version)
        instrument.save(update_fields=list(changes))
        audit_change(action=AuditAction.UPDATE, actor=by, obj=instrument, changes=changes)
    return instrument


@transaction.atomic
def instrument_set_active(*, instrument, active, by, expected_version: int | None = None) -> Instrument:
    """Offer ``instrument`` for new responses again, or stop offering it.
    Answers already given, and the drafts already started, stay as they are."""
    if not by.has_perm("assessments.manage_instrument", instrument):
        raise PermissionDenied
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    active = bool(active)
    if instrument.is_active == active:
        raise ValidationError(_("The instrument is already active.") if active
                              else _("The instrument is already inactive."), code="unchanged")
    instrument.is_active = active
    claim(instrument, expected_version)
    instrument.save(update_fields=["is_active"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=instrument, changes={"is_active": [not active, active]})
    return instrument
