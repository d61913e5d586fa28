"""Reads for the documents feature."""

from __future__ import annotations


def documents_for_person(user, person) -> list:
    """What the person's journey page shows of this feature, scoped to ``user``."""
    return []
