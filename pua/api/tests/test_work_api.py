"""/api/v1/tasks/ and documents/: the task and document pages' rules through
the API, with the same services; documents are for the staff of the
person's access point only, uploaded as multipart and downloaded through an
audited action."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pua.cases import documents_services, work_services
from pua.cases.models import CaseDocument, Task
from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, ReferralFactory, TaskFactory
from pua.core.models import AuditEntry

from .assertions import assert_error, audit_entries, ids

TASKS = "/api/v1/tasks/"
DOCUMENTS = "/api/v1/documents/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _due(days=1):
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def _task(world, assignee=None, **fields):
    assignee = assignee or world.users["social_expert"]
    return work_services.task_create(access_point=fields.pop("access_point", world.ap_a), by=assignee, kind="task",
                                     title=fields.pop("title", "Richiamare"), due_at=fields.pop("due_at", _due()),
                                     assignee=assignee, **fields)


def _pdf(name="permesso.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _document(world, person=None, **fields):
    person = person or PersonFactory(access_point=world.ap_a)
    return documents_services.document_upload(person=person, file=_pdf(), kind=fields.pop("kind", "permit"),
                                              title=fields.pop("title", "Permesso di soggiorno"),
                                              by=fields.pop("by", world.users["social_expert"]), **fields)


# --- tasks -----------------------------------------------------------------------------------------

def test_it_plans_a_task_on_a_case(api_as, world):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    api = api_as(world.users["outreach_operator"])

    response = api.post(TASKS, {"title": "Accompagnare al CPI", "kind": "appointment", "due_at": _due().isoformat(),
                                "case": case.pk, "location": "Centro per l'impiego"}, format="json")

    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert task.assignee == world.users["outreach_operator"] and task.access_point == world.ap_a
    assert response.json()["case_number"] == case.number
    assert case.events.filter(kind="task").exists()
    assert "Accompagnare" not in str(audit_entries(task, "create").get().changes)


def test_it_refuses_invalid_tasks_and_saves_nothing(api_as, world):
    closed = CaseFactory(person=PersonFactory(access_point=world.ap_a), status="closed")
    api = api_as(world.users["social_expert"])

    no_title = api.post(TASKS, {"title": " ", "due_at": _due().isoformat()}, format="json")
    backwards = api.post(TASKS, {"title": "x", "due_at": _due(2).isoformat(), "ends_at": _due(1).isoformat()},
                         format="json")
    closed_case = api.post(TASKS, {"title": "x", "due_at": _due().isoformat(), "case": closed.pk}, format="json")
    elsewhere = api.post(TASKS, {"title": "x", "due_at": _due().isoformat(), "assignee": world.other_worker.pk},
                         format="json")

    assert "title" in assert_error(no_title, 400)["fields"]
    assert "ends_at" in assert_error(backwards, 400)["fields"]
    assert "case" in assert_error(closed_case, 400)["fields"]
    assert "assignee" in assert_error(elsewhere, 400)["fields"]
    assert not Task.objects.exists()


def test_it_lists_my_open_tasks_by_default_and_filters_like_the_page(api_as, world):
    mine = _task(world)
    done = _task(world, title="Fatto")
    work_services.task_complete(task=done, by=world.users["social_expert"])
    colleague = _task(world, assignee=world.users["labour_expert"])
    api = api_as(world.users["social_expert"])

    assert ids(api.get(TASKS)) == {mine.pk}
    assert ids(api.get(TASKS, {"state": "done"})) == {done.pk}
    assert ids(api.get(TASKS, {"whose": "all", "state": "all"})) == {mine.pk, done.pk, colleague.pk}
    assert_error(api.get(TASKS, {"state": "later"}), 400)


def test_it_changes_completes_and_reopens_a_task(api_as, world):
    task = _task(world)
    api = api_as(world.users["social_expert"])

    moved = api.patch(f"{TASKS}{task.pk}/", {"due_at": _due(3).isoformat()}, format="json")
    completed = api.post(f"{TASKS}{task.pk}/complete/")
    twice = api.post(f"{TASKS}{task.pk}/complete/")
    reopened = api.post(f"{TASKS}{task.pk}/reopen/")

    assert moved.status_code == 200, moved.content
    assert completed.status_code == 200 and completed.json()["is_done"] is True
    assert assert_error(twice, 400)["fields"]["non_field_errors"]
    assert reopened.status_code == 200 and reopened.json()["is_done"] is False


def test_it_keeps_tasks_within_their_access_point(api_as, world):
    task = _task(world)
    other = TaskFactory(access_point=world.ap_b, assignee=world.other_worker)
    api = api_as(world.other_worker)

    assert ids(api.get(TASKS, {"whose": "all"})) == {other.pk}
    assert_error(api.get(f"{TASKS}{task.pk}/"), 404)
    assert_error(api.post(f"{TASKS}{task.pk}/complete/"), 404)
    # The outreach operator reads the access point's tasks (the permission matrix) but changes only their own.
    assert api_as(world.users["outreach_operator"]).get(f"{TASKS}{task.pk}/").status_code == 200
    colleague = api_as(world.users["labour_expert"])
    assert colleague.get(f"{TASKS}{task.pk}/").status_code == 200
    assert_error(api_as(world.users["outreach_operator"]).patch(f"{TASKS}{task.pk}/", {"title": "Altro"},
                                                                format="json"), 403)
    task.refresh_from_db()
    assert task.title == "Richiamare" and task.done_at is None


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "admin"])
def test_it_gives_no_tasks_to_roles_without_people(api_as, world, role):
    task = _task(world)
    api = api_as(world.users[role])

    assert_error(api.get(TASKS), 403)
    assert_error(api.get(f"{TASKS}{task.pk}/"), 404)
    assert_error(api.post(TASKS, {"title": "x", "due_at": _due().isoformat()}, format="json"), 403)


def test_it_answers_anonymous_clients_with_401(api, world):
    task = _task(world)
    document = _document(world)

    assert_error(api.get(TASKS), 401, "not_authenticated")
    assert_error(api.get(f"{TASKS}{task.pk}/"), 401)
    assert_error(api.get(DOCUMENTS), 401)
    assert_error(api.get(f"{DOCUMENTS}{document.pk}/download/"), 401)


@pytest.mark.parametrize("rows", [1, 12])
def test_it_lists_tasks_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _task(world, case=CaseFactory(person=PersonFactory(access_point=world.ap_a)))
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(10):
        response = api.get(TASKS)

    assert len(response.json()["results"]) == rows


# --- documents -------------------------------------------------------------------------------------

def test_it_uploads_a_document_as_multipart(api_as, world):
    person = PersonFactory(access_point=world.ap_a)
    case = CaseFactory(person=person)

    response = api_as(world.users["outreach_operator"]).post(DOCUMENTS, {
        "person": person.pk, "case": case.pk, "kind": "identity", "title": "Passaporto", "file": _pdf("Rossi.pdf"),
    }, format="multipart")

    assert response.status_code == 201, response.content
    document = CaseDocument.objects.get()
    assert document.content_type == "application/pdf" and "Rossi" not in document.file.name
    assert response.json()["download_name"] == "passaporto.pdf"
    assert case.events.filter(kind="document").exists()


def test_it_refuses_invalid_uploads_and_stores_nothing(api_as, world):
    person = PersonFactory(access_point=world.ap_a)
    other_case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    api = api_as(world.users["social_expert"])

    fake = api.post(DOCUMENTS, {"person": person.pk, "kind": "other", "title": "x",
                                "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, format="multipart")
    wrong_case = api.post(DOCUMENTS, {"person": person.pk, "case": other_case.pk, "kind": "other", "title": "x",
                                      "file": _pdf()}, format="multipart")
    no_file = api.post(DOCUMENTS, {"person": person.pk, "kind": "other", "title": "x"}, format="multipart")

    assert "file" in assert_error(fake, 400)["fields"]
    assert "case" in assert_error(wrong_case, 400)["fields"]
    assert "file" in assert_error(no_file, 400)["fields"]
    assert not CaseDocument.objects.exists()


def test_it_lists_documents_and_audits_their_persons(api_as, world):
    document = _document(world)
    _document(world, person=PersonFactory(access_point=world.ap_b), by=world.other_worker)
    api = api_as(world.users["labour_expert"])

    listed = api.get(DOCUMENTS, {"person": document.person.pk})
    detail = api.get(f"{DOCUMENTS}{document.pk}/")

    assert ids(listed) == {document.pk}
    assert detail.json()["title"] == "Permesso di soggiorno"
    assert audit_entries(document.person, "read").filter(actor=world.users["labour_expert"]).count() == 2


def test_it_downloads_a_document_and_audits_it(api_as, world):
    document = _document(world)

    response = api_as(world.users["outreach_operator"]).get(f"{DOCUMENTS}{document.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(object_type="cases.casedocument", action="read")
    assert entry.changes == {"download": True} and entry.actor == world.users["outreach_operator"]


def test_it_keeps_documents_from_partners_and_other_access_points(api_as, world):
    person = PersonFactory(access_point=world.ap_a)
    ConsentFactory(person=person, organisation=world.partner_org)
    ReferralFactory(person=person, organisation=world.partner_org)
    document = _document(world, person=person)

    partner = api_as(world.users["partner_operator"])
    assert_error(partner.get(DOCUMENTS), 403)
    assert_error(partner.get(f"{DOCUMENTS}{document.pk}/download/"), 404)
    other = api_as(world.other_director)
    assert document.pk not in ids(other.get(DOCUMENTS))
    assert_error(other.get(f"{DOCUMENTS}{document.pk}/"), 404)
    assert_error(other.get(f"{DOCUMENTS}{document.pk}/download/"), 404)
    upload = other.post(DOCUMENTS, {"person": person.pk, "kind": "other", "title": "x", "file": _pdf()},
                        format="multipart")
    assert "person" in assert_error(upload, 400)["fields"]
    assert not AuditEntry.objects.filter(object_type="cases.casedocument", action="read").exists()


@pytest.mark.parametrize("rows", [1, 8])
def test_it_lists_documents_in_a_bounded_number_of_queries(api_as, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _document(world)
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(10):
        response = api.get(DOCUMENTS)

    assert len(response.json()["results"]) == rows
