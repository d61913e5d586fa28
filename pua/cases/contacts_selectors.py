"""Reads for the contacts feature."""

from __future__ import annotations


def contacts_for_person(user, person) -> list:
    """What the person's journey page shows of this feature, scoped to ``user``."""
    return []
