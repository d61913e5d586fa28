"""The subject-access export (GDPR art. 15): a ZIP with a summary PDF, all the data as JSON and the documents."""

import io
import json
import zipfile

import pytest

from pua.core.models import AuditAction, AuditEntry

from .subjects import LAST, TAX_CODE

pytestmark = pytest.mark.django_db


def _export(client, person):
    response = client.post(f"/privacy/people/{person.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'{person.case_number}-data.zip' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_it_exports_everything_held_about_the_person(world, subject, login):
    client = login(world.users["director"])
    client.get(f"/people/{subject.pk}/")  # a read, to be found in the access log
    archive = _export(client, subject)
    names = archive.namelist()
    assert "summary.pdf" in names and "data.json" in names
    assert archive.read("summary.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    records = data["records"]
    assert records["people.person"][0]["tax_code"] == TAX_CODE
    assert [a["alias"] for a in records["people.personalias"]] == ["Gildo Zappa"]
    for label in ("cases.contact", "cases.consent", "cases.referral", "cases.case", "cases.caseevent",
                  "cases.plan", "cases.plangoal", "cases.planaction", "cases.intervention", "cases.task",
                  "cases.casedocument", "people.residencepermit"):
        assert records[label], label
    # Restricted notes are the person's data too.
    assert any(LAST in n["notes"] for n in records["cases.intervention"])
    assert any(n["text"] and n["restricted"] for n in records["cases.casenote"])
    # The documents themselves.
    (document,) = data["documents"]
    assert archive.read(document["path"]) == b"%PDF-1.4 synthetic identity card"
    # Who read the record, and when.
    assert any(e["who"] == "director_a" and e["action"] == "read" and e["object_type"] == "people.person"
               for e in data["access_log"])


def test_it_records_the_export_in_the_audit_trail(world, subject, login):
    _export(login(world.users["director"]), subject)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.object_type == "people.person" and entry.object_id == str(subject.pk)
    assert entry.changes["export"] == "subject_access"
    assert entry.actor_username == "director_a"


def test_it_writes_the_summary_in_the_language_of_the_director(world, subject, login):
    director = world.users["director"]
    director.preferred_language = "it"
    director.save(update_fields=["preferred_language"])
    archive = _export(login(director), subject)
    assert archive.read("summary.pdf").startswith(b"%PDF")


def test_it_refuses_a_plain_link_to_the_export(world, subject, login):
    assert login(world.users["director"]).get(f"/privacy/people/{subject.pk}/export/").status_code == 405
