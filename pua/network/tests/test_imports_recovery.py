"""Imports left running by a worker that stopped: recovered as failed
("the worker stopped"), nothing half-written, and tried again from the same
file. One test kills a real ``db_worker`` process in the middle of an import."""

import datetime
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pua.network.models import ImportJob, Organisation

from .imports_support import last_job, upload, xlsx

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _organisations(count, prefix="Ente ripreso"):
    return xlsx({"organisations": [
        {"key": f"rc-{i}", "name": f"{prefix} {i}", "kind": "social_coop_b"} for i in range(count)]})


def _stalled_job(world, login, settings, *, minutes_ago=30):
    """A background import whose worker died: running, heartbeat long ago."""
    settings.IMPORT_SYNC_MAX_ROWS = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(login(world.users["director"]), _organisations(20))
    job = last_job()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return job


def test_the_import_page_shows_a_stalled_import_failed_and_offers_to_try_again(world, login, settings):
    job = _stalled_job(world, login, settings)
    client = login(world.users["director"])

    page = client.get(reverse("network:import_detail", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.worker_stopped
    content = page.content.decode()
    assert reverse("network:import_retry", args=[job.pk]) in content
    assert not Organisation.objects.filter(name__startswith="Ente ripreso").exists()


def test_a_running_import_with_a_recent_heartbeat_is_left_alone(world, login, settings):
    job = _stalled_job(world, login, settings, minutes_ago=1)

    call_command("recover_jobs", stdout=io.StringIO())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING


def test_try_again_runs_the_same_file_once_more(world, login, settings):
    job = _stalled_job(world, login, settings)
    call_command("recover_jobs", stdout=io.StringIO())
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login(world.users["director"])

    response = client.post(reverse("network:import_retry", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert response.status_code == 200
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Organisation.objects.filter(name__startswith="Ente ripreso").count() == 20
    again = client.post(reverse("network:import_retry", args=[job.pk]), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


def test_only_directors_of_the_access_point_may_try_an_import_again(world, login, settings):
    job = _stalled_job(world, login, settings)
    call_command("recover_jobs", stdout=io.StringIO())

    response = login(world.users["social_expert"]).post(reverse("network:import_retry", args=[job.pk]))

    assert response.status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


# --- a real worker, killed -----------------------------------------------------------------

SETUP = """
from pua.network import imports_services
from pua.network.exchange import UploadInfo
from pua.network.tasks import import_job_task
from pua.network.tests.imports_support import xlsx
from pua.network.tests.factories import AccessPointFactory, MembershipFactory, OrganisationFactory, UserFactory
ap = AccessPointFactory(name="PUA Ripresa")
org = OrganisationFactory(name="Comune Ripresa", kind="public_body", access_points=[ap])
director = UserFactory(username="director_r")
MembershipFactory(user=director, organisation=org, role="director", access_points=[ap])
rows = [{"key": f"wk-{i}", "name": f"Ente del worker {i}", "kind": "social_coop_b"} for i in range(ROWS)]
job = imports_services.import_job_create(by=director, access_point=ap, data=xlsx({"organisations": rows}),
                                         file_name="grande.xlsx", info=UploadInfo(format="xlsx", sheets=["organisations"],
                                                                    estimated_rows=ROWS))
import_job_task.enqueue(job.pk)
print(job.pk)
"""

RETRY = """
from pua.network import imports_services
from pua.network.models import ImportJob
job = ImportJob.objects.get(pk=JOB)
imports_services.import_job_retry(job, by=job.created_by)
"""


def _manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _job_row(db, job_id):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT status, processed_rows, worker_stopped FROM network_importjob WHERE id = ?",
                                  (job_id,)).fetchone()


def _imported(db):
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT count(*) FROM network_organisation WHERE name LIKE 'Ente del worker %'").fetchone()[0]


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_runs_again(tmp_path):
    db = tmp_path / "worker.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{db}",
           "DEBUG": "0", "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnop",
           "MEDIA_ROOT": str(tmp_path / "media"), "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    rows = 4000
    _manage(env, "migrate", "--no-input", "-v", "0")
    job_id = int(_manage(env, "shell", "-c", SETUP.replace("ROWS", str(rows))).stdout.split()[-1])
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1",
                               "--no-startup-delay"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, processed, _stopped = _job_row(db, job_id)
            if status != "pending":
                break
            time.sleep(0.02)
        assert status == "running", status  # the worker took it and is checking rows
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    assert _job_row(db, job_id)[0] == "running"  # left so by the dead worker
    _manage(env, "recover_jobs", "--older-than", "0")
    assert _job_row(db, job_id)[0::2] == ("failed", 1)
    assert _imported(db) == 0

    _manage(env, "shell", "-c", RETRY.replace("JOB", str(job_id)))
    _manage(env, "db_worker", "--batch", "--interval", "0.1", "--no-startup-delay")
    assert _job_row(db, job_id) == ("done", rows, 0)
    assert _imported(db) == rows


def test_an_import_refuses_cells_with_control_characters_naming_the_cell(world, login):
    upload(login(world.users["director"]), b"key,name,kind\r\ncc-1,Ente\x07 Uno,social_coop_b\r\n",
           name="organisations.csv", contents="organisations")

    job = last_job()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [("organisations", 2, "name")]
    assert not Organisation.objects.filter(name__startswith="Ente").exists()
