"""Helpers shared by the import/export tests: synthetic identifiers, files
and a small network with every column filled in."""

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from pua.network import exchange
from pua.network.models import (
    ImportJob,
    Language,
    Municipality,
    NetworkLink,
    Offering,
    Organisation,
    Service,
    Site,
    TargetGroup,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def vat_number(n: int) -> str:
    """A synthetic 11-digit number that passes the partita IVA / codice
    fiscale check (province office 019)."""
    base = f"{n:07d}019"
    return base + luhn.calc_check_digit(base)


def municipalities(count=3):
    return list(Municipality.objects.filter(latitude__isnull=False).order_by("istat_code")[:count])


def services(count=5):
    return list(Service.objects.filter(level="service", programme__isnull=True, retired_at__isnull=True)[:count])


def xlsx(tables: dict) -> bytes:
    return exchange.write_xlsx(tables)


def partial_xlsx(tables: dict) -> bytes:
    """A workbook with only the columns named in each sheet's first row."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(h) for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx_rows(data: bytes) -> dict:
    """Every sheet as a list of {column: text}, read with openpyxl directly."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    result = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        result[sheet.title] = [
            {h: ("" if v is None else str(v)) for h, v in zip(header, row, strict=False)} for row in rows[1:]
        ]
    return result


def read_zip_rows(data: bytes) -> dict:
    import csv

    result = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8-sig")
            result[name.removesuffix(".csv")] = list(csv.DictReader(io.StringIO(text, newline="")))
    return result


def upload(client, data: bytes, name: str = "network.xlsx", contents: str = "", **extra):
    return client.post(reverse("network:import_create"), {
        "file": SimpleUploadedFile(name, data), "contents": contents,
    }, **extra)


def last_job() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()


def counts() -> tuple[int, int, int, int]:
    return (Organisation.objects.count(), Site.objects.count(), Offering.objects.count(),
            NetworkLink.objects.count())


def build_network(access_point, director):
    """Two organisations with every column used, their sites and offerings."""
    m1, m2, m3 = municipalities(3)
    s1, s2, s3 = services(3)
    languages = {lang.code: lang for lang in Language.objects.filter(code__in=["en", "fr", "ar", "uk"])}
    groups = {g.code: g for g in TargetGroup.objects.filter(code__in=["migrant", "women", "homeless"])}
    full = Organisation.objects.create(
        name="Cooperativa Round Trip", kind="social_coop_a", tax_code=vat_number(4321), vat_number=vat_number(4321),
        municipality=m1, address="Via Roma 1", email="info@roundtrip.example.org", phone="+39 0372 123456",
        website="https://roundtrip.example.org/", legal_form="Società cooperativa sociale", sector="Q",
        description="Accoglienza e orientamento.\nSecondo paragrafo; con punto e virgola, e virgole.",
    )
    full.languages.set([languages["en"], languages["fr"]])
    NetworkLink.objects.create(organisation=full, accesspoint=access_point, relation="formal_partner",
                               role="Contract 12/2025", contributes_outreach=True, contributes_services=True,
                               since="2025-03-01")
    bare = Organisation.objects.create(name="Associazione Senza Codice", kind="volunteer_association",
                                       description="=SUM(A1:A2) is not a formula\r\nsecond line")
    NetworkLink.objects.create(organisation=bare, accesspoint=access_point)
    site_a = Site.objects.create(organisation=full, name="Sede centrale", address="Via Roma 1", municipality=m1,
                                 latitude=45.1332, longitude=10.0227, phone="0372 1")
    site_b = Site.objects.create(organisation=full, name="Sportello", municipality=m2)
    site_c = Site.objects.create(organisation=bare, name="Sede", municipality=m3, address="Piazza 2")
    now = timezone.now()
    o1 = Offering.objects.create(organisation=full, service=s1, site=site_a, description="Mediazione",
                                 opening_hours="Lun-Ven 9-13", capacity=12, availability="limited",
                                 documents_required="Documento d'identità", legal_status="permit_or_application",
                                 cost="contribution", cost_notes="5 euro", referral_phone="+39 0372 9",
                                 referral_email="referral@roundtrip.example.org",
                                 referral_url="https://roundtrip.example.org/refer", referral_notes="Call first",
                                 last_confirmed_at=now)
    o1.languages.set([languages["ar"], languages["en"]])
    o1.target_groups.set([groups["migrant"], groups["women"]])
    o2 = Offering.objects.create(organisation=full, service=s2, site=None, last_confirmed_at=now, is_active=False)
    o2.languages.set([languages["uk"]])
    o3 = Offering.objects.create(organisation=full, service=s1, site=site_b, last_confirmed_at=now)
    o4 = Offering.objects.create(organisation=bare, service=s3, site=site_c, last_confirmed_at=now, capacity=0)
    o4.target_groups.set([groups["homeless"]])
    return {"organisations": [full, bare], "sites": [site_a, site_b, site_c], "offerings": [o1, o2, o3, o4]}


def delete_network(built):
    for offering in built["offerings"]:
        offering.delete()
    for organisation in built["organisations"]:
        organisation.delete()  # sites and network links go with it
