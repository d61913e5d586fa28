"""Registering and updating people: validation, case numbers, audit without identity values."""

import datetime
import json

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils import timezone

from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language, Municipality, TargetGroup
from pua.people.models import PermitKind, Person
from pua.people.selectors import permits_expiring, person_get, person_list
from pua.people.services import person_create, person_update, residence_permit_add

CODE = codicefiscale.encode(lastname="Quaglieri", firstname="Settimio", gender="M", birthdate="14/02/1979",
                            birthplace="Cremona")
IDENTITY = {"first_name": "Settimio", "last_name": "Quaglieri", "sex": "male", "birth_date": datetime.date(1979, 2, 14)}


@pytest.fixture
def director(world):
    return world.users["director"]


def _create(world, director, **fields):
    return person_create(by=director, access_point=world.ap_a, **fields)


def test_it_registers_a_person_with_everything(world, director):
    person = _create(
        world, director, **IDENTITY, tax_code=CODE.lower(), birth_country="IT", legal_status="italian_citizen",
        residence_municipality=Municipality.objects.first(), education_level="isced_3",
        employment_situation="undeclared_work", aliases=["Setti", " "], citizenships=["it"],
        languages=[(Language.objects.get(code="it"), "native")],
        permits=[{"kind": PermitKind.ART18TER_LABOUR_EXPLOITATION, "expires_on": datetime.date(2027, 1, 1)}],
        target_groups=TargetGroup.objects.all()[:2],
    )
    person.refresh_from_db()
    assert person.case_number == f"P-{timezone.localdate().year}-000001"
    assert str(person) == person.case_number
    assert person.tax_code == CODE and person.birth_year == 1979 and person.created_by == director
    assert [a.alias for a in person.aliases.all()] == ["Setti"]
    assert [c.country for c in person.citizenships.all()] == ["IT"]
    assert person.languages.get().level == "native"
    assert person.permits.get().is_victim_permit
    assert person.target_groups.count() == 2
    assert person.name_key == "qs"


def test_it_numbers_cases_in_sequence(world, director):
    numbers = [_create(world, director, last_name=f"Test{i}").case_number for i in range(3)]
    year = timezone.localdate().year
    assert numbers == [f"P-{year}-000001", f"P-{year}-000002", f"P-{year}-000003"]


def test_it_accepts_a_person_known_only_by_an_alias(world, director):
    person = _create(world, director, aliases=["Il Biondo"])
    assert person.first_name == "" and person.name_key == "bi"
    with pytest.raises(ValidationError) as excinfo:
        _create(world, director)
    assert "last_name" in excinfo.value.message_dict


def test_it_rejects_a_tax_code_that_contradicts_the_data(world, director):
    with pytest.raises(ValidationError) as excinfo:
        _create(world, director, **{**IDENTITY, "sex": "female"}, tax_code=CODE)
    assert excinfo.value.message_dict["tax_code"] == ["The tax code is of a person of the other sex."]
    with pytest.raises(ValidationError) as excinfo:
        _create(world, director, **IDENTITY, tax_code=CODE[:-1] + ("A" if CODE[-1] != "A" else "B"))
    assert "tax_code" in excinfo.value.message_dict
    assert not Person.objects.exists()


def test_it_rejects_a_tax_code_already_registered(world, director):
    _create(world, director, **IDENTITY, tax_code=CODE)
    with pytest.raises(ValidationError) as excinfo:
        _create(world, director, **IDENTITY, tax_code=CODE)
    assert "tax_code" in excinfo.value.message_dict


