import django.db.models.deletion
from django.db import migrations, models

from programmes.migration_support import attribute_records


def attribute_outreachevent(apps, schema_editor):
    attribute_records(apps, schema_editor, "negotiators", "OutreachEvent", "community", "date")


def attribute_mediamention(apps, schema_editor):
    attribute_records(apps, schema_editor, "negotiators", "MediaMention", "community", "published_on")


class Migration(migrations.Migration):
    dependencies = [
        ("negotiators", "0005_contacts_encrypted"),
        ("programmes", "0002_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediamention",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="media_mentions",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="outreachevent",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_outreachevent, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outreachevent",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(attribute_mediamention, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mediamention",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the programme the community takes part in on that date.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="media_mentions",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
    ]
