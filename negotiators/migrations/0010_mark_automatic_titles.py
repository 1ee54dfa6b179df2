"""Events whose title is what the field app used to write when none was typed ("kind, place", or
the kind alone without a place, in the language of whoever logged it) get an automatic title."""

from django.db import migrations
from django.utils import translation

# The languages the field app was used in; the labels come from the code's choices, translated.
LANGUAGES = ("uk", "en", "cs", "ru")
BATCH = 2000


def _kind_labels():
    """Each kind's label in every language."""
    from negotiators.models import EventKind

    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            for kind in EventKind:
                labels.setdefault(kind.value, set()).add(str(kind.label))
    return labels


def _old_titles(labels, place):
    """What the field app wrote (``negotiators.forms.EventForm.service_kwargs`` until then)."""
    return {(f"{label}, {place}" if place else label)[:200] for label in labels}


def mark_automatic(apps, schema_editor):
    OutreachEvent = apps.get_model("negotiators", "OutreachEvent")
    labels = _kind_labels()
    automatic = [
        pk
        for pk, kind, place, title in OutreachEvent.objects.filter(title_is_automatic=False)
        .values_list("pk", "kind", "place", "title")
        .iterator(chunk_size=BATCH)
        if title in _old_titles(labels.get(kind, ()), place)
    ]
    for start in range(0, len(automatic), BATCH):
        OutreachEvent.objects.filter(pk__in=automatic[start : start + BATCH]).update(title_is_automatic=True)


class Migration(migrations.Migration):
    dependencies = [("negotiators", "0009_title_is_automatic")]

    operations = [migrations.RunPython(mark_automatic, migrations.RunPython.noop, elidable=True)]
