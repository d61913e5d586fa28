"""Merging duplicate records: everything moves to the record kept, nothing is
lost, the other record stays as read-only history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pua.cases import merge_services
from pua.cases.models import (
    CaseDocument,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    Contact,
    PrivacyNotice,
    PrivacyNoticeDelivery,
    Referral,
)
from pua.cases.tests.factories import (
    CaseFactory,
    ConsentFactory,
    ContactFactory,
    PersonFactory,
    ReferralFactory,
)
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Language, TargetGroup
from pua.network.tests.agreement_factories import upload
from pua.people.duplicates import find_duplicates, name_key
from pua.people.models import Citizenship, Person, PersonAlias, PersonLanguage, ResidencePermit


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pair(world, **merge_fields):
    keep = PersonFactory(access_point=world.ap_a, first_name="Kwame", last_name="Mensah", birth_year=1990,
                         phone="", tax_code=None)
    fields = {"first_name": "Kwame", "last_name": "Mensa", "birth_year": 1990, "phone": "333 1234567",
              "legal_status": "regular_permit", **merge_fields}
    merge = PersonFactory(access_point=world.ap_a, **fields)
    for person in (keep, merge):  # as the registration service writes it
        Person.objects.filter(pk=person.pk).update(name_key=name_key(person.first_name, person.last_name))
    return keep, merge


def _furnish(world, keep, merge):
    """Rows on both records, some of them duplicates of each other."""
    director = world.users["director"]
    it, en, fr = (Language.objects.get(code=c) for c in ("it", "en", "fr"))
    groups = list(TargetGroup.objects.all()[:3])
    for person, aliases, countries, languages, group_slice in (
        (keep, ["Kofi"], ["GH"], [(it, "basic")], groups[:2]),
        (merge, ["kofi", "Big K"], ["GH", "NG"], [(it, "fluent"), (en, "fluent"), (fr, "basic")], groups[1:]),
    ):
        for alias in aliases:
            PersonAlias.objects.create(person=person, alias=alias)
        for country in countries:
            Citizenship.objects.create(person=person, country=country)
        for language, level in languages:
            PersonLanguage.objects.create(person=person, language=language, level=level)
        person.target_groups.set(group_slice)
    ResidencePermit.objects.create(person=merge, kind="work", expires_on=timezone.localdate())
    ResidencePermit.objects.create(person=merge, kind="asylum", is_current=False)
    ContactFactory(access_point=world.ap_a, person=merge, operator=director)
    ContactFactory(access_point=world.ap_a, person=keep, operator=director)
    ConsentFactory(person=merge, organisation=world.partner_org, recorded_by=director)
    notice = PrivacyNotice.objects.create(access_point=world.ap_a, version="1", language=it, title="Informativa",
                                          valid_from=timezone.localdate())
    PrivacyNoticeDelivery.objects.create(person=merge, notice=notice, given_on=timezone.localdate(), given_by=director)
    old_case = CaseFactory(person=merge, number=f"{merge.case_number}/1", status=CaseStatus.CLOSED)
    open_case = CaseFactory(person=keep, number=f"{keep.case_number}/1", status=CaseStatus.PLAN_ACTIVE)
    ReferralFactory(person=merge, organisation=world.partner_org)
    CaseDocument.objects.create(person=merge, case=old_case, kind="other", title="Vecchio documento",
                                file=upload("vecchio.pdf"), content_type="application/pdf", size=10,
                                uploaded_by=director)
    return old_case, open_case


def _merge_url(person):
    return reverse("cases:person_merge", args=[person.pk])


def _post(client, person, other, keep, confirm=True):
    data = {"other": other.pk, "keep": keep.pk}
    if confirm:
        data["confirm"] = "on"
    return client.post(_merge_url(person), data)


def test_it_merges_a_duplicate_moving_everything_and_losing_nothing(world, login):
    keep, merge = _pair(world, tax_code="MNSKWM90A01Z318X")
    old_case, open_case = _furnish(world, keep, merge)
    previously_merged = PersonFactory(access_point=world.ap_a, merged_into=merge, merged_at=timezone.now())
    total = {model: model.objects.count() for model in (Contact, Consent, PrivacyNoticeDelivery, Referral,
                                                        CaseDocument, ResidencePermit)}
    expected_groups = set(keep.target_groups.all()) | set(merge.target_groups.all())
    client = login(world.users["director"])

    assert client.get(_merge_url(merge) + f"?other={keep.pk}").status_code == 200
    response = _post(client, merge, keep, keep=keep)

    assert response.status_code == 302
    assert response.url == reverse("cases:person_journey", args=[keep.pk])
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert merge.merged_into == keep and merge.merged_at is not None
    for model, count in total.items():
        assert model.objects.count() == count, model
        assert model.objects.filter(person=keep).count() == count, model
    assert {c.number for c in keep.cases.all()} == {old_case.number, open_case.number}  # numbers kept
    assert sorted(keep.aliases.values_list("alias", flat=True)) == ["Big K", "Kofi", "Kwame Mensa"]
    assert sorted(keep.citizenships.values_list("country", flat=True)) == ["GH", "NG"]
    assert sorted(keep.languages.values_list("language__code", "level")) == [
        ("en", "fluent"), ("fr", "basic"), ("it", "basic")]
    assert set(keep.target_groups.all()) == expected_groups
    assert not merge.aliases.exists() and not merge.citizenships.exists() and not merge.target_groups.exists()
    # Empty fields filled, the tax code moved (it is unique).
    assert (keep.phone, keep.legal_status, keep.tax_code, merge.tax_code) == (
        "333 1234567", "regular_permit", "MNSKWM90A01Z318X", None)
    assert (keep.first_name, keep.last_name) == ("Kwame", "Mensah")
    assert "b" in keep.name_key  # "Big K" is searchable
    previously_merged.refresh_from_db()
    assert previously_merged.merged_into == keep


def test_it_writes_the_audit_and_the_timeline_without_identity_values(world, login):
    keep, merge = _pair(world, tax_code="MNSKWM90A01Z318X")
    old_case, open_case = _furnish(world, keep, merge)

    _post(login(world.users["director"]), keep, merge, keep=keep)

    entries = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="people.person")
    kept_entry = entries.get(object_id=str(keep.pk))
    merged_entry = entries.get(object_id=str(merge.pk))
    assert kept_entry.changes["merged_from"] == [None, merge.pk]
    assert "phone" in kept_entry.changes["filled_fields"][1]
    assert kept_entry.changes["moved"][1]["cases"] == 1
    assert merged_entry.changes["merged_into"] == [None, keep.pk]
    for entry in (kept_entry, merged_entry):
        text = str(entry.changes)
        assert "333" not in text and "MNSKWM" not in text and "Mensa" not in text and "Kofi" not in text
    events = CaseEvent.objects.filter(kind=CaseEventKind.MERGED)
    assert {e.case_id for e in events} == {old_case.pk, open_case.pk}
    assert all("Mensa" not in e.summary and e.data["merged"] == merge.pk for e in events)


def test_it_keeps_the_merged_record_as_history_and_out_of_lists_and_searches(world, login):
    keep, merge = _pair(world)
    merge_services.person_merge(keep=keep, merge=merge, by=world.users["director"])
    client = login(world.users["director"])

    people = client.get(reverse("people:person_list")).context["page"].object_list
    assert keep in people and merge not in people
    found = client.get(reverse("people:person_list"), {"q": merge.case_number}, follow=True)
    assert found.context["page"].paginator.count == 0
    assert [p for p, _score, _reasons in find_duplicates({"first_name": "Kwame", "last_name": "Mensa"})] == [keep]
    page = client.get(_merge_url(merge))
    assert page.status_code == 200
    assert 'id="merged-notice"' in page.content.decode() and keep.case_number in page.content.decode()
    assert "form" not in page.context or page.context.get("form") is None
    journey = client.get(reverse("cases:person_journey", args=[merge.pk]))
    assert journey.status_code == 200  # the history stays readable


def test_it_suggests_likely_duplicates_and_finds_records_by_case_number(world, login):
    keep, merge = _pair(world)
    PersonFactory(access_point=world.ap_a, first_name="Giulia", last_name="Bianchi")
    elsewhere = PersonFactory(access_point=world.ap_b, first_name="Kwame", last_name="Mensah", birth_year=1990)
    client = login(world.users["director"])

    response = client.get(_merge_url(merge))

    assert [p.pk for p, _s, _r in response.context["candidates"]] == [keep.pk]
    found = client.get(_merge_url(merge), {"q": keep.case_number}, follow=True).context["candidates"]
    assert [p.pk for p, _s, _r in found] == [keep.pk]
    assert client.get(_merge_url(merge), {"q": elsewhere.case_number}, follow=True).context["candidates"] == []
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     object_id=str(merge.pk)).exists()


def test_it_shows_both_records_side_by_side_and_audits_both_reads(world, login):
    keep, merge = _pair(world)
    response = login(world.users["director"]).get(_merge_url(merge) + f"?other={keep.pk}")

    body = response.content.decode()
    assert "Mensah" in body and "Mensa" in body and "333 1234567" in body
    for person in (keep, merge):
        assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(person.pk),
                                         object_type="people.person").exists()


def test_it_needs_the_confirmation(world, login):
    keep, merge = _pair(world)
    response = _post(login(world.users["director"]), merge, keep, keep=keep, confirm=False)

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    merge.refresh_from_db()
    assert merge.merged_into is None


def test_it_refuses_to_merge_when_both_records_have_an_open_case(world, login):
    keep, merge = _pair(world)
    CaseFactory(person=keep, status=CaseStatus.SCREENING)
    CaseFactory(person=merge, status=CaseStatus.PLAN_ACTIVE)

    response = _post(login(world.users["director"]), merge, keep, keep=keep)

    assert response.status_code == 200
    assert any("open case" in e or "aperto" in e for e in response.context["form"].non_field_errors())
    merge.refresh_from_db()
    assert merge.merged_into is None and merge.cases.count() == 1


def test_it_refuses_two_different_tax_codes(world):
    keep, merge = _pair(world, tax_code="MNSKWM90A01Z318X")
    keep.tax_code = "RSSMRA80A01H501U"
    keep.save()
    with pytest.raises(ValidationError) as error:
        merge_services.person_merge(keep=keep, merge=merge, by=world.users["director"])
    assert error.value.code == "different_tax_codes"


def test_it_refuses_a_record_into_itself_or_into_an_already_merged_record(world):
    director = world.users["director"]
    keep, merge = _pair(world)
    with pytest.raises(ValidationError) as error:
        merge_services.person_merge(keep=keep, merge=keep, by=director)
    assert error.value.code == "same_record"
    merge_services.person_merge(keep=keep, merge=merge, by=director)
    third = PersonFactory(access_point=world.ap_a)
    for pair in ({"keep": merge, "merge": third}, {"keep": third, "merge": merge}):
        with pytest.raises(ValidationError) as error:
            merge_services.person_merge(by=director, **pair)
        assert error.value.code == "already_merged"
    third.refresh_from_db()
    assert third.merged_into is None


def test_it_refuses_records_of_access_points_the_director_does_not_direct(world, login):
    keep, _merge = _pair(world)
    elsewhere = PersonFactory(access_point=world.ap_b)

    with pytest.raises(ValidationError) as error:
        merge_services.person_merge(keep=keep, merge=elsewhere, by=world.users["director"])
    assert error.value.code == "not_director"
    with pytest.raises(PermissionDenied):
        merge_services.person_merge(keep=keep, merge=elsewhere, by=world.users["social_expert"])
    client = login(world.users["director"])
    assert client.get(_merge_url(keep) + f"?other={elsewhere.pk}").status_code == 404
    assert _post(client, keep, elsewhere, keep=keep).status_code == 404
    assert client.get(_merge_url(elsewhere)).status_code == 404
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_it_lets_a_director_of_both_access_points_merge_across_them(world):
    director = world.users["director"]
    director.memberships.get().access_points.add(world.ap_b)
    keep = PersonFactory(access_point=world.ap_a)
    merge = PersonFactory(access_point=world.ap_b)
    case = CaseFactory(person=merge)

    merge_services.person_merge(keep=keep, merge=merge, by=director)

    case.refresh_from_db()
    assert case.person == keep and case.access_point == world.ap_b


@pytest.mark.parametrize("role", ["social_expert", "labour_expert", "outreach_operator"])
def test_it_refuses_merging_to_staff_who_do_not_direct(world, login, role):
    keep, merge = _pair(world)
    client = login(world.users[role])

    assert client.get(_merge_url(merge)).status_code == 403
    assert _post(client, merge, keep, keep=keep).status_code == 403
    merge.refresh_from_db()
    assert merge.merged_into is None


@pytest.mark.parametrize("role", ["board_viewer", "partner_operator", "regional_coordinator"])
def test_it_hides_the_merge_page_from_roles_who_see_no_person(world, login, role):
    keep, merge = _pair(world)
    assert login(world.users[role]).get(_merge_url(merge)).status_code == 404
    assert login(world.other_director).get(_merge_url(merge)).status_code == 404


def test_it_asks_anonymous_visitors_to_sign_in(world, client):
    _keep, merge = _pair(world)
    response = client.get(_merge_url(merge))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_it_does_not_fill_a_birth_date_that_contradicts_the_kept_birth_year(world):
    keep, merge = _pair(world, birth_year=1991, birth_date=datetime.date(1991, 5, 1))
    merge_services.person_merge(keep=keep, merge=merge, by=world.users["director"])
    keep.refresh_from_db()
    assert (keep.birth_year, keep.birth_date) == (1990, None)
