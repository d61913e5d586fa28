"""A person's name in lists: last and first name, or a text that says none is recorded."""

from django.template import Context, Template
from django.utils import translation

from pua.people.models import Person

TEMPLATE = Template("{% load person_names %}<a>{{ person|person_name }}</a>")


def test_it_shows_last_and_first_name():
    assert TEMPLATE.render(Context({"person": Person(first_name="Ada", last_name="Neri")})) == "<a>Neri Ada</a>"


def test_it_never_leaves_a_link_without_text():
    with translation.override("en"):
        assert TEMPLATE.render(Context({"person": Person()})) == "<a>name not recorded</a>"
