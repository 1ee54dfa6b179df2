"""Parties' names, phones and notes are encrypted at rest, with a blind index to search them.

Every existing row is kept: the columns become text, the values are encrypted in place and the
index is filled, then the fields become the encrypted ones (no change in the database).
"""

from django.db import migrations, models

import privacy.fields
from privacy.migration import decrypt_columns, encrypt_columns

FIELDS = ["full_name", "phone", "notes"]
INDEX = ("search_index", {"full_name": "name", "phone": "phone"})


def encrypt_parties(apps, schema_editor):
    encrypt_columns(apps.get_model("incidents", "IncidentParty"), FIELDS, INDEX)


def decrypt_parties(apps, schema_editor):
    decrypt_columns(apps.get_model("incidents", "IncidentParty"), FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_action_updated_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incidentparty", name="full_name", field=models.TextField(verbose_name="full name")
        ),
        migrations.AlterField(
            model_name="incidentparty", name="phone", field=models.TextField(blank=True, verbose_name="phone")
        ),
        migrations.AddField(
            model_name="incidentparty",
            name="search_index",
            field=privacy.fields.BlindIndexField(sources={"full_name": "name", "phone": "phone"}),
        ),
        migrations.RunPython(encrypt_parties, decrypt_parties),
        migrations.AlterField(
            model_name="incidentparty",
            name="full_name",
            field=privacy.fields.EncryptedCharField(max_length=200, verbose_name="full name"),
        ),
        migrations.AlterField(
            model_name="incidentparty",
            name="notes",
            field=privacy.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        migrations.AlterField(
            model_name="incidentparty",
            name="phone",
            field=privacy.fields.EncryptedCharField(blank=True, max_length=32, verbose_name="phone"),
        ),
    ]
