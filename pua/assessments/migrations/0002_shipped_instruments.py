"""The instruments shipped with PUA (pua/assessments/instruments/*.xlsx) and
the rule sets their scoring reads. Re-running only adds what is missing; a
later change to a shipped file is loaded by ``manage.py load_instruments``."""

import sys

from django.db import migrations


def load(apps, schema_editor):
    from pua.assessments.loader import load_instruments

    # Not strict: a shipped file the parser rejects must not block the whole
    # migration; it is reported here, and the tests and load_instruments fail on it.
    result = load_instruments(apps, strict=False)
    for name, reason in result["skipped"].items():
        sys.stderr.write(f"Shipped instrument {name} not loaded: {reason}\n")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
