"""Documents of a person: checked on upload, stored under MEDIA_ROOT, listed
for the access point's staff and downloaded only through an audited view."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pua.cases import documents_services
from pua.cases.models import CaseDocument, CaseEvent, CaseEventKind, DocumentKind, ReferralDirection
from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, ReferralFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.tests.agreement_factories import PDF_BYTES, PNG_BYTES, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def _url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('cases:document_upload')}?{query}"


def _post(client, url, file, **extra):
    data = {"kind": DocumentKind.IDENTITY, "title": "Passaporto, fronte e retro", "file": file}
    data.update(extra)
    return client.post(url, data)


def _document(world, person=None, media=None, **extra):
    person = person or PersonFactory(access_point=world.ap_a)
    return documents_services.document_upload(person=person, file=upload("carta.pdf"), kind=DocumentKind.OTHER,
                                              title="Certificato", by=world.users["director"], **extra)


def test_it_uploads_a_document_to_a_case_and_records_it(world, login, media):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    client = login(world.users["social_expert"])
    url = _url(case=case.pk)

    assert client.get(url).status_code == 200
    response = _post(client, url, upload("Passaporto di Mario Rossi.PDF"))

    document = CaseDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:case_detail", args=[case.pk])
    assert (document.person, document.case, document.kind) == (case.person, case, DocumentKind.IDENTITY)
    assert (document.content_type, document.size) == ("application/pdf", len(PDF_BYTES))
    assert document.file.name.startswith("people/") and document.file.name.endswith(".pdf")
    assert " " not in document.file.name
    assert [p.read_bytes() for p in _stored_files(media)] == [PDF_BYTES]
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.DOCUMENT)
    assert event.object_id == document.pk and "Passaporto" not in event.summary
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.casedocument")
    assert "Passaporto" not in str(entry.changes) and "Rossi" not in str(entry.changes)


def test_it_uploads_a_document_to_a_person_and_to_an_inbound_referral(world, login):
    person = PersonFactory(access_point=world.ap_a)
    referral = ReferralFactory(person=person, direction=ReferralDirection.INBOUND, organisation=world.org_a)
    client = login(world.users["outreach_operator"])

    response = _post(client, _url(person=person.pk), upload("foto.png", PNG_BYTES, "image/png"))
    assert response.url == reverse("cases:person_journey", args=[person.pk])
    response = _post(client, _url(referral=referral.pk), upload("scheda.pdf"), kind=DocumentKind.REFERRAL)
    assert response.url == reverse("cases:referral_detail", args=[referral.pk])

    assert [(d.content_type, d.referral_id) for d in CaseDocument.objects.order_by("pk")] == [
        ("image/png", None), ("application/pdf", referral.pk)]
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("programma.exe", PDF_BYTES, "type"),
    ("finta.pdf", PNG_BYTES, "PDF"),
    ("grande.pdf", PDF_BYTES + b"0" * 2000, "large"),
])
def test_it_refuses_wrong_files_with_a_clear_message_and_stores_nothing(world, login, media, settings, name, content,
                                                                         message):
    settings.DOCUMENT_MAX_BYTES = 1000
    settings.LANGUAGE_CODE = "en"
    person = PersonFactory(access_point=world.ap_a)
    client = login(world.users["social_expert"])
    client.cookies["django_language"] = "en"

    response = _post(client, _url(person=person.pk), upload(name, content))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in e for e in errors)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_documents_on_an_outbound_referral_or_a_merged_record(world, media):
    person = PersonFactory(access_point=world.ap_a)
    outbound = ReferralFactory(person=person, organisation=world.partner_org)
    with pytest.raises(ValidationError) as error:
        _document(world, person=person, referral=outbound)
    assert "referral" in error.value.message_dict

    merged = PersonFactory(access_point=world.ap_a, merged_into=person)
    with pytest.raises(ValidationError) as error:
        _document(world, person=merged)
    assert "person" in error.value.message_dict
    assert _stored_files(media) == []


def test_it_refuses_a_case_of_another_person(world):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    with pytest.raises(ValidationError) as error:
        _document(world, case=case)
    assert "case" in error.value.message_dict


def test_it_lets_only_staff_of_the_access_point_upload(world, login):
    person = PersonFactory(access_point=world.ap_a)
    other = PersonFactory(access_point=world.ap_b)

    assert login(world.other_director).get(_url(person=person.pk)).status_code == 404
    assert login(world.users["director"]).get(_url(person=other.pk)).status_code == 404
    assert login(world.users["director"]).get(_url(person="abc")).status_code == 404
    assert login(world.users["director"]).get(reverse("cases:document_upload")).status_code == 404
    for role in ("board_viewer", "partner_operator", "regional_coordinator"):
        client = login(world.users[role])
        assert client.get(_url(person=person.pk)).status_code == 404
        assert _post(client, _url(person=person.pk), upload()).status_code == 404
    with pytest.raises(PermissionDenied):
        documents_services.document_upload(person=person, file=upload(), kind="other", title="x",
                                           by=world.users["board_viewer"])
    assert not CaseDocument.objects.exists()


def test_it_asks_anonymous_visitors_to_sign_in(world, client):
    document = _document(world)
    for url in (_url(person=document.person_id), reverse("cases:document_download", args=[document.pk]),
                reverse("cases:document_list", args=[document.person_id])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_it_downloads_a_document_as_an_attachment_and_audits_it(world, login):
    document = _document(world)
    client = login(world.users["outreach_operator"])

    response = client.get(reverse("cases:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="certificato.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action=AuditAction.READ, object_type="cases.casedocument")
    assert (entry.actor, entry.object_id, entry.changes) == (world.users["outreach_operator"], str(document.pk),
                                                             {"download": True})


def test_it_never_lets_partners_or_other_access_points_download(world, login):
    person = PersonFactory(access_point=world.ap_a)
    ConsentFactory(person=person, organisation=world.partner_org)
    ReferralFactory(person=person, organisation=world.partner_org)  # shared with the partner
    document = _document(world, person=person)
    url = reverse("cases:document_download", args=[document.pk])

    for user in (world.users["partner_operator"], world.other_director, world.users["board_viewer"]):
        assert login(user).get(url).status_code == 404
    assert not AuditEntry.objects.filter(object_type="cases.casedocument", action=AuditAction.READ).exists()


def test_it_answers_404_when_the_file_is_missing_from_the_archive(world, login, media):
    document = _document(world)
    for path in _stored_files(media):
        path.unlink()

    assert login(world.users["director"]).get(reverse("cases:document_download", args=[document.pk])).status_code == 404


def test_it_lists_a_persons_documents_and_audits_the_read(world, login):
    person = PersonFactory(access_point=world.ap_a)
    document = _document(world, person=person)
    _document(world)  # someone else's
    client = login(world.users["social_expert"])

    response = client.get(reverse("cases:document_list", args=[person.pk]))

    assert [d.pk for d in response.context["page"].object_list] == [document.pk]
    assert reverse("cases:document_download", args=[document.pk]) in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="people.person",
                                     object_id=str(person.pk)).exists()
    assert login(world.other_director).get(reverse("cases:document_list", args=[person.pk])).status_code == 404
    assert login(world.users["partner_operator"]).get(
        reverse("cases:document_list", args=[person.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_it_lists_documents_in_a_bounded_number_of_queries(world, login, django_assert_max_num_queries, count):
    person = PersonFactory(access_point=world.ap_a)
    case = CaseFactory(person=person)
    for _ in range(count):
        _document(world, person=person, case=case)
    client = login(world.users["social_expert"])

    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases:document_list", args=[person.pk]))

    assert len(response.context["page"].object_list) == min(count, 25)


def test_it_shows_the_latest_documents_on_the_persons_journey_page(world, login):
    person = PersonFactory(access_point=world.ap_a)
    document = _document(world, person=person)

    body = login(world.users["social_expert"]).get(reverse("cases:person_journey", args=[person.pk])).content.decode()

    assert 'id="journey-documents"' in body
    assert reverse("cases:document_download", args=[document.pk]) in body
    assert f"{reverse('cases:document_upload')}?person={person.pk}" in body
