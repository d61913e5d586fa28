"""Browser tests run against a live server of the test database."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must
# still be allowed to touch the database from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Browser tests run against a live server, so the database is flushed
    after each test, reference data loaded by migrations included: put it
    back before each test."""
    from django.apps import apps

    from pua.assessments.loader import load_instruments
    from pua.assessments.models import Instrument
    from pua.network.models import Municipality
    from pua.network.reference import load_reference_data

    if not Municipality.objects.exists():
        load_reference_data(apps)
    if not Instrument.objects.exists():
        load_instruments()
