"""The change log, and a "created" row for every record that exists already, so that a partner's
script can start from an empty copy with the change feed alone."""

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone

# (collection, app label, model, lookups to its communities, audience without a community), as the
# apps declared them (``track_changes`` in their ``api.py``) when this migration was written.
COLLECTIONS = [
    ("regions", "communities", "Region", ("communities",), "staff"),
    ("communities", "communities", "Community", ("pk",), "staff"),
    ("partners", "communities", "PartnerOrganisation", None, "partner"),
    ("negotiators", "negotiators", "Negotiator", ("community",), "staff"),
    ("training/modules", "training", "TrainingModule", (), "everyone"),
    ("training/sessions", "training", "TrainingSession", ("host_community", "attendances__negotiator__community"), "staff"),
    ("events", "negotiators", "OutreachEvent", ("community",), "staff"),
    ("incidents", "incidents", "Incident", ("community",), "staff"),
    ("assessments", "communities", "SafetyAssessment", ("community",), "staff"),
    ("engagements", "communities", "Engagement", ("community",), "staff"),
    ("media-mentions", "negotiators", "MediaMention", ("community",), "everyone"),
]


def log_existing_records(apps, schema_editor):
    Change = apps.get_model("api", "Change")
    now = timezone.now()
    for name, app_label, model_name, paths, without in COLLECTIONS:
        manager = apps.get_model(app_label, model_name)._default_manager.using(schema_editor.connection.alias)
        communities = {pk: set() for pk in manager.order_by("pk").values_list("pk", flat=True)}
        for path in paths or ():
            for pk, community_id in manager.values_list("pk", path):
                if community_id is not None:
                    communities[pk].add(community_id)
        rows = []
        for pk, ids in communities.items():
            base = {"collection": name, "object_id": pk, "action": "create", "changed_at": now}
            if paths is None:
                rows.append(Change(**base, audience="partner", partner_id=pk))
            elif not ids:
                rows.append(Change(**base, audience=without))
            else:
                rows.extend(Change(**base, audience="community", community_id=cid) for cid in sorted(ids))
        Change.objects.using(schema_editor.connection.alias).bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('communities', '0003_api_models_move_to_api'),
        ('negotiators', '0005_contacts_encrypted'),
        ('training', '0001_initial'),
        ('incidents', '0003_parties_encrypted'),
    ]

    operations = [
        migrations.CreateModel(
            name='Change',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('collection', models.CharField(max_length=40, verbose_name='collection')),
                ('object_id', models.BigIntegerField(verbose_name='record')),
                ('action', models.CharField(choices=[('create', 'created'), ('update', 'updated'), ('delete', 'deleted')], max_length=6, verbose_name='change')),
                ('audience', models.CharField(choices=[('everyone', 'everyone'), ('community', 'community'), ('partner', 'partner organisation'), ('coverage', 'coverage'), ('staff', 'staff')], max_length=9, verbose_name='concerns')),
                ('community_id', models.IntegerField(blank=True, null=True, verbose_name='community')),
                ('partner_id', models.IntegerField(blank=True, null=True, verbose_name='partner organisation')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed at')),
            ],
            options={
                'verbose_name': 'change',
                'verbose_name_plural': 'changes',
                'indexes': [models.Index(fields=['community_id', 'id'], name='change_community_seq'), models.Index(fields=['partner_id', 'id'], name='change_partner_seq')],
            },
        ),
        migrations.RunPython(log_existing_records, migrations.RunPython.noop),
    ]
