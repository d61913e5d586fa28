"""Who sees and edits people: every persona, own and other access point."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pua.network.models import Role
from pua.people.access import visible_persons
from pua.people.services import person_create

WORKERS = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}
IDENTITY = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT}
PERMS = ("view_person", "add_person", "change_person", "view_person_identity")


@pytest.fixture
def people(world):
    own = person_create(by=world.users["director"], access_point=world.ap_a, first_name="Lia", last_name="Neri")
    other = person_create(by=world.other_director, access_point=world.ap_b, first_name="Ugo", last_name="Moro")
    return own, other


def _expected(role, perm):
    return role in (IDENTITY if perm == "view_person_identity" else WORKERS)


@pytest.mark.parametrize("role", list(Role))
def test_it_grants_person_permissions_by_role_at_the_own_access_point(world, people, role):
    user = world.users[role.value]
    own, other = people
    for perm in PERMS:
        target = world.ap_a if perm == "add_person" else own
        assert user.has_perm(f"people.{perm}", target) is _expected(role, perm), perm
        other_target = world.ap_b if perm == "add_person" else other
        assert user.has_perm(f"people.{perm}", other_target) is False, perm
    assert user.has_perm("people.add_person") is (role in WORKERS)


def test_it_grants_the_other_access_point_only_its_own_people(world, people):
    own, other = people
    for user, role in ((world.other_director, Role.DIRECTOR), (world.other_worker, Role.SOCIAL_EXPERT)):
        for perm in PERMS:
            assert user.has_perm(f"people.{perm}", world.ap_b if perm == "add_person" else other) is _expected(role, perm)
            assert user.has_perm(f"people.{perm}", world.ap_a if perm == "add_person" else own) is False


def test_it_grants_nothing_to_anonymous_users(people):
    for perm in PERMS:
        assert AnonymousUser().has_perm(f"people.{perm}", people[0]) is False
    assert list(visible_persons(AnonymousUser())) == []


@pytest.mark.parametrize("role", list(Role))
def test_it_shows_only_the_people_of_the_own_access_point(world, people, role):
    own, _other = people
    expected = [own] if role in WORKERS else []
    assert list(visible_persons(world.users[role.value])) == expected


def test_it_shows_the_other_access_point_its_people_only(world, people):
    assert list(visible_persons(world.other_director)) == [people[1]]
    assert list(visible_persons(world.other_worker)) == [people[1]]
