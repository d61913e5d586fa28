"""Case notes. A *restricted* note is for the case team and the director
(``cases.view_restricted``): others do not even see that it exists, so its
timeline line is restricted too. Neither the audit entry nor the timeline
holds the text."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.models import AuditAction

from .case_services import event_record
from .models import Case, CaseEventKind, CaseNote

NOTE_MAX_LENGTH = 10_000


@transaction.atomic
def note_add(*, case: Case, text: str, restricted: bool, by) -> CaseNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")}, code="required")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": _("A note holds at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}},
                              code="max_length")
    if restricted and not by.has_perm("cases.view_restricted", case):
        raise ValidationError(
            {"restricted": _("Only the case team and the director can write restricted notes.")}, code="restricted")
    note = CaseNote.objects.create(case=case, author=by, text=text, restricted=bool(restricted))
    event_record(case=case, kind=CaseEventKind.NOTE, actor=by,
                 message="restricted_note_added" if restricted else "note_added",
                 obj=note, restricted=bool(restricted), occurred_at=note.created_at)
    audit_change(action=AuditAction.CREATE, actor=by, obj=note, access_point_id=case.access_point_id,
                 changes={"restricted": [None, bool(restricted)]})
    return note
