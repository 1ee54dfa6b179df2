import django.db.models.deletion
from django.db import migrations, models

from programmes.migration_support import attribute_records


def attribute_incident(apps, schema_editor):
    attribute_records(apps, schema_editor, "incidents", "Incident", "community", "occurred_at")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_parties_encrypted"),
        ("programmes", "0002_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalincident",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="incidents",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_incident, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="incident",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="incidents",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
    ]
