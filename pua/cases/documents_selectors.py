"""Reads for the documents feature: only staff of the person's access point
see documents (``access.visible_documents``); partners never do."""

from __future__ import annotations

from django.db.models import QuerySet

from . import access
from .models import CaseDocument

JOURNEY_SIZE = 10


def person_documents(user, person) -> QuerySet[CaseDocument]:
    """The person's documents the user may see, newest first."""
    return (access.visible_documents(user).filter(person=person)
            .select_related("case", "referral", "uploaded_by").order_by("-uploaded_at", "-id"))


def documents_for_person(user, person) -> list:
    """What the person's journey page shows of this feature, scoped to ``user``:
    the latest documents (the full list is one link away)."""
    return list(person_documents(user, person)[:JOURNEY_SIZE])


def document_get(user, pk) -> CaseDocument | None:
    return access.visible_documents(user).select_related("person", "case", "referral").filter(pk=pk).first()
