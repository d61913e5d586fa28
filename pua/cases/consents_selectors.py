"""Reads for the consents feature."""

from __future__ import annotations


def consents_for_person(user, person) -> list:
    """What the person's journey page shows of this feature, scoped to ``user``."""
    return []
