"""Search tokens of services, organisations and offerings for the directory's
free-text search (see ``pua.network.search_text``), filled in for the rows
already there."""

from django.db import migrations, models

BATCH = 500


def fill(apps, schema_editor):
    # The tokens are computed by the same function the services use: a query
    # must be turned into tokens exactly as the stored text was.
    from pua.network.search_text import search_text

    for model_name, fields in (("Service", ("label_it", "label_en")), ("Organisation", ("name",)),
                               ("Offering", ("description",))):
        model = apps.get_model("network", model_name)
        rows = list(model.objects.only("pk", *fields).order_by("pk"))
        for row in rows:
            row.search_text = search_text(*(getattr(row, field) for field in fields))
        model.objects.bulk_update(rows, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("network", "0003_reference_data")]

    operations = [
        migrations.AddField(
            model_name="offering",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="organisation",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="service",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
