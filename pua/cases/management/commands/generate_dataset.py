from django.core.management.base import BaseCommand, CommandError

from pua.cases.dataset import dataset_generate
from pua.network.models import AccessPoint
from pua.people.models import Person


class Command(BaseCommand):
    help = ("Add synthetic, reproducible persons and their journeys (contacts, consents, referrals, cases, plans, "
            "interventions, tasks, timeline) at one access point. Same --persons and --seed, same data.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=100, help="How many persons to add (default 100).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--access-point", dest="access_point",
                            help="Id or exact name of the access point (default: the first active one; a minimal "
                                 "one is created when there is none).")
        parser.add_argument("--if-empty", action="store_true", dest="if_empty",
                            help="Do nothing when the access point already has persons (for the demo set-up).")

    def handle(self, *args, persons, seed, access_point=None, if_empty=False, **options):
        if persons < 0:
            raise CommandError("--persons must be zero or more.")
        ap = None
        if access_point is not None:
            lookup = {"pk": int(access_point)} if str(access_point).isdigit() else {"name": access_point}
            ap = AccessPoint.objects.filter(**lookup).first()
            if ap is None:
                raise CommandError(f"No access point {access_point}.")
        if if_empty and Person.objects.filter(**({"access_point": ap} if ap else {})).exists():
            self.stdout.write("Persons exist already: nothing generated.")
            return
        result = dataset_generate(persons=persons, seed=seed, access_point=ap)
        self.stdout.write(self.style.SUCCESS(
            f"Generated {result.persons} persons at “{result.access_point}” (id {result.access_point.pk}) "
            f"with seed {seed} in {result.seconds:.1f} s."))
        self.stdout.write("Rows written:")
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {label:36} {count:8d}")
        self.stdout.write("Case funnel (cases that reached each stage):")
        for line in result.funnel_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("Current status: " + ", ".join(
            f"{status} {count}" for status, count in sorted(result.statuses.items())))
        self.stdout.write("Closure reasons: " + ", ".join(
            f"{reason} {count}" for reason, count in result.closure_reasons.most_common()))
