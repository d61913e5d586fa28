"""Staff names on pages: full name, else username, else a dash when nobody is recorded."""

from django.contrib.auth import get_user_model
from django.template import Context, Template

TEMPLATE = Template("{% load users %}[{{ who|user_name }}]")


def _render(who) -> str:
    return TEMPLATE.render(Context({"who": who}))


def test_it_shows_the_full_name_or_the_username(db):
    User = get_user_model()
    assert _render(User(username="mrossi", first_name="Mario", last_name="Rossi")) == "[Mario Rossi]"
    assert _render(User(username="mrossi")) == "[mrossi]"


def test_it_shows_a_dash_when_nobody_is_recorded():
    assert _render(None) == "[—]"
    assert Template("{% load users %}[{{ referral.answered_by|user_name }}]").render(
        Context({"referral": {"answered_by": None}})) == "[—]"
