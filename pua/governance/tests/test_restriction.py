"""Restriction of processing (GDPR art. 18): frozen, hidden from partners, seen only by the director."""

import pytest
from django.core.exceptions import ValidationError

from pua.core.models import AuditEntry
from pua.people.models import Person
from pua.people.services import person_update

from .subjects import LAST

pytestmark = pytest.mark.django_db


def _restrict(client, person, reason="Contesta l'esattezza dei dati"):
    return client.post(f"/privacy/people/{person.pk}/restrict/", {"reason": reason})


def test_it_restricts_and_lifts_the_processing(world, subject, login):
    client = login(world.users["director"])
    assert _restrict(client, subject).status_code == 302
    subject.refresh_from_db()
    assert subject.restricted_at is not None and subject.restricted_by == world.users["director"]
    assert client.post(f"/privacy/people/{subject.pk}/restriction/lift/").status_code == 302
    subject.refresh_from_db()
    assert subject.restricted_at is None and subject.restriction_reason == ""


def test_it_asks_for_a_reason(world, subject, login):
    response = _restrict(login(world.users["director"]), subject, reason="")
    assert response.status_code == 400
    assert Person.objects.get(pk=subject.pk).restricted_at is None


def test_it_keeps_the_reason_out_of_the_audit_trail(world, subject, login):
    _restrict(login(world.users["director"]), subject, reason=f"Richiesta di {LAST}")
    assert not AuditEntry.objects.filter(changes__icontains=LAST).exists()


def test_a_partner_loses_access_while_restricted(world, subject, login):
    case = subject.cases.get()
    partner = login(world.users["partner_operator"])
    assert partner.get(f"/cases/{case.pk}/").status_code == 200
    _restrict(login(world.users["director"]), subject)
    partner = login(world.users["partner_operator"])
    assert partner.get(f"/cases/{case.pk}/").status_code == 404
    assert LAST not in partner.get("/cases/").content.decode()


@pytest.mark.parametrize("role", ["social_expert", "labour_expert", "outreach_operator"])
def test_other_staff_get_not_found_while_restricted(world, subject, login, role):
    case = subject.cases.get()
    _restrict(login(world.users["director"]), subject)
    client = login(world.users[role])
    assert client.get(f"/people/{subject.pk}/").status_code == 404
    assert client.get(f"/cases/person/{subject.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert subject.case_number not in client.get("/people/").content.decode()


def test_the_director_still_sees_the_record_but_cannot_change_it(world, subject, login):
    case = subject.cases.get()
    client = login(world.users["director"])
    _restrict(client, subject)
    assert client.get(f"/people/{subject.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/interventions/new/").status_code == 403
    assert client.post(f"/cases/{case.pk}/notes/", {"text": "nuova nota"}).status_code == 403
    assert client.post(f"/cases/{case.pk}/close/", {"reason": "other"}).status_code == 403


def test_the_services_refuse_to_change_a_restricted_person(world, subject, login):
    _restrict(login(world.users["director"]), subject)
    subject.refresh_from_db()
    with pytest.raises(ValidationError, match="restricted"):
        person_update(subject, by=world.users["director"], phone="+39 333 000 0000")
    assert Person.objects.get(pk=subject.pk).phone == "+39 333 918 2745"


def test_the_api_refuses_to_change_a_restricted_person(world, subject, login):
    _restrict(login(world.users["director"]), subject)
    from pua.api.tests.clients import ConditionalAPIClient

    api = ConditionalAPIClient()
    api.force_authenticate(world.users["director"])
    response = api.patch(f"/api/v1/persons/{subject.pk}/", {"phone": "+39 333 000 0000"}, format="json")
    assert response.status_code in (400, 403), response.content
    assert Person.objects.get(pk=subject.pk).phone == "+39 333 918 2745"


def test_assessments_of_a_restricted_person_are_hidden_and_frozen(world, subject, login):
    from pua.assessments import services as assessment_services
    from pua.assessments.tests.test_response_services import fill_all, make_version

    expert = world.users["social_expert"]
    version = make_version()
    response = assessment_services.response_submit(
        response=fill_all(assessment_services.response_start(version=version, person=subject, by=expert), expert),
        by=expert)
    client = login(expert)
    assert client.get(f"/assessments/responses/{response.pk}/").status_code == 200
    _restrict(login(world.users["director"]), subject)
    client = login(expert)
    assert client.get(f"/assessments/responses/{response.pk}/").status_code in (403, 404)
    assert client.post("/assessments/responses/new/", {"person": subject.pk, "version": version.pk}
                       ).status_code in (403, 404)
    director = login(world.users["director"])
    assert director.get(f"/assessments/responses/{response.pk}/").status_code == 200
    director.post("/assessments/responses/new/", {"person": subject.pk, "version": version.pk})
    assert not subject.responses.filter(status="draft").exists()
