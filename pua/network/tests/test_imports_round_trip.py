"""Export → import gives back the same network; an unchanged file changes nothing."""

import re

import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import ImportJob, Municipality, Offering, Organisation

from .imports_support import build_network, counts, delete_network, last_job, partial_xlsx, read_xlsx_rows, upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _export(client, fmt="xlsx"):
    response = client.get(reverse("network:network_export"), {"format": fmt})
    assert response.status_code == 200
    return response.content


def _normalised(data: bytes) -> dict:
    """Rows of every sheet, with ``org-<id>`` keys replaced by the
    organisation's name (ids change when organisations are re-created)."""
    tables = read_xlsx_rows(data)
    names = {row["key"]: row["name"] for row in tables["organisations"]}

    def key(value):
        return f"name:{names[value]}" if re.fullmatch(r"org-\d+", value) else value

    result = {}
    for sheet, rows in tables.items():
        normalised = []
        for row in rows:
            row = dict(row)
            for column in ("key", "organisation_key"):
                if column in row:
                    row[column] = key(row[column])
            normalised.append(row)
        result[sheet] = sorted(normalised, key=lambda r: sorted(r.items()))
    return result


def test_it_imports_an_exported_network_back_unchanged_after_deleting_it(world, login):
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    client = login(director)
    exported = _export(client)
    original = _normalised(exported)
    assert len(original["organisations"]) == 5  # the two built plus the three of the personas
    assert len(original["offerings"]) == 4
    before = counts()

    delete_network(built)
    response = upload(client, exported)

    job = last_job()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["organisations"] == {"created": 2, "updated": 0, "unchanged": 3}
    assert job.summary["sites"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert job.summary["offerings"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert counts() == before
    assert _normalised(_export(client)) == original


def test_it_changes_nothing_when_an_unchanged_export_is_imported(world, login):
    director = world.users["director"]
    build_network(world.ap_a, director)
    client = login(director)
    exported = _export(client)
    before = counts()
    entries = AuditEntry.objects.filter(action__in=["create", "update"]).exclude(object_type="network.importjob")
    entries_before = entries.count()

    upload(client, exported)

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert all(s["created"] == 0 and s["updated"] == 0 for s in job.summary.values() if isinstance(s, dict))
    assert job.summary["offerings"]["unchanged"] == 4
    assert counts() == before
    assert entries.count() == entries_before


def test_it_updates_what_changed_and_audits_it_as_the_importer(world, login):
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    client = login(director)
    tables = read_xlsx_rows(_export(client))
    for row in tables["offerings"]:
        if row["description"] == "Mediazione":
            row["capacity"] = "20"
            row["languages"] = "en"
    from pua.network import exchange

    edited = exchange.write_xlsx({sheet: [{k: (v or None) for k, v in row.items()} for row in rows]
                                  for sheet, rows in tables.items()})

    upload(client, edited)

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["offerings"] == {"created": 0, "updated": 1, "unchanged": 3}
    offering = Offering.objects.get(pk=built["offerings"][0].pk)
    assert offering.capacity == 20
    assert [lang.code for lang in offering.languages.all()] == ["en"]
    assert offering.last_confirmed_by == director
    entry = AuditEntry.objects.get(action="update", object_type="network.offering", object_id=str(offering.pk))
    assert entry.actor == director
    assert entry.access_point_id == world.ap_a.pk
    assert entry.changes["capacity"] == [12, 20]
    assert entry.changes["languages"] == [["ar", "en"], ["en"]]


def test_it_links_new_organisations_to_the_importers_network_and_audits_them(world, login):
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    client = login(director)
    exported = _export(client)
    delete_network(built)

    upload(client, exported)

    organisation = Organisation.objects.get(name="Cooperativa Round Trip")
    link = organisation.network_links.get()
    assert link.accesspoint == world.ap_a
    assert (link.relation, link.role, link.contributes_outreach, str(link.since)) == (
        "formal_partner", "Contract 12/2025", True, "2025-03-01")
    entry = AuditEntry.objects.get(action="create", object_type="network.organisation", object_id=str(organisation.pk))
    assert entry.actor == director
    assert entry.changes["access_points"] == [None, [world.ap_a.pk]]
    assert AuditEntry.objects.filter(action="create", object_type="network.offering").count() == 4
    offering = organisation.offerings.get(description="Mediazione")
    assert (offering.latitude, offering.longitude) == (45.1332, 10.0227)  # the site's point
    assert offering.last_confirmed_by == director


def test_it_round_trips_the_zip_of_csv_files(world, login):
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    client = login(director)
    exported_xlsx = _normalised(_export(client))
    archive = _export(client, "csv")
    delete_network(built)

    upload(client, archive, name="network.zip")

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["offerings"]["created"] == 4
    assert _normalised(_export(client)) == exported_xlsx


def _markdown_tables(text: str) -> dict:
    """The example tables of docs/import-format.md, by sheet."""
    tables, sheet = {}, None
    for line in text.split("## Example", 1)[1].splitlines():
        if line.startswith("Sheet `"):
            sheet = line.split("`")[1]
        elif line.startswith("|") and sheet and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if sheet not in tables:
                tables[sheet] = {"header": cells, "rows": []}
            else:
                tables[sheet]["rows"].append(dict(zip(tables[sheet]["header"], [c or None for c in cells],
                                                      strict=True)))
    return {name: t["rows"] for name, t in tables.items()}


def test_it_imports_the_example_of_the_documentation(world, login, settings):
    from pathlib import Path

    from pua.network import exchange

    tables = _markdown_tables((Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text())
    assert set(tables) == {"organisations", "sites", "offerings"}
    client = login(world.users["director"])

    upload(client, exchange.write_xlsx(tables))

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["offerings"]["created"] == 3
    assert Organisation.objects.get(tax_code="01234560199").sites.get(name="Sede centrale").municipality.name == "Cremona"


def test_it_moves_the_point_of_offerings_whose_organisation_or_site_moved(world, login):
    director = world.users["director"]
    built = build_network(world.ap_a, director)
    full, bare = built["organisations"]
    on_site, without_site = built["offerings"][0], built["offerings"][1]
    elsewhere = Municipality.objects.filter(latitude__isnull=False).order_by("-istat_code").first()
    client = login(director)

    # Only some columns: everything else stays as it is.
    upload(client, partial_xlsx({
        "organisations": [{"key": full.tax_code, "name": full.name, "kind": full.kind,
                           "municipality": elsewhere.istat_code}],
        "sites": [{"organisation_key": full.tax_code, "name": "Sede centrale", "municipality": elsewhere.istat_code,
                   "latitude": 41.9, "longitude": 12.5}],
    }))

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["organisations"] == {"created": 0, "updated": 1, "unchanged": 0}
    full.refresh_from_db()
    assert (full.municipality, full.email) == (elsewhere, "info@roundtrip.example.org")
    assert sorted(lang.code for lang in full.languages.all()) == ["en", "fr"]
    on_site.refresh_from_db()
    without_site.refresh_from_db()
    assert (on_site.latitude, on_site.longitude) == (41.9, 12.5)
    assert (without_site.latitude, without_site.longitude, without_site.municipality) == (
        elsewhere.latitude, elsewhere.longitude, elsewhere)
