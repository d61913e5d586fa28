"""Case notes: writing them, and restricted notes kept to the case team and the director."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pua.cases import case_services, notes_services, team_services
from pua.cases.models import CaseEvent, CaseEventKind, CaseNote, TeamRole
from pua.cases.tests.factories import PersonFactory
from pua.core.models import AuditAction, AuditEntry


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def _case(world, ap=None):
    ap = ap or world.ap_a
    director = world.users["director"] if ap == world.ap_a else world.other_director
    return case_services.case_open(person=PersonFactory(access_point=ap), by=director,
                                   case_manager=world.users["social_expert"] if ap == world.ap_a else director)


def _notes(case):
    return reverse("cases:case_notes", args=[case.pk])


def test_it_adds_a_note_with_a_non_identifying_event_and_audit(world):
    case = _case(world)
    note = notes_services.note_add(case=case, text="  Colloquio con la sorella  ", restricted=False,
                                   by=world.users["labour_expert"])
    assert note.text == "Colloquio con la sorella" and note.author == world.users["labour_expert"]
    event = case.events.get(kind=CaseEventKind.NOTE)
    assert event.summary == "Note added" and not event.restricted and event.object_id == note.pk
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.casenote")
    assert "Colloquio" not in str(entry.changes) and "Colloquio" not in entry.object_repr


def test_it_marks_the_event_of_a_restricted_note_restricted(world):
    case = _case(world)
    notes_services.note_add(case=case, text="Denuncia in corso", restricted=True, by=world.users["social_expert"])
    event = case.events.get(kind=CaseEventKind.NOTE)
    assert event.restricted and "Denuncia" not in event.summary


def test_it_refuses_an_empty_note(world):
    with pytest.raises(ValidationError) as caught:
        notes_services.note_add(case=_case(world), text="   ", restricted=False, by=world.users["director"])
    assert caught.value.message_dict == {"text": ["Write the note."]}
    assert not CaseNote.objects.exists()


def test_it_refuses_a_restricted_note_from_outside_the_team(world):
    case = _case(world)
    with pytest.raises(ValidationError, match="Only the case team and the director"):
        notes_services.note_add(case=case, text="Riservato", restricted=True, by=world.users["labour_expert"])
    assert not CaseNote.objects.exists() and not CaseEvent.objects.filter(kind=CaseEventKind.NOTE).exists()


def _with_notes(world):
    case = _case(world)
    notes_services.note_add(case=case, text="Nota per tutti", restricted=False, by=world.users["director"])
    notes_services.note_add(case=case, text="Nota riservata", restricted=True, by=world.users["director"])
    return case


@pytest.mark.parametrize(("who", "sees"), [
    ("director", True), ("social_expert", True), ("labour_expert", False), ("outreach_operator", False),
])
def test_it_shows_restricted_notes_only_to_the_team_and_the_director(world, login, who, sees):
    case = _with_notes(world)
    response = login(world.users[who]).get(_notes(case))
    content = response.content.decode()
    assert response.status_code == 200 and "Nota per tutti" in content
    assert ("Nota riservata" in content) is sees
    assert ("Restricted" in content) is sees  # not even a trace of its existence
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case",
                                     actor=world.users[who]).exists()


def test_it_hides_restricted_notes_from_a_former_team_member(world, login):
    case = _with_notes(world)
    member = team_services.team_member_add(case=case, user=world.users["labour_expert"], role=TeamRole.LABOUR_EXPERT,
                                           by=world.users["director"])
    client = login(world.users["labour_expert"])
    assert "Nota riservata" in client.get(_notes(case)).content.decode()
    team_services.team_member_remove(member=member, by=world.users["director"])
    assert "Nota riservata" not in client.get(_notes(case)).content.decode()


def test_it_adds_a_note_through_the_page(world, login):
    case = _case(world)
    client = login(world.users["social_expert"])
    response = client.post(_notes(case), {"text": "Documenti consegnati", "restricted": "on"})
    assert response.status_code == 302 and response.url == _notes(case)
    note = CaseNote.objects.get()
    assert note.restricted and note.author == world.users["social_expert"]


def test_it_offers_the_restricted_box_only_to_those_who_may_read_it(world, login):
    case = _case(world)
    assert "restricted" in login(world.users["social_expert"]).get(_notes(case)).context["form"].fields
    client = login(world.users["labour_expert"])
    assert "restricted" not in client.get(_notes(case)).context["form"].fields
    client.post(_notes(case), {"text": "Provo a nasconderla", "restricted": "on"})
    assert CaseNote.objects.get().restricted is False


def test_it_shows_note_errors_and_saves_nothing(world, login):
    case = _case(world)
    response = login(world.users["director"]).post(_notes(case), {"text": ""})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not CaseNote.objects.exists()


def test_it_lets_an_outreach_operator_read_but_not_write_notes(world, login):
    case = _with_notes(world)
    client = login(world.users["outreach_operator"])
    assert client.get(_notes(case)).context["form"] is None
    assert client.post(_notes(case), {"text": "Ciao"}).status_code == 403
    assert CaseNote.objects.count() == 2


def test_it_hides_the_notes_of_another_access_point(world, login):
    case = _case(world, ap=world.ap_b)
    client = login(world.users["director"])
    assert client.get(_notes(case)).status_code == 404
    assert client.post(_notes(case), {"text": "Intrusione"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_it_paginates_the_notes(world, login):
    case = _case(world)
    for i in range(30):
        notes_services.note_add(case=case, text=f"Nota numero {i}", restricted=False, by=world.users["director"])
    response = login(world.users["director"]).get(_notes(case))
    assert len(response.context["page"].object_list) == 25
    assert "Nota numero 29" in response.content.decode()
