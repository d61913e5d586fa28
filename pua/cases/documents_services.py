"""Storing documents of a person (and of a case or an inbound referral).

Files are checked (type by extension *and* content, size) by
``pua.network.documents`` before anything is written, renamed to a safe
name, and stored under MEDIA_ROOT; they are read only through
``document_open``, which audits every download. Titles may name people, so
the audit trail and the timeline record the kind, type and size only.
"""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, audit_record
from pua.core.models import AuditAction
from pua.network import documents

from .case_services import event_record
from .models import CaseDocument, CaseEventKind, DocumentKind, ReferralDirection


def _check_links(*, person, case, referral) -> dict:
    errors: dict[str, list[str]] = {}
    if person.merged_into_id:
        errors.setdefault("person", []).append(
            _("This record was merged into another one: add the document there."))
    if case is not None and case.person_id != person.pk:
        errors.setdefault("case", []).append(_("The case belongs to another person."))
    if referral is not None:
        if referral.person_id != person.pk:
            errors.setdefault("referral", []).append(_("The referral concerns another person."))
        elif referral.direction != ReferralDirection.INBOUND:
            errors.setdefault("referral", []).append(_("Documents are attached to inbound referrals only."))
    return errors


@transaction.atomic
def document_upload(*, person, file, kind, title, by, case=None, referral=None) -> CaseDocument:
    """Check and store ``file`` as a document of ``person``; with a case, it
    appears in the case's timeline."""
    if not by.has_perm("cases.add_document", person):
        raise PermissionDenied
    errors = _check_links(person=person, case=case, referral=referral)
    if kind not in DocumentKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of document."))
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the document a title."))
    if file is None:
        errors.setdefault("file", []).append(_("Choose the file to upload."))
    else:
        try:
            doc_type = documents.validate_document(file)
        except ValidationError as error:
            errors.setdefault("file", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    file.name = documents.safe_name(file.name)
    document = CaseDocument.objects.create(
        person=person, case=case, referral=referral, kind=kind, title=title[:200], file=file,
        content_type=doc_type.content_type, size=file.size, uploaded_by=by,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=document, access_point_id=document.person.access_point_id,
                 changes={
        "person": [None, person.pk], "case": [None, case.pk if case else None],
        "referral": [None, referral.pk if referral else None], "kind": [None, kind],
        "content_type": [None, document.content_type], "size": [None, document.size],
    })
    timeline_case = case or (referral.case if referral is not None else None)
    if timeline_case is not None:
        event_record(case=timeline_case, kind=CaseEventKind.DOCUMENT, actor=by, obj=document, message="document_added",
                     data={"document": document.pk, "kind": kind, "referral": referral.pk if referral else None})
    return document


def download_name(document: CaseDocument) -> str:
    """The name offered for download: the title, made safe, with the stored extension."""
    extension = PurePath(document.file.name).suffix.lower()
    return f"{slugify(document.title)[:60] or 'document'}{extension}"


def document_open(*, document: CaseDocument, by, request=None):
    """Open the stored file for reading and record the download.
    Returns the open file, or None when it is missing from the storage."""
    if not by.has_perm("cases.view_document", document):
        raise PermissionDenied
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        return None
    audit_record(action=AuditAction.READ, actor=by, obj=document, access_point_id=document.person.access_point_id,
                 changes={"download": True}, request=request)
    return handle
