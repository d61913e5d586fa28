"""Browser tests run against a live server of the test database."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must
# still be allowed to touch the database from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Browser tests run against a live server, so the database is flushed
    after each test: the reference data come back before each."""
