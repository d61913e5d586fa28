"""/api/v1/agreements/: the same rules as the pages — directors of the access
point write, network viewers read, partners and other access points see
nothing — with the signed document uploaded as multipart and downloaded
through an audited action."""

import pytest
from django.test import override_settings

from pua.core.models import AuditEntry
from pua.network.models import Agreement, Role
from pua.network.tests.agreement_factories import (
    DOCX_BYTES,
    PDF_BYTES,
    AgreementFactory,
    catalogue_service,
    days,
    upload,
)
from pua.network.tests.factories import MembershipFactory

from .assertions import assert_error, audit_entries, ids

URL = "/api/v1/agreements/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _payload(world, **overrides):
    data = {
        "kind": "convention", "subject": "Convenzione tirocini", "parties": [world.org_a.pk],
        "services": [catalogue_service().pk], "signed_on": days(-3).isoformat(), "valid_from": days(-3).isoformat(),
        "valid_until": days(200).isoformat(), "status": "active",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["director", "social_expert", "board_viewer", "regional_coordinator", "admin"])
def test_it_lists_and_shows_agreements_to_network_viewers(api_as, world, role):
    mine = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], valid_until=days(30))
    AgreementFactory(access_point=world.ap_b, parties=[world.org_b])
    api = api_as(world.users[role])

    listed = api.get(URL)
    detail = api.get(f"{URL}{mine.pk}/").json()

    assert mine.pk in ids(listed)
    assert detail["state"] == "expiring"
    assert detail["status"] == "active"
    assert detail["parties"] == [world.org_a.pk]
    assert detail["access_point"] == world.ap_a.pk


def test_it_shows_partners_no_agreement(api_as, world):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.partner_org])
    api = api_as(world.users["partner_operator"])

    assert ids(api.get(URL)) == set()
    assert_error(api.get(f"{URL}{agreement.pk}/"), 404)
    assert_error(api.patch(f"{URL}{agreement.pk}/", {"subject": "X"}, format="json"), 404)
    assert_error(api.post(URL, _payload(world), format="json"), 403)


def test_it_hides_the_agreements_of_another_access_point(api_as, world):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    api = api_as(world.other_director)

    assert agreement.pk not in ids(api.get(URL))
    assert_error(api.get(f"{URL}{agreement.pk}/"), 404)
    assert_error(api.patch(f"{URL}{agreement.pk}/", {"subject": "X"}, format="json"), 404)
    assert_error(api.get(f"{URL}{agreement.pk}/document/"), 404)


def test_it_lets_a_director_create_an_agreement_and_audits_it(api_as, world):
    api = api_as(world.users["director"])

    response = api.post(URL, _payload(world), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    agreement = Agreement.objects.get(pk=body["id"])
    assert agreement.access_point == world.ap_a
    assert body["state"] == "active"
    assert body["services"] == [catalogue_service().pk]
    assert body["document_url"] is None
    entry = audit_entries(agreement, "create").get()
    assert entry.actor == world.users["director"]
    assert entry.changes["kind"] == [None, "convention"]


@pytest.mark.parametrize("role", ["social_expert", "outreach_operator", "board_viewer", "regional_coordinator"])
def test_it_refuses_writes_to_everyone_but_directors(api_as, world, role):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], subject="Originale")
    api = api_as(world.users[role])

    assert_error(api.post(URL, _payload(world), format="json"), 403)
    assert_error(api.patch(f"{URL}{agreement.pk}/", {"subject": "Cambiato"}, format="json"), 403)
    assert Agreement.objects.get().subject == "Originale"


def test_it_creates_agreements_only_at_an_access_point_the_director_directs(api_as, world):
    # Director at B, social expert at A; the session starts at A ("PUA Alfa").
    MembershipFactory(user=world.other_director, organisation=world.home_org_a, role=Role.SOCIAL_EXPERT,
                      access_points=[world.ap_a])
    api = api_as(world.other_director)

    assert_error(api.post(URL, _payload(world), format="json"), 403)
    assert not Agreement.objects.exists()


def test_it_validates_dates_and_parties(api_as, world):
    api = api_as(world.users["director"])

    dates = assert_error(api.post(URL, _payload(world, valid_from=days(10).isoformat(),
                                                valid_until=days(5).isoformat(),
                                                signed_on=days(2).isoformat()), format="json"), 400)
    no_party = assert_error(api.post(URL, _payload(world, parties=[]), format="json"), 400)
    other_party = assert_error(api.post(URL, _payload(world, parties=[world.org_b.pk]), format="json"), 400)

    assert set(dates["fields"]) == {"valid_until", "signed_on"}
    assert "parties" in no_party["fields"]
    assert "parties" in other_party["fields"]
    assert not Agreement.objects.exists()


