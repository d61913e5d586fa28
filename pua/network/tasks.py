"""Background tasks of the network app (django-tasks).

In production the tasks run in ``manage.py db_worker`` (django-tasks-db);
the tests use the immediate backend, which runs them at once."""

from django_tasks import task

from . import imports_services


@task()
def import_job_task(job_id: int) -> str:
    """Check and apply an import too large to run within a web request."""
    return imports_services.import_job_run(job_id).status
