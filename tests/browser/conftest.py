"""Playwright drives Debian's Chromium (never a downloaded browser build)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must
# still be allowed to touch the database from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


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