def test_it_updates_an_agreement_partially_and_audits_it(api_as, world):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], status="active")
    api = api_as(world.users["director"])

    response = api.patch(f"{URL}{agreement.pk}/", {"status": "terminated", "parties": [world.partner_org.pk]},
                         format="json")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "terminated"
    entry = audit_entries(agreement, "update").get()
    assert entry.changes == {"status": ["active", "terminated"], "parties": [[world.org_a.pk], [world.partner_org.pk]]}
    assert_error(api.put(f"{URL}{agreement.pk}/", _payload(world), format="json"), 405)


def test_it_filters_agreements(api_as, world):
    contract = AgreementFactory(access_point=world.ap_a, kind="contract", parties=[world.partner_org],
                                valid_until=days(10))
    expired = AgreementFactory(access_point=world.ap_a, kind="protocol", parties=[world.org_a],
                               valid_from=days(-300), valid_until=days(-3))
    api = api_as(world.users["board_viewer"])

    assert ids(api.get(URL, {"kind": "contract"})) == {contract.pk}
    assert ids(api.get(URL, {"state": "expired"})) == {expired.pk}
    assert ids(api.get(URL, {"expiring": "true"})) == {contract.pk}
    assert ids(api.get(URL, {"party": world.partner_org.pk})) == {contract.pk}
    assert_error(api.get(URL, {"party": world.org_b.pk}), 400)


@pytest.mark.parametrize("count", [10, 300])
def test_it_lists_agreements_in_a_fixed_number_of_queries(api_as, world, count, django_assert_max_num_queries):
    agreements = Agreement.objects.bulk_create(
        Agreement(access_point=world.ap_a, kind="contract", subject=f"Contratto {i}", valid_until=days(i))
        for i in range(count)
    )
    Through = Agreement.parties.through
    Through.objects.bulk_create(Through(agreement_id=a.pk, organisation_id=world.org_a.pk) for a in agreements)
    api = api_as(world.users["director"])

    # Session, user, grants, access point, count, page, parties, services,
    # then the session save (savepoint, update, release): none grows with the rows.
    with django_assert_max_num_queries(12):
        response = api.get(URL, {"page_size": 200})

    assert response.json()["count"] == count
    assert all(row["parties"] == [world.org_a.pk] for row in response.json()["results"])


def test_it_uploads_a_signed_document_as_multipart(api_as, world, media):
    api = api_as(world.users["director"])

    response = api.post(URL, {**_payload(world), "document": upload("convenzione firmata.docx", DOCX_BYTES)},
                        format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["document_name"] == "convenzione-firmata.docx"
    assert body["document_url"].endswith(f"{URL}{body['id']}/document/")
    agreement = Agreement.objects.get()
    assert (media / agreement.document.name).read_bytes() == DOCX_BYTES


def test_it_rejects_a_document_whose_content_does_not_match(api_as, world, media):
    api = api_as(world.users["director"])

    response = api.post(URL, {**_payload(world), "document": upload("firmato.pdf", b"MZ not a pdf")},
                        format="multipart")

    error = assert_error(response, 400, "invalid")
    assert error["fields"]["document"]
    assert not Agreement.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


@override_settings(DOCUMENT_MAX_BYTES=100)
def test_it_rejects_a_document_over_the_limit_on_update(api_as, world, media):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    api = api_as(world.users["director"])

    response = api.patch(f"{URL}{agreement.pk}/", {"document": upload("firmato.pdf", PDF_BYTES + b"0" * 100)},
                         format="multipart")

    assert "document" in assert_error(response, 400)["fields"]
    agreement.refresh_from_db()
    assert not agreement.document
    assert not audit_entries(agreement, "update").exists()


@pytest.mark.parametrize("role", ["director", "board_viewer"])
def test_it_downloads_the_document_and_audits_it(api_as, world, role):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], document=upload("firmato.pdf"))
    api = api_as(world.users[role])

    response = api.get(f"{URL}{agreement.pk}/document/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="firmato.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = audit_entries(agreement, "read").get()
    assert entry.actor == world.users[role]
    assert entry.changes == {"document": "firmato.pdf"}


def test_it_refuses_the_document_to_a_partner_without_auditing(api_as, world):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.partner_org], document=upload("firmato.pdf"))
    api = api_as(world.users["partner_operator"])

    assert_error(api.get(f"{URL}{agreement.pk}/document/"), 404)
    assert not AuditEntry.objects.filter(action="read").exists()


def test_it_answers_404_when_there_is_no_document(api_as, world):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    api = api_as(world.users["director"])

    assert_error(api.get(f"{URL}{agreement.pk}/document/"), 404)
