from django.conf import settings
from django.core.management.base import BaseCommand

from pua.network.demo import demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo programmes, territories and networks (and demo users when DEBUG is on). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Do nothing if the demo data has already been loaded.")

    def handle(self, *args, once=False, **options):
        if once and demo_is_loaded():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        # Read at run time, not import time: demo users must never exist in production.
        with_users = settings.DEBUG
        result = demo_load(with_users=with_users)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded: {result.municipalities} municipalities, {result.programmes} programmes, "
            f"{result.territories} territories, {result.access_points} access points, "
            f"{result.organisations} organisations, {result.network_links} network links, {result.sites} sites, "
            f"{result.offerings} offerings, {result.contact_persons} contact persons, {result.agreements} agreements, "
            f"{result.network_contacts} network contacts."
        ))
        if not with_users:
            self.stdout.write("Demo users are only created with DEBUG on.")
            return
        self._print_logins(result.logins)

    def _print_logins(self, logins):
        header = ("username", "role", "access point", "password")
        rows = [(login.username, login.role, ", ".join(login.access_points), settings.DEMO_PASSWORD)
                for login in logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(row):
            return "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write("Demo logins:")
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
