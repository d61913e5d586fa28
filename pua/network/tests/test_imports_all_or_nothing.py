"""A file with any error changes nothing, and every error is reported with
its sheet, row (as numbered by spreadsheet programs) and column."""

import io
import time

import openpyxl
import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import ImportJob, Organisation

from .imports_support import counts, last_job, municipalities, services, upload, vat_number, xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _big_file(bad_offering_index=None):
    """20 organisations, 20 sites and 1,000 offerings (20 × 25 services × with/without site)."""
    places = municipalities(2)
    catalogue = services(25)
    organisations, sites, offerings = [], [], []
    for i in range(20):
        key = vat_number(1000 + i)
        organisations.append({"key": key, "name": f"Ente {i:02d}", "kind": "social_coop_b", "tax_code": key,
                              "municipality": places[0].istat_code, "languages": "en;fr"})
        sites.append({"organisation_key": key, "name": "Sede", "municipality": places[1].istat_code})
        for service in catalogue:
            for site_name in ("Sede", None):
                offerings.append({"organisation_key": key, "service_code": service.code, "site_name": site_name,
                                  "languages": "en;ar", "target_groups": "migrant;women", "capacity": 5,
                                  "availability": "available"})
    if bad_offering_index is not None:
        offerings[bad_offering_index]["capacity"] = "many"
    return xlsx({"organisations": organisations, "sites": sites, "offerings": offerings})


def test_it_applies_nothing_when_one_of_a_thousand_rows_is_wrong(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    data = _big_file(bad_offering_index=736)
    before = counts()

    started = time.monotonic()
    # A fixed number of queries whatever the number of rows: lookups are
    # preloaded, progress is written every 50 rows.
    with django_assert_max_num_queries(60):
        response = upload(client, data)
    elapsed = time.monotonic() - started

    job = last_job()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert len(job.errors) == 1
    assert (job.errors[0]["sheet"], job.errors[0]["row"], job.errors[0]["column"]) == ("offerings", 738, "capacity")
    assert job.errors[0]["message"]
    assert counts() == before
    assert not Organisation.objects.filter(name="Ente 00").exists()
    assert job.total_rows == 1040
    assert job.processed_rows == 1040
    assert elapsed < 20


def test_it_applies_a_thousand_rows_in_one_go(world, login):
    client = login(world.users["director"])
    before = counts()

    upload(client, _big_file())

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors[:5]
    assert job.summary["offerings"] == {"created": 1000, "updated": 0, "unchanged": 0}
    assert counts() == (before[0] + 20, before[1] + 20, before[2] + 1000, before[3] + 20)
    assert AuditEntry.objects.filter(action="create", object_type="network.offering").count() == 1000


def test_it_shows_the_errors_in_a_table_with_sheet_row_and_column(world, login):
    client = login(world.users["director"])
    upload(client, _big_file(bad_offering_index=0))
    job = last_job()

    response = client.get(reverse("network:import_detail", args=[job.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in body
    assert "<td>2</td>" in body  # the first data row, under the header
    assert "<code>capacity</code>" in body


ORG = {"key": "new-1", "name": "Nuovo Ente", "kind": "social_coop_a"}


def _errors(client, tables):
    upload(client, xlsx(tables))
    job = last_job()
    assert job.status == ImportJob.Status.FAILED
    return {(e["sheet"], e["row"], e["column"]) for e in job.errors}


def test_it_reports_every_error_of_every_sheet_at_once(world, login):
    client = login(world.users["director"])
    place = municipalities(1)[0]
    service = services(1)[0]
    before = counts()
    errors = _errors(client, {
        "organisations": [
            ORG,
            {**ORG, "name": "Duplicate key"},
            {"key": "k3", "name": "Bad kind", "kind": "cooperative", "email": "also wrong"},
            {"key": "k4", "name": "Bad tax code", "kind": "social_coop_a", "tax_code": "12345678901"},
            {"key": "k5", "name": "Bad e-mail", "kind": "social_coop_a", "email": "not-an-address",
             "municipality": "999999", "languages": "en;zz"},
            {"key": "k6", "name": "", "kind": "social_coop_a", "since": "01/02/2025"},
        ],
        "sites": [
            {"organisation_key": "nobody", "name": "Sede", "municipality": place.istat_code},
            {"organisation_key": "new-1", "name": "Sede", "municipality": place.istat_code, "latitude": 95,
             "longitude": 10},
        ],
        "offerings": [
            {"organisation_key": "new-1", "service_code": "F9.9.z"},
            {"organisation_key": "new-1", "service_code": "F2", },
            {"organisation_key": "new-1", "service_code": service.code, "site_name": "Elsewhere"},
            {"organisation_key": "new-1", "service_code": service.code, "target_groups": "aliens",
             "availability": "maybe", "is_active": "perhaps", "referral_url": "not a url"},
        ],
    })
    assert errors == {
        ("organisations", 3, "key"),
        ("organisations", 4, "kind"),
        ("organisations", 4, "email"),  # checked although the row has another error
        ("organisations", 5, "tax_code"),
        ("organisations", 6, "email"),
        ("organisations", 6, "municipality"),
        ("organisations", 6, "languages"),
        ("organisations", 7, "name"),
        ("organisations", 7, "since"),
        ("sites", 2, "organisation_key"),
        ("sites", 3, "latitude"),
        ("offerings", 2, "service_code"),
        ("offerings", 3, "service_code"),
        ("offerings", 4, "site_name"),
        ("offerings", 5, "target_groups"),
        ("offerings", 5, "availability"),
        ("offerings", 5, "is_active"),
    }
    assert counts() == before


def test_it_reports_unknown_and_missing_columns_on_the_header_row(world, login):
    client = login(world.users["director"])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organisations"
    sheet.append(["key", "nome", "kind"])
    sheet.append(["x", "Ente", "social_coop_a"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload(client, buffer.getvalue())

    job = last_job()
    assert job.status == ImportJob.Status.FAILED
    assert {(e["sheet"], e["row"], e["column"]) for e in job.errors} == {
        ("organisations", 1, "nome"), ("organisations", 1, "name"),
    }


def test_it_refuses_a_tax_code_registered_outside_the_importers_network(world, login):
    world.org_b.tax_code = vat_number(777)
    world.org_b.save()
    client = login(world.users["director"])

    errors = _errors(client, {"organisations": [{**ORG, "tax_code": vat_number(777)}]})

    assert errors == {("organisations", 2, "tax_code")}
    world.org_b.refresh_from_db()
    assert world.org_b.name == "Cooperativa Beta"


def test_it_refuses_sites_of_an_organisation_the_importer_cannot_see(world, login):
    client = login(world.users["director"])
    place = municipalities(1)[0]

    errors = _errors(client, {"sites": [
        {"organisation_key": f"org-{world.org_b.pk}", "name": "Sede", "municipality": place.istat_code},
    ]})

    assert errors == {("sites", 2, "organisation_key")}
    assert not world.org_b.sites.exists()


def test_it_checks_a_thousand_existing_rows_with_a_fixed_number_of_queries(world, login,
                                                                           django_assert_max_num_queries):
    client = login(world.users["director"])
    data = _big_file()
    upload(client, data)
    assert last_job().status == ImportJob.Status.DONE
    before = counts()

    with django_assert_max_num_queries(70):
        upload(client, data)

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors[:5]
    assert job.summary["offerings"] == {"created": 0, "updated": 0, "unchanged": 1000}
    assert counts() == before


def test_it_shows_the_upload_form_to_a_director(world, login):
    response = login(world.users["director"]).get(reverse("network:import_create"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
