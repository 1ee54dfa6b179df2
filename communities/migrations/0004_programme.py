import django.db.models.deletion
from django.db import migrations, models

from programmes.migration_support import attribute_records


def attribute_engagement(apps, schema_editor):
    attribute_records(apps, schema_editor, "communities", "Engagement", "community", "starts_on")


def attribute_safetyassessment(apps, schema_editor):
    attribute_records(apps, schema_editor, "communities", "SafetyAssessment", "community", "assessed_on")


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0003_api_models_move_to_api"),
        ("programmes", "0002_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="engagements",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="safetyassessment",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_engagement, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="engagement",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="engagements",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_safetyassessment, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="safetyassessment",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
    ]
