"""Negotiators' contacts (names, phones, e-mails, notes) are encrypted at rest, their history rows
too, with a blind index to search them.

Every existing row is kept: the columns become text, the values are encrypted in place and the
index is filled, then the fields become the encrypted ones (no change in the database).
"""

from django.db import migrations, models

import privacy.fields
from privacy.migration import decrypt_columns, encrypt_columns

MODELS = ["NegotiatorContact", "HistoricalNegotiatorContact"]
FIELDS = ["full_name", "phone", "email", "notes"]
SOURCES = {"full_name": "name", "phone": "phone", "email": "email"}


def encrypt_contacts(apps, schema_editor):
    for name in MODELS:
        encrypt_columns(apps.get_model("negotiators", name), FIELDS, ("search_index", SOURCES))


def decrypt_contacts(apps, schema_editor):
    for name in MODELS:
        decrypt_columns(apps.get_model("negotiators", name), FIELDS)


def _plain(model_name):
    return [
        migrations.AlterField(
            model_name=model_name, name="full_name", field=models.TextField(verbose_name="full name")
        ),
        migrations.AlterField(
            model_name=model_name, name="phone", field=models.TextField(blank=True, verbose_name="phone")
        ),
        migrations.AlterField(
            model_name=model_name, name="email", field=models.TextField(blank=True, verbose_name="e-mail")
        ),
        migrations.AddField(
            model_name=model_name, name="search_index", field=privacy.fields.BlindIndexField(sources=SOURCES)
        ),
    ]


def _encrypted(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="full_name",
            field=privacy.fields.EncryptedCharField(max_length=200, verbose_name="full name"),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="phone",
            field=privacy.fields.EncryptedCharField(blank=True, max_length=32, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="email",
            field=privacy.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="notes",
            field=privacy.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("negotiators", "0004_idempotency_key_moves_to_api"),
    ]

    operations = [
        *_plain("negotiatorcontact"),
        *_plain("historicalnegotiatorcontact"),
        migrations.RunPython(encrypt_contacts, decrypt_contacts),
        *_encrypted("negotiatorcontact"),
        *_encrypted("historicalnegotiatorcontact"),
    ]
