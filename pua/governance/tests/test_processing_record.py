"""The record of processing activities (GDPR art. 30)."""

import pytest
from django.apps import apps

from pua.governance import ropa
from pua.network.models import Role

pytestmark = pytest.mark.django_db


def _holds_personal_data(model) -> bool:
    if model._meta.label_lower == "people.person":
        return True
    return any(f.is_relation and f.concrete and f.related_model is not None
               and f.related_model._meta.label_lower == "people.person" for f in model._meta.get_fields())


def test_every_model_with_personal_data_is_in_the_record():
    personal = {m._meta.label_lower for m in apps.get_models() if _holds_personal_data(m)}
    assert personal, "the check must find the models linked to Person"
    assert personal - ropa.registered_labels() == set()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.BOARD_VIEWER, Role.ADMIN])
def test_directors_board_members_and_administrators_read_it_from_the_menu(world, login, role):
    client = login(world.users[role.value])
    assert 'href="/privacy/processing/"' in client.get("/").content.decode()
    page = client.get("/privacy/processing/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-model="people.person"' in text and 'data-model="cases.casedocument"' in text
    assert "tax code" in text and "special category" in text


@pytest.mark.parametrize("role", [Role.SOCIAL_EXPERT, Role.OUTREACH_OPERATOR, Role.PARTNER_OPERATOR,
                                  Role.REGIONAL_COORDINATOR])
def test_other_roles_neither_see_the_link_nor_open_the_page(world, login, role):
    client = login(world.users[role.value])
    assert "/privacy/processing/" not in client.get("/").content.decode()
    assert client.get("/privacy/processing/").status_code == 403


def test_the_roles_are_derived_from_the_permission_rules(world, login):
    entries = {e["label"]: e for e in ropa.processing_record()}
    assert set(entries["people.personalias"]["roles"]) == {
        Role.DIRECTOR.label, Role.SOCIAL_EXPERT.label, Role.LABOUR_EXPERT.label}
    assert Role.OUTREACH_OPERATOR.label in entries["people.person"]["roles"]
    assert Role.PARTNER_OPERATOR.label not in entries["people.person"]["roles"]
    assert entries["governance.legalhold"]["roles"] == [Role.DIRECTOR.label]


def test_the_retention_comes_from_the_setting(settings):
    settings.RETENTION = {**settings.RETENTION, "anonymous_contact": {"years": 3}}
    entries = {e["label"]: e for e in ropa.processing_record()}
    assert entries["cases.contact"]["retention_years"] == 3


def test_the_page_costs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    client.get("/")
    with django_assert_max_num_queries(12):
        assert client.get("/privacy/processing/").status_code == 200
