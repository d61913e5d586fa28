"""Rectification of identity (GDPR art. 16) with its history."""

import pytest

from pua.core.models import AuditEntry
from pua.governance.models import PersonRectification
from pua.people.models import Person

pytestmark = pytest.mark.django_db

NEW_PHONE = "+39 347 555 0101"


def _rectify(client, person, **values):
    data = {name: getattr(person, name) or "" for name in (
        "first_name", "last_name", "gender_identity", "birth_place", "tax_code", "phone", "email")}
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
    data.update(values)
    return client.post(f"/privacy/people/{person.pk}/rectify/", data)


@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert"])
def test_it_records_the_old_and_new_values_with_the_reason(world, subject, login, role):
    response = _rectify(login(world.users[role]), subject, phone=NEW_PHONE, reason="Numero cambiato")
    assert response.status_code == 302
    assert Person.objects.get(pk=subject.pk).phone == NEW_PHONE
    row = PersonRectification.objects.get()
    assert (row.field, row.old_value, row.new_value, row.reason, row.rectified_by) == (
        "phone", "+39 333 918 2745", NEW_PHONE, "Numero cambiato", world.users[role])


def test_the_audit_trail_keeps_only_the_field_names(world, subject, login):
    _rectify(login(world.users["director"]), subject, phone=NEW_PHONE, reason="Numero cambiato")
    entry = AuditEntry.objects.filter(object_type="people.person", action="update").latest("id")
    assert entry.changes == {"phone": ["[redacted]", "[redacted]"]}
    assert not AuditEntry.objects.filter(changes__icontains="555 0101").exists()


def test_it_shows_the_history_on_the_person_page_to_who_sees_identity(world, subject, login):
    _rectify(login(world.users["director"]), subject, phone=NEW_PHONE, reason="Numero cambiato")
    page = login(world.users["social_expert"]).get(f"/cases/person/{subject.pk}/").content.decode()
    assert 'id="rectification-history"' in page and "+39 333 918 2745" in page
    outreach = login(world.users["outreach_operator"]).get(f"/cases/person/{subject.pk}/").content.decode()
    assert "rectification-history" not in outreach and "+39 333 918 2745" not in outreach


def test_it_asks_for_a_reason_and_a_change(world, subject, login):
    client = login(world.users["director"])
    assert _rectify(client, subject, phone=NEW_PHONE, reason="").status_code == 400
    assert _rectify(client, subject, reason="Niente").status_code == 400
    assert not PersonRectification.objects.exists()


@pytest.mark.parametrize("role", ["outreach_operator", "partner_operator"])
def test_other_roles_cannot_rectify(world, subject, login, role):
    response = _rectify(login(world.users[role]), subject, phone=NEW_PHONE, reason="x")
    assert response.status_code in (403, 404)
    assert Person.objects.get(pk=subject.pk).phone != NEW_PHONE


def test_a_restricted_person_cannot_be_rectified(world, subject, login):
    client = login(world.users["director"])
    client.post(f"/privacy/people/{subject.pk}/restrict/", {"reason": "Contestazione"})
    assert _rectify(client, subject, phone=NEW_PHONE, reason="x").status_code == 403


def test_a_tax_code_that_does_not_match_the_identity_is_refused_with_a_message(world, subject, login):
    response = _rectify(login(world.users["director"]), subject, tax_code="RSSMRA80A01H501U", reason="Errore")
    assert response.status_code == 400
    assert 'id="id_tax_code_error"' in response.content.decode()
    assert not PersonRectification.objects.exists()


def test_a_malformed_date_is_refused_with_a_message(world, subject, login):
    response = _rectify(login(world.users["director"]), subject, birth_date="31/02/abc", reason="Errore")
    assert response.status_code == 400
    assert 'id="id_birth_date_error"' in response.content.decode()
