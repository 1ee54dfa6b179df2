"""The admin's own log written before names were kept out of it: entries about parties, contacts,
negotiators and attendance are named by their id, and the change messages of the pages with
such inline rows (cases, negotiators, training sessions) lose the rows' names. Every entry stays."""

import json

from django.db import migrations

# (app label, model): entries about these records named a person in object_repr.
NAMED = [
    ("incidents", "incidentparty"),
    ("negotiators", "negotiatorcontact"),
    ("negotiators", "negotiator"),
    ("training", "attendance"),
]
# Their change messages named the inline rows (parties, the contact, attendance).
WITH_NAMED_INLINES = [("incidents", "incident"), ("negotiators", "negotiator"), ("training", "trainingsession")]


def _content_types(apps, pairs):
    ContentType = apps.get_model("contenttypes", "ContentType")
    found = []
    for app_label, model in pairs:
        found += list(ContentType.objects.filter(app_label=app_label, model=model).values_list("pk", flat=True))
    return found


def _without_objects(change_message):
    try:
        entries = json.loads(change_message)
    except ValueError:
        return change_message
    if not isinstance(entries, list):
        return change_message
    for entry in entries:
        for action in ("added", "changed", "deleted"):
            if isinstance(entry, dict) and isinstance(entry.get(action), dict):
                entry[action].pop("object", None)
    return json.dumps(entries)


def scrub(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    for entry in LogEntry.objects.filter(content_type__in=_content_types(apps, NAMED)).iterator():
        entry.object_repr = f"#{entry.object_id}"
        entry.save(update_fields=["object_repr"])
    for entry in LogEntry.objects.filter(content_type__in=_content_types(apps, WITH_NAMED_INLINES)).iterator():
        scrubbed = _without_objects(entry.change_message)
        if scrubbed != entry.change_message:
            entry.change_message = scrubbed
            entry.save(update_fields=["change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
