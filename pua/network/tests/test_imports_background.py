"""Large files run as a background task, with progress on the job page."""

import pytest
from django.urls import reverse
from django_tasks.signals import task_enqueued

from pua.network import imports_services
from pua.network.exchange import UploadInfo
from pua.network.models import ImportJob

from .imports_support import last_job, upload, xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _organisations(count):
    return xlsx({"organisations": [
        {"key": f"bg-{i}", "name": f"Ente in background {i}", "kind": "social_coop_b"} for i in range(count)
    ]})


@pytest.fixture
def enqueued():
    tasks = []

    def receiver(sender, task_result, **kwargs):
        tasks.append(task_result.task.name)

    task_enqueued.connect(receiver)
    yield tasks
    task_enqueued.disconnect(receiver)


def test_it_runs_a_large_file_as_a_background_task(world, login, settings, enqueued):
    settings.IMPORT_SYNC_MAX_ROWS = 10
    client = login(world.users["director"])

    response = upload(client, _organisations(30), follow=True)

    job = last_job()
    assert enqueued == ["import_job_task"]
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.total_rows == 30
    assert job.processed_rows == job.total_rows
    assert job.summary["organisations"]["created"] == 30
    assert [m.level_tag for m in response.context["messages"]] == ["info"]  # "running in the background"


def test_it_runs_a_small_file_at_once_without_a_task(world, login, enqueued):
    client = login(world.users["director"])

    upload(client, _organisations(3))

    assert enqueued == []
    assert last_job().status == ImportJob.Status.DONE


def _waiting_job(world):
    return imports_services.import_job_create(
        by=world.users["director"], access_point=world.ap_a, data=_organisations(2), file_name="wait.xlsx",
        info=UploadInfo(format="xlsx", sheets=["organisations"], estimated_rows=2),
    )


def test_it_polls_the_progress_fragment_until_the_job_is_finished(world, login):
    job = _waiting_job(world)
    client = login(world.users["director"])
    url = reverse("network:import_detail", args=[job.pk])

    page = client.get(url).content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true")

    assert 'role="progressbar"' in page
    assert 'hx-trigger="every 1s"' in page
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    imports_services.import_job_run(job.pk)
    finished = client.get(url, HTTP_HX_REQUEST="true")
    assert finished.status_code == 286  # htmx stops polling
    assert "hx-trigger" not in finished.content.decode()
    assert 'aria-valuenow="100"' in finished.content.decode()


def test_it_runs_a_job_only_once(world):
    job = _waiting_job(world)

    first = imports_services.import_job_run(job.pk)
    second = imports_services.import_job_run(job.pk)

    assert first.status == second.status == ImportJob.Status.DONE
    assert second.summary["organisations"]["created"] == 2


def test_it_lists_the_jobs_of_the_current_access_point(world, login):
    job = _waiting_job(world)
    client = login(world.users["director"])

    response = client.get(reverse("network:import_list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [job]
    other = login(world.other_director).get(reverse("network:import_list"))
    assert list(other.context["page"].object_list) == []