def test_it_rejects_impossible_birth_data_and_bad_codes(world, director):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cases = [
        ({"birth_date": tomorrow}, "birth_date"),
        ({"birth_date": datetime.date(1980, 1, 1), "birth_year": 1981}, "birth_year"),
        ({"birth_country": "XX"}, "birth_country"),
        ({"legal_status": "tourist"}, "legal_status"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            _create(world, director, last_name="Rossi", **fields)
        assert field in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        _create(world, director, last_name="Rossi", citizenships=["ZZ"])
    assert not Person.objects.exists()


def test_it_audits_the_creation_without_identity_values(world, director):
    person = _create(world, director, **IDENTITY, tax_code=CODE, phone="+39 333 1234567", legal_status="irregular",
                     aliases=["Setti"], citizenships=["IT"])
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="people.person")
    assert entry.actor == director and entry.object_repr == person.case_number
    assert entry.changes["first_name"] == [None, "[set]"]
    assert entry.changes["tax_code"] == [None, "[set]"]
    assert entry.changes["aliases"] == [None, "[set]"]
    assert entry.changes["legal_status"] == [None, "irregular"]
    dumped = json.dumps(entry.changes)
    for secret in ("Settimio", "Quaglieri", CODE, "1979", "333", "Setti\""):
        assert secret not in dumped


def test_it_updates_and_audits_only_what_changed(world, director):
    person = _create(world, director, **IDENTITY, aliases=["Setti"])
    person_update(person, by=director, last_name="Quaglierì", employment_situation="in_exploitation",
                  aliases=["Setti", "Mimmo"], citizenships=["AL"])
    person.refresh_from_db()
    assert person.last_name == "Quaglierì" and person.name_key == "mqs"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.changes == {
        "last_name": ["[redacted]", "[redacted]"],
        "aliases": ["[redacted]", "[redacted]"],
        "citizenships": [[], ["AL"]],
        "employment_situation": ["unknown", "in_exploitation"],
    }
    person_update(person, by=director, last_name="Quaglierì")
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_it_checks_the_tax_code_on_update_too(world, director):
    person = _create(world, director, **IDENTITY, tax_code=CODE)
    with pytest.raises(ValidationError) as excinfo:
        person_update(person, by=director, birth_date=datetime.date(1979, 2, 15))
    assert excinfo.value.message_dict["tax_code"] == ["The birth date in the tax code does not match the birth date."]
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1979, 2, 14)


def test_it_lists_permits_expiring_within_sixty_days(world, director):
    person = _create(world, director, last_name="Rossi")
    other = person_create(by=world.other_director, access_point=world.ap_b, last_name="Bianchi")
    today = timezone.localdate()
    soon = residence_permit_add(person, by=director, kind=PermitKind.ART18_SPECIAL_PROTECTION, number="X1",
                                expires_on=today + datetime.timedelta(days=59))
    residence_permit_add(person, by=director, kind=PermitKind.WORK, expires_on=today + datetime.timedelta(days=30),
                         is_current=False)
    residence_permit_add(other, by=world.other_director, kind=PermitKind.WORK, expires_on=today + datetime.timedelta(days=5))
    late = _create(world, director, last_name="Verdi")
    residence_permit_add(late, by=director, kind=PermitKind.ART22_12QUATER, expires_on=today + datetime.timedelta(days=61))
    assert list(permits_expiring(director)) == [soon]
    assert [p.person for p in permits_expiring(world.other_director)] == [other]
    entry = AuditEntry.objects.filter(object_type="people.residencepermit").first()
    assert "X1" not in json.dumps(entry.changes)


def test_it_adding_a_current_permit_retires_the_earlier_one(world, director):
    person = _create(world, director, last_name="Rossi")
    first = residence_permit_add(person, by=director, kind=PermitKind.ART18_SPECIAL_PROTECTION)
    residence_permit_add(person, by=director, kind=PermitKind.WORK)
    first.refresh_from_db()
    assert not first.is_current
    assert person.permits.filter(is_current=True).get().kind == PermitKind.WORK


def test_it_lists_people_in_a_bounded_number_of_queries(world, director, django_assert_max_num_queries):
    group = TargetGroup.objects.first()
    for i in range(12):
        p = _create(world, director, last_name=f"Rossi{i}", citizenships=["IT", "RO"], target_groups=[group],
                    permits=[{"kind": PermitKind.WORK}], aliases=[f"Alias{i}"])
    with django_assert_max_num_queries(7):
        rows = list(person_list(director))
        shown = [(row.access_point.name, [c.country for c in row.citizenships.all()],
                  [g.code for g in row.target_groups.all()], [x.kind for x in row.permits.all()]) for row in rows]
    assert len(rows) == 12 and shown[0] == ("PUA Alfa", ["IT", "RO"], [group.code], [PermitKind.WORK])
    assert list(person_list(director, q="rossi11")) == [Person.objects.get(last_name="Rossi11")]
    assert list(person_list(director, q="alias3")) == [Person.objects.get(last_name="Rossi3")]
    assert list(person_list(director, q=p.case_number)) == [p]
    assert list(person_list(director, target_group=group, legal_status="unknown")) == rows


def test_it_searches_names_only_where_identities_are_visible(world, director):
    person = _create(world, director, last_name="Rossi")
    outreach = world.users["outreach_operator"]
    assert list(person_list(outreach)) == [person]
    assert list(person_list(outreach, q="Rossi")) == []
    assert list(person_list(outreach, q=person.case_number)) == [person]
    assert person_get(outreach, person.pk) == person
