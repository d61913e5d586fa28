import pytest


@pytest.fixture(autouse=True)
def _english_personas(english_personas):
    """These tests read messages and labels; they are written in English."""
