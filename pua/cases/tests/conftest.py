import pytest
from django.contrib.auth import get_user_model
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_personas(request):
    """These tests read messages and labels; they are written in English.
    Pages follow the signed-in user's language, so the personas speak English too."""
    with translation.override("en"):
        if "world" in request.fixturenames:
            world = request.getfixturevalue("world")
            get_user_model().objects.update(preferred_language="en")
            for user in [*world.users.values(), world.other_director, world.other_worker]:
                user.preferred_language = "en"
        yield
