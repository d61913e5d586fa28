from django.core.management.base import BaseCommand, CommandError

from pua.assessments.loader import load_instruments
from pua.assessments.xlsform import XLSFormError


class Command(BaseCommand):
    help = ("Load the instruments shipped with PUA: create the missing ones and publish a new version of those "
            "whose file changed. Idempotent; old versions and their responses are never touched.")

    def handle(self, *args, **options):
        try:
            result = load_instruments()
        except XLSFormError as error:
            raise CommandError(f"A shipped instrument does not parse: {error}") from error
        for code in result["created"]:
            self.stdout.write(f"Created instrument {code}.")
        for code, number in result["versions"]:
            self.stdout.write(f"Published {code} version {number}.")
        for code, version in result["rule_sets"]:
            self.stdout.write(f"Loaded rule set {code} {version}.")
        for name, reason in result["skipped"].items():
            self.stderr.write(f"Skipped {name}: {reason}")
        if not (result["created"] or result["versions"] or result["rule_sets"]):
            self.stdout.write("Shipped instruments are up to date; nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{len(result['created'])} instruments created, {len(result['versions'])} versions published."))
