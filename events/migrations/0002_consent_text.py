"""Version 1 of the registrants' consent text, in the portal's four languages."""

from django.db import migrations

from events.consent import FIRST_VERSION as TEXTS



def create(apps, schema_editor):
    ConsentText = apps.get_model("events", "ConsentText")
    for language, text in TEXTS.items():
        ConsentText.objects.get_or_create(version=1, language=language, defaults={"text": text})


def remove(apps, schema_editor):
    ConsentText = apps.get_model("events", "ConsentText")
    ConsentText.objects.filter(version=1, language__in=list(TEXTS), registrations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
