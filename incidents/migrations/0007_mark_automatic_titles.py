"""Incidents whose title is what the field app used to write when none was typed (the category, in
the language of whoever reported it) get an automatic title. Their history rows stay as they were."""

from django.db import migrations
from django.utils import translation

# The languages the field app was used in; the labels come from the code's choices, translated.
LANGUAGES = ("uk", "en", "cs", "ru")
BATCH = 2000


def _old_titles():
    """What the field app wrote (``incidents.forms.IncidentForm.service_kwargs`` until then): each
    category's label, in every language."""
    from incidents.models import IncidentCategory

    titles = {}
    for language in LANGUAGES:
        with translation.override(language):
            for category in IncidentCategory:
                titles.setdefault(category.value, set()).add(str(category.label))
    return titles


def mark_automatic(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    old_titles = _old_titles()
    automatic = [
        pk
        for pk, category, title in Incident.objects.filter(title_is_automatic=False)
        .values_list("pk", "category", "title")
        .iterator(chunk_size=BATCH)
        if title in old_titles.get(category, ())
    ]
    for start in range(0, len(automatic), BATCH):
        Incident.objects.filter(pk__in=automatic[start : start + BATCH]).update(title_is_automatic=True)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_title_is_automatic")]

    operations = [migrations.RunPython(mark_automatic, migrations.RunPython.noop, elidable=True)]
