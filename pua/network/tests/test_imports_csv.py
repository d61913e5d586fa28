"""CSV files: one file per sheet, chosen on upload."""

import pytest

from pua.network.models import ImportJob, Offering, Organisation, Site

from .imports_support import last_job, municipalities, services, upload, vat_number


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _csv(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_it_imports_organisations_sites_and_offerings_from_three_csv_files(world, login):
    client = login(world.users["director"])
    place = municipalities(1)[0]
    service = services(1)[0]
    tax = vat_number(55)

    upload(client, _csv(f"key,name,kind,tax_code,municipality,languages,relation\n"
                        f"{tax},Società Città,social_coop_a,{tax},{place.istat_code},en;it,formal_partner\n"),
           name="organisations.csv", contents="organisations")
    assert last_job().status == ImportJob.Status.DONE, last_job().errors
    # The semicolon-separated CSV of spreadsheet programs set to Italian, with a BOM.
    upload(client, ("\ufeff" + f"organisation_key;name;municipality\n{tax};Sede Nord;{place.istat_code}\n").encode(),
           name="sites.csv", contents="sites")
    assert last_job().status == ImportJob.Status.DONE, last_job().errors
    upload(client, _csv(f"organisation_key,service_code,site_name,languages,target_groups,is_active\n"
                        f"{tax},{service.code.lower()},Sede Nord,ar,migrant,1\n"),
           name="offerings.csv", contents="offerings")

    job = last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["offerings"] == {"created": 1, "updated": 0, "unchanged": 0}
    organisation = Organisation.objects.get(tax_code=tax)
    assert organisation.name == "Società Città"
    assert organisation.network_links.get().relation == "formal_partner"
    assert sorted(lang.code for lang in organisation.languages.all()) == ["en", "it"]
    offering = Offering.objects.get(organisation=organisation)
    assert offering.service == service
    assert offering.site == Site.objects.get(organisation=organisation, name="Sede Nord")
    assert [g.code for g in offering.target_groups.all()] == ["migrant"]


def test_it_reports_the_row_of_a_wrong_csv_line(world, login):
    client = login(world.users["director"])

    upload(client, _csv("key,name,kind\nok-1,Ente Uno,social_coop_a\nok-2,Ente Due,not_a_kind\n"),
           name="organisations.csv", contents="organisations")

    job = last_job()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [("organisations", 3, "kind")]
    assert not Organisation.objects.filter(name="Ente Uno").exists()


def test_it_asks_what_a_csv_file_contains(world, login):
    client = login(world.users["director"])

    response = upload(client, _csv("key,name,kind\nk,Ente,social_coop_a\n"), name="organisations.csv")

    assert response.status_code == 200
    assert response.context["form"].errors["contents"]
    assert not ImportJob.objects.exists()


def test_it_refuses_a_csv_file_without_the_columns_of_the_chosen_sheet(world, login):
    client = login(world.users["director"])

    response = upload(client, _csv("key,name,kind\nk,Ente,social_coop_a\n"), name="offerings.csv",
                      contents="offerings")

    assert response.status_code == 200
    assert "organisation_key" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()
