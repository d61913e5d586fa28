"""Factories and sample files for the agreements and contact-log tests."""

import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pua.network.models import Agreement, NetworkContact, Service

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


ODT_BYTES = _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>")])
DOCX_BYTES = _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])


def upload(name="protocollo.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def catalogue_service():
    """A shared catalogue entry at the service level (loaded by migration)."""
    return Service.objects.filter(programme__isnull=True, level="service", retired_at__isnull=True).order_by("sort_key")[0]


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    kind = "protocol"
    subject = factory.Sequence(lambda n: f"Protocollo d'intesa {n}")
    status = "active"
    signed_on = factory.LazyFunction(lambda: days(-200))
    valid_from = factory.LazyFunction(lambda: days(-200))
    valid_until = factory.LazyFunction(lambda: days(365))

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create and extracted:
            self.parties.set(extracted)


class NetworkContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkContact

    date = factory.LazyFunction(today)
    organisation_name = factory.Sequence(lambda n: f"Impresa {n} srl")
    actor_type = "local_business"
    channel = "visit"
    purpose = "Presentazione del servizio di inserimento lavorativo"
