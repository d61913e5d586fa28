"""The screening flag of existing cases and persons, from the stored outcomes.

A case's flag comes from the outcome in force (``confirmed_outcome`` once
reviewed, else ``outcome``) of its latest submitted exploitation screening;
a person's from their open case, else their latest case — as
``pua.assessments.services`` and ``pua.cases.case_services`` keep them from
now on. Plain ORM reads and bulk updates by flag, in chunks that stay under
SQLite's limit of query parameters.
"""

from django.db import migrations

# Frozen copies: a migration does not import the app's code.
SCREENING_PURPOSE = "exploitation_screening"
SUBMITTED = "submitted"
CLOSED = "closed"
FLAGS = {
    "presumed_trafficking_victim": "trafficking",
    "exploitation_without_trafficking_indicators": "exploitation",
}
CHUNK = 500


def _update(model, flags: dict[int, str]) -> None:
    by_flag: dict[str, list[int]] = {}
    for pk, flag in flags.items():
        by_flag.setdefault(flag, []).append(pk)
    for flag, ids in by_flag.items():
        for start in range(0, len(ids), CHUNK):
            model.objects.filter(pk__in=ids[start:start + CHUNK]).update(screening_flag=flag)


def flags_from_responses(apps, schema_editor):
    Response = apps.get_model("assessments", "Response")
    Case = apps.get_model("cases", "Case")
    Person = apps.get_model("people", "Person")
    latest: dict[int, str] = {}  # case id -> flag of its latest submitted screening
    screenings = (Response.objects.filter(status=SUBMITTED, case__isnull=False,
                                          instrument_version__instrument__purpose=SCREENING_PURPOSE)
                  .order_by("case_id", "submitted_at", "id")
                  .values_list("case_id", "outcome", "confirmed_outcome"))
    for case_id, outcome, confirmed in screenings.iterator():
        latest[case_id] = FLAGS.get(confirmed or outcome, "")
    case_flags = {pk: flag for pk, flag in latest.items() if flag}
    _update(Case, case_flags)

    person_ids = set()
    case_ids = list(case_flags)
    for start in range(0, len(case_ids), CHUNK):
        person_ids.update(Case.objects.filter(pk__in=case_ids[start:start + CHUNK])
                          .values_list("person_id", flat=True))
    person_ids = sorted(person_ids)
    person_flags: dict[int, str] = {}
    for start in range(0, len(person_ids), CHUNK):
        cases = (Case.objects.filter(person_id__in=person_ids[start:start + CHUNK])
                 .order_by("person_id", "-opened_at", "-id").values_list("person_id", "status", "id"))
        chosen: dict[int, tuple[str, int]] = {}
        for person_id, status, case_id in cases:
            # The first seen is the latest case; an open one, seen later, takes its place.
            if person_id not in chosen or (status != CLOSED and chosen[person_id][0] == CLOSED):
                chosen[person_id] = (status, case_id)
        person_flags.update({person_id: case_flags.get(case_id, "") for person_id, (_, case_id) in chosen.items()})
    _update(Person, {pk: flag for pk, flag in person_flags.items() if flag})


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_shipped_instruments"),
        ("cases", "0002_case_screening_flag"),
        ("people", "0004_person_screening_flag"),
    ]

    operations = [
        migrations.RunPython(flags_from_responses, migrations.RunPython.noop, elidable=True),
    ]
