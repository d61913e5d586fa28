"""Fixtures of the data-subject rights' tests; the subject is built in ``subjects``."""

import pytest

from .subjects import BIRTH_DATE, FIRST, LAST, TAX_CODE, make_subject

__all__ = ["BIRTH_DATE", "FIRST", "LAST", "TAX_CODE"]


@pytest.fixture(autouse=True)
def _english(english_personas):
    yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def subject(world):
    return make_subject(world)
