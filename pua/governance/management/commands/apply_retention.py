"""Apply the retention policy (``pua.governance.retention``); ``--dry-run``
tells what would be done. Counts per kind only, never a name."""

from django.core.management.base import BaseCommand

from pua.governance import retention


class Command(BaseCommand):
    help = "Apply the retention policy: erase, delete and remove what is past its retention period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            counts = retention.retention_plan()
            verb = "would"
        else:
            counts = retention.retention_apply()
            verb = "did"
        labels = {
            "closed_case": "persons erased (cases closed past the period)",
            "anonymous_contact": "anonymous contacts deleted",
            "document": "document files removed",
            "audit_entry": "audit entries past the period (kept: the trail is append-only)",
        }
        for kind in retention.KINDS:
            years = retention.retention_years(kind)
            self.stdout.write(f"{kind} ({years} years): {counts[kind]} {labels[kind]} [{verb}]")
