"""Mark failed the imports left running by a worker that stopped.

Run it before starting the worker (e.g. ``ExecStartPre`` of its systemd unit)
and from time to time; the import page also runs it for the job it shows.
"""

import datetime

from django.core.management.base import BaseCommand

from pua.network import imports_services


class Command(BaseCommand):
    help = "Mark failed the background imports whose worker stopped (no heartbeat for a while)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, metavar="SECONDS",
                            help="Seconds without a heartbeat after which a running import is taken as "
                                 "stopped (default: IMPORT_JOB_STALE_SECONDS, 900).")

    def handle(self, *args, older_than=None, **options):
        delta = None if older_than is None else datetime.timedelta(seconds=older_than)
        recovered = imports_services.recover_stale_jobs(older_than=delta)
        self.stdout.write(f"Imports recovered: {len(recovered)}" + (f" ({', '.join(map(str, recovered))})"
                                                                     if recovered else ""))
