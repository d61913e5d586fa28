"""Who may import and export, and which files are accepted."""

import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network import imports_services
from pua.network.exchange import UploadInfo
from pua.network.models import ImportJob

from .imports_support import XLSX, read_xlsx_rows, upload, xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _job(world):
    return imports_services.import_job_create(
        by=world.users["director"], access_point=world.ap_a, file_name="a.xlsx",
        data=xlsx({"organisations": [{"key": "k", "name": "Ente", "kind": "social_coop_a"}]}),
        info=UploadInfo(format="xlsx", sheets=["organisations"], estimated_rows=1),
    )


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer"])
def test_it_refuses_imports_and_exports_to_non_directors(world, login, role):
    job = _job(world)
    client = login(world.users[role])

    assert client.get(reverse("network:import_list")).status_code == 403
    assert client.get(reverse("network:import_create")).status_code == 403
    assert upload(client, xlsx({})).status_code == 403
    assert client.get(reverse("network:import_detail", args=[job.pk])).status_code == 403
    assert client.get(reverse("network:network_export")).status_code == 403
    assert ImportJob.objects.count() == 1


def test_it_hides_the_import_jobs_of_another_access_point(world, login):
    job = _job(world)
    client = login(world.other_director)

    assert client.get(reverse("network:import_detail", args=[job.pk])).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(world, client):
    response = client.get(reverse("network:import_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_lets_an_administrator_import(world, login):
    client = login(world.users["admin"])

    response = upload(client, xlsx({"organisations": [{"key": "adm", "name": "Ente admin", "kind": "foundation"}]}))

    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


@pytest.mark.parametrize(("content", "name", "fragment"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.png", "must be an Excel workbook (.xlsx), a CSV file"),
    (b"key,name,kind\nk,Ente,union\n", "notes.txt", "must be an Excel workbook (.xlsx), a CSV file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.xlsx", "not a valid Excel workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "Excel workbook (.xlsx) or a CSV file encoded in UTF-8"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.xls", ".xls"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "renamed.xlsx", ".xls"),
    (b"PK\x03\x04not really a zip", "broken.xlsx", "not a valid Excel workbook"),
    ("key,name,kind\nk,Caffè,social_coop_a\n".encode("latin-1"), "latin1.csv", "UTF-8"),
])
def test_it_rejects_a_file_that_is_not_xlsx_or_csv_with_a_clear_message(world, login, content, name, fragment):
    client = login(world.users["director"])
    world.users["director"].preferred_language = "en"
    world.users["director"].save()

    response = upload(client, content, name=name, contents="organisations")

    assert response.status_code == 200
    assert fragment in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_it_rejects_a_file_larger_than_ten_mebibytes(world, login):
    client = login(world.users["director"])

    response = upload(client, b"key,name,kind\n" + b"x" * (10 * 1024 * 1024), name="big.csv", contents="organisations")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_it_exports_the_network_of_the_current_access_point_and_audits_it(world, login,
                                                                          django_assert_max_num_queries):
    client = login(world.users["director"])

    with django_assert_max_num_queries(15):
        response = client.get(reverse("network:network_export"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    names = {row["name"] for row in read_xlsx_rows(response.content)["organisations"]}
    assert names == {"Comune Alfa", "Cooperativa Alfa", "Associazione Partner"}
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.users["director"]
    assert entry.changes == {"export": "network", "rows": 3}


def test_it_exports_a_zip_of_csv_files(world, login):
    client = login(world.users["director"])

    response = client.get(reverse("network:network_export"), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.content.startswith(b"PK\x03\x04")
