import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read validation messages; they are written in English."""
    with translation.override("en"):
        yield
