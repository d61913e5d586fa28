"""Erasure by pseudonymisation (GDPR art. 17): identity gone everywhere, anonymous case data kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pua.cases.models import Case, CaseDocument, CaseNote, Intervention, Referral, Task
from pua.core.audit import audit_change
from pua.core.models import AuditAction, AuditEntry
from pua.governance.models import LegalHold
from pua.governance.privacy_services import person_erase
from pua.people.models import Person, PersonAlias

from .scan import tables_holding
from .subjects import BIRTH_DATE, FIRST, LAST, TAX_CODE

pytestmark = pytest.mark.django_db


def _erase(client, person):
    return client.post(f"/privacy/people/{person.pk}/erase/", {"confirm_case_number": person.case_number})


def test_it_refuses_to_erase_while_a_legal_hold_is_in_force(world, subject, login):
    client = login(world.users["director"])
    assert client.post(f"/privacy/people/{subject.pk}/holds/", {"reason": "Procedimento penale in corso"}
                       ).status_code == 302
    response = _erase(client, subject)
    assert response.status_code == 400
    assert "legal hold" in response.content.decode()
    assert Person.objects.get(pk=subject.pk).tax_code == TAX_CODE


def test_it_erases_once_the_legal_hold_is_lifted(world, subject, login):
    client = login(world.users["director"])
    client.post(f"/privacy/people/{subject.pk}/holds/", {"reason": "Ispezione"})
    hold = LegalHold.objects.get()
    assert client.post(f"/privacy/people/{subject.pk}/holds/{hold.pk}/lift/").status_code == 302
    assert _erase(client, subject).status_code == 302
    assert Person.objects.get(pk=subject.pk).erased_at is not None


def test_an_expired_legal_hold_does_not_stop_the_erasure(world, subject):
    LegalHold.objects.create(person=subject, reason="Scaduto", until=timezone.localdate() - datetime.timedelta(days=1),
                             set_by=world.users["director"])
    person_erase(person=subject, by=world.users["director"])
    assert Person.objects.get(pk=subject.pk).erased_at is not None


def test_it_refuses_while_a_document_kind_must_by_law_be_kept(world, subject, settings):
    settings.RETENTION = {**settings.RETENTION, "document": {"years": 10, "minimum_years": {"identity": 5}}}
    with pytest.raises(ValidationError, match="law requires"):
        person_erase(person=subject, by=world.users["director"])


def test_it_asks_to_type_the_case_number(world, subject, login):
    response = login(world.users["director"]).post(f"/privacy/people/{subject.pk}/erase/",
                                                   {"confirm_case_number": "P-0000-000000"})
    assert response.status_code == 400
    assert Person.objects.get(pk=subject.pk).erased_at is None


def test_it_destroys_the_identity_and_keeps_the_anonymous_case_data(world, subject, login):
    case = subject.cases.get()
    document = CaseDocument.objects.get()
    stored = document.file.path
    assert _erase(login(world.users["director"]), subject).status_code == 302
    person = Person.objects.get(pk=subject.pk)
    assert (person.first_name, person.last_name, person.tax_code, person.phone, person.email, person.birth_place,
            person.household_notes, person.birth_date) == ("", "", None, "", "", "", "", None)
    assert person.birth_year == BIRTH_DATE.year and person.sex == "male"
    assert not PersonAlias.objects.filter(person=person).exists()
    assert person.permits.get().number == ""
    # Case data stay, anonymous.
    case.refresh_from_db()
    assert case.status == "taken_in_charge" and case.opened_at is not None
    assert Referral.objects.get().status == "accepted" and Referral.objects.get().reason == ""
    assert CaseNote.objects.get().text == "" and Intervention.objects.get().notes == ""
    assert Task.objects.get().title == ""
    document.refresh_from_db()
    assert document.file.name == "" and document.kind == "identity"
    import os

    assert not os.path.exists(stored)


def test_the_erased_identity_is_found_nowhere_in_the_database(world, subject, login):
    assert tables_holding(LAST, TAX_CODE)  # the scan finds them before
    _erase(login(world.users["director"]), subject)
    assert tables_holding(LAST, FIRST, TAX_CODE, "Gildo Zappa", "9182745", "zappacosta@") == []


def test_it_audits_the_erasure_without_identity(world, subject, login):
    _erase(login(world.users["director"]), subject)
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="people.person")
    assert entry.changes["erased"] == [None, True]
    assert entry.object_repr == subject.case_number
    assert LAST not in str(entry.changes) and TAX_CODE not in str(entry.changes)


def test_the_search_pages_no_longer_find_the_person(world, subject, login):
    client = login(world.users["director"])
    assert subject.case_number in client.get("/people/", {"q": LAST}, follow=True).content.decode()
    _erase(client, subject)
    for url in ("/people/", "/find/"):
        for term in (LAST, TAX_CODE, f"{FIRST} {LAST}"):
            page = client.get(url, {"q": term}, follow=True).content.decode()
            assert subject.case_number not in page, (url, term)
            assert f"/people/{subject.pk}/" not in page and f"/cases/person/{subject.pk}/" not in page


def test_it_shows_the_person_as_erased(world, subject, login):
    client = login(world.users["director"])
    _erase(client, subject)
    assert f"Erased person #{subject.pk}" in client.get(f"/people/{subject.pk}/").content.decode()
    assert f"Erased person #{subject.pk}" in client.get(f"/privacy/people/{subject.pk}/").content.decode()


def test_nothing_of_an_erased_person_can_change(world, subject, login):
    case = subject.cases.get()
    client = login(world.users["director"])
    _erase(client, subject)
    assert client.post(f"/cases/{case.pk}/notes/", {"text": f"{LAST} di nuovo"}).status_code == 403
    assert not Case.objects.filter(notes__text__icontains=LAST).exists()


def test_it_erases_the_records_merged_into_the_person(world, subject):
    old = Person.objects.create(case_number="P-2025-000777", access_point=world.ap_a, first_name=FIRST,
                                last_name=LAST, merged_into=subject, merged_at=timezone.now())
    person_erase(person=subject, by=world.users["director"])
    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.erased_at is not None) == ("", "", True)


def test_the_audit_trail_masks_identity_values_whoever_writes_them(world, subject):
    audit_change(action=AuditAction.UPDATE, actor=world.users["director"], obj=subject,
                 changes={"last_name": [LAST, "Altro"], "phone": [None, "+39 333 1"], "sex": ["male", "female"]})
    entry = AuditEntry.objects.filter(object_type="people.person").latest("id")
    assert entry.changes == {"last_name": ["[redacted]", "[redacted]"], "phone": [None, "[set]"],
                             "sex": ["male", "female"]}


def test_a_legal_hold_ending_in_the_past_or_without_reason_is_refused(world, subject, login):
    client = login(world.users["director"])
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert client.post(f"/privacy/people/{subject.pk}/holds/", {"reason": "Ispezione", "until": past}
                       ).status_code == 400
    assert client.post(f"/privacy/people/{subject.pk}/holds/", {"reason": "", "until": "not a date"}
                       ).status_code == 400
    assert not LegalHold.objects.exists()


def test_the_retention_run_is_named_in_the_erasure_entry(world, subject):
    person_erase(person=subject, by=None, reason="retention")
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="people.person")
    assert entry.actor_username == "apply_retention" and entry.changes["reason"] == "retention"
