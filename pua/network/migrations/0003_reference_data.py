"""Reference data: municipalities with coordinates, languages, target groups
and the INLAV service catalogue. Re-running only adds what is missing."""

from django.db import migrations


def load(apps, schema_editor):
    from pua.network.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("network", "0002_network_directory")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
