import django.db.models.deletion
from django.db import migrations, models

from programmes.migration_support import attribute_records


def attribute_trainingsession(apps, schema_editor):
    attribute_records(apps, schema_editor, "training", "TrainingSession", "host_community", "starts_on")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_document"),
        ("training", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="training_sessions",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_trainingsession, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="trainingsession",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="training_sessions",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
    ]
