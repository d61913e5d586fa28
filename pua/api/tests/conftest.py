"""API test fixtures on top of the ``world`` personas (see the root conftest)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    """``api_as(user)``: an API client signed in (by session) as ``user``."""

    def _as(user):
        api.force_login(user)
        return api

    return _as
