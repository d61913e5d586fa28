"""API test fixtures on top of the ``world`` personas (see the root conftest)."""

import pytest

from .clients import ConditionalAPIClient


@pytest.fixture
def api():
    return ConditionalAPIClient()


@pytest.fixture
def api_as(api):
    """``api_as(user)``: an API client signed in (by session) as ``user``."""

    def _as(user):
        api.force_login(user)
        return api

    return _as
