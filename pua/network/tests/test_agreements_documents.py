"""Signed documents of agreements: checked on upload (type by extension and
content, size), stored under MEDIA_ROOT, downloaded only through an audited,
permission-checked view."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network import documents
from pua.network.models import Agreement
from pua.network.tests.agreement_factories import (
    DOCX_BYTES,
    JPEG_BYTES,
    ODT_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    AgreementFactory,
    days,
    upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def _form_data(world, document, **overrides):
    data = {
        "kind": "protocol", "subject": "Protocollo con il Centro per l'impiego", "parties": [world.org_a.pk],
        "signed_on": days(-1).isoformat(), "valid_from": days(-1).isoformat(), "valid_until": days(300).isoformat(),
        "status": "active", "document": document,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("firmato.pdf", PDF_BYTES, "PDF"),
    ("firmato.odt", ODT_BYTES, "ODT"),
    ("firmato.docx", DOCX_BYTES, "DOCX"),
    ("scansione.JPG", JPEG_BYTES, "JPEG"),
    ("scansione.jpeg", JPEG_BYTES, "JPEG"),
    ("scansione.png", PNG_BYTES, "PNG"),
])
def test_it_accepts_the_allowed_document_types(name, content, kind):
    assert documents.validate_document(upload(name, content)).name == kind


@pytest.mark.parametrize(("name", "content", "code"), [
    ("finto.pdf", b"this is plain text, not a PDF", "file_content"),
    ("finto.png", PDF_BYTES, "file_content"),
    ("finto.docx", ODT_BYTES, "file_content"),
    ("finto.odt", DOCX_BYTES, "file_content"),
    ("finto.docx", b"PK\x03\x04 broken archive", "file_content"),
    ("programma.exe", PDF_BYTES, "file_type"),
    ("senza-estensione", PDF_BYTES, "file_type"),
])
def test_it_rejects_files_whose_type_or_content_is_wrong(name, content, code):
    with pytest.raises(ValidationError) as raised:
        documents.validate_document(upload(name, content))
    assert raised.value.code == code


@override_settings(DOCUMENT_MAX_BYTES=100)
def test_it_rejects_files_over_the_size_limit():
    with pytest.raises(ValidationError) as raised:
        documents.validate_document(upload("grande.pdf", PDF_BYTES + b"x" * 100))
    assert raised.value.code == "file_too_large"
    assert documents.validate_document(upload("piccolo.pdf", PDF_BYTES[:100])).name == "PDF"


def test_it_gives_stored_files_a_short_safe_name():
    assert documents.safe_name("../../Protocollo d'intesa FIRMATO.PDF") == "protocollo-dintesa-firmato.pdf"
    assert documents.safe_name("è.pdf") == "e.pdf"
    assert documents.safe_name("!!!.pdf") == "document.pdf"
    assert len(documents.safe_name("x" * 300 + ".docx")) == 65


def test_it_stores_an_uploaded_document_under_the_media_root(world, login, media):
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"), _form_data(world, upload("Protocollo Firmato.pdf")))

    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.document.name.startswith("agreements/")
    assert agreement.document.name.endswith("/protocollo-firmato.pdf")
    assert (media / agreement.document.name).read_bytes() == PDF_BYTES
    entry = AuditEntry.objects.get(action="create", object_type="network.agreement")
    assert entry.changes["document"] == [None, agreement.document.name]


def test_it_refuses_a_pdf_that_is_not_a_pdf_and_saves_nothing(world, login, media):
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"),
                           _form_data(world, upload("protocollo.pdf", b"<html>not a pdf</html>")))

    assert response.status_code == 200
    assert response.context["form"].has_error("document", "file_content")
    assert not Agreement.objects.exists()
    assert _stored_files(media) == []


@override_settings(DOCUMENT_MAX_BYTES=100)
def test_it_refuses_a_document_over_the_limit_and_saves_nothing(world, login, media):
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_create"),
                           _form_data(world, upload("protocollo.pdf", PDF_BYTES + b"0" * 200)))

    assert response.status_code == 200
    assert response.context["form"].has_error("document", "file_too_large")
    assert not Agreement.objects.exists()
    assert _stored_files(media) == []


def test_it_keeps_the_stored_document_when_a_replacement_is_refused(world, login, media):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], document=upload("originale.pdf"))
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_edit", args=[agreement.pk]),
                           _form_data(world, upload("nuovo.png", PDF_BYTES), subject="Titolo cambiato"))

    assert response.status_code == 200
    assert response.context["form"].has_error("document", "file_content")
    agreement.refresh_from_db()
    assert agreement.document.name.endswith("originale.pdf")
    assert agreement.subject != "Titolo cambiato"
    assert not AuditEntry.objects.filter(action="update", object_type="network.agreement").exists()


def test_it_replaces_a_document_and_audits_both_names(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], document=upload("originale.pdf"))
    old_name = agreement.document.name
    client = login(world.users["director"])

    response = client.post(reverse("network:agreement_edit", args=[agreement.pk]),
                           _form_data(world, upload("nuovo.odt", ODT_BYTES)))

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name.endswith("nuovo.odt")
    entry = AuditEntry.objects.get(action="update", object_type="network.agreement")
    assert entry.changes["document"] == [old_name, agreement.document.name]


@pytest.mark.parametrize("role", ["director", "board_viewer", "regional_coordinator", "social_expert"])
def test_it_streams_the_document_as_an_attachment_and_audits_the_download(world, login, role):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], document=upload("firmato.pdf"))
    client = login(world.users[role])

    response = client.get(reverse("network:agreement_document", args=[agreement.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="firmato.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = AuditEntry.objects.get(action="read", object_type="network.agreement", object_id=str(agreement.pk))
    assert entry.actor == world.users[role]
    assert entry.changes == {"document": "firmato.pdf"}


@pytest.mark.parametrize("persona", ["partner", "other_director"])
def test_it_refuses_the_document_to_whoever_may_not_see_the_agreement(world, login, persona):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.partner_org], document=upload("firmato.pdf"))
    user = world.users["partner_operator"] if persona == "partner" else world.other_director
    client = login(user)

    response = client.get(reverse("network:agreement_document", args=[agreement.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="read", object_type="network.agreement").exists()


def test_it_answers_404_for_an_agreement_without_a_document(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a])
    client = login(world.users["director"])

    assert client.get(reverse("network:agreement_document", args=[agreement.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="read").exists()


def test_it_links_the_document_from_the_detail_page(world, login):
    agreement = AgreementFactory(access_point=world.ap_a, parties=[world.org_a], document=upload("firmato.pdf"))
    client = login(world.users["board_viewer"])

    body = client.get(reverse("network:agreement_detail", args=[agreement.pk])).content.decode()

    assert reverse("network:agreement_document", args=[agreement.pk]) in body
    assert "firmato.pdf" in body
    assert "/media/" not in body
