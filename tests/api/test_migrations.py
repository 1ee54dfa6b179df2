"""The API's models moved from ``communities`` and ``negotiators`` to ``api`` with their tables:
a database of the old layout keeps every key, log entry and idempotency key."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from api.models import ApiKey, ApiRequest, Change, IdempotencyKey

pytestmark = pytest.mark.migrations

OLD_LAYOUT = [
    ("communities", "0002_api_keys"),
    ("negotiators", "0003_idempotency_key_owner"),
    ("api", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def old_community(apps):
    """A user and a community in a database migrated back to an earlier layout (``apps``)."""
    user = apps.get_model("auth", "User").objects.create(username="old-staff")
    region = apps.get_model("communities", "Region").objects.create(name="Old region", country="UA")
    community = apps.get_model("communities", "Community").objects.create(
        name="Old community", region=region, kind="hromada"
    )
    return user, community


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _content_type_exists(app_label, model):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_content_type WHERE app_label = %s AND model = %s", [app_label, model])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_of_the_old_layout_keeps_every_row():
    try:
        old = migrate(OLD_LAYOUT)
        user, community = old_community(old)
        partner = old.get_model("communities", "PartnerOrganisation").objects.create(name="Old partner", country="UA")
        partner.communities.add(community)
        partner_key = old.get_model("communities", "ApiKey").objects.create(
            partner=partner, prefix="aaaa1111", hashed_key="a" * 64, name="M&E sync"
        )
        staff_key = old.get_model("communities", "ApiKey").objects.create(
            user=user, prefix="bbbb2222", hashed_key="b" * 64
        )
        for api_key in (partner_key, staff_key):
            old.get_model("communities", "ApiRequest").objects.create(
                api_key=api_key, method="GET", path="/api/v1/incidents/", status_code=200, requested_at=timezone.now()
            )
        old_keys = old.get_model("negotiators", "IdempotencyKey").objects
        old_keys.create(user=user, key="k-user", scope="events", fingerprint="f" * 64, status_code=201, response={})
        old_keys.create(partner=partner, key="k-partner", scope="x", fingerprint="e" * 64, status_code=201, response=[])
        # The content type (and so the permissions the groups hold) went back with the model.
        assert _content_type_exists("communities", "apikey")

        migrate(latest())

        assert set(ApiKey.objects.values_list("prefix", "partner__name", "user__username")) == {
            ("aaaa1111", "Old partner", None),
            ("bbbb2222", None, "old-staff"),
        }
        assert ApiRequest.objects.count() == 2
        assert set(ApiRequest.objects.values_list("api_key__prefix", flat=True)) == {"aaaa1111", "bbbb2222"}
        assert set(IdempotencyKey.objects.values_list("key", "user__username", "partner__name")) == {
            ("k-user", "old-staff", None),
            ("k-partner", None, "Old partner"),
        }
        ContentType.objects.clear_cache()
        assert ContentType.objects.filter(app_label="api", model="apikey").count() == 1
        assert not ContentType.objects.filter(app_label="communities", model="apikey").exists()
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_the_change_log_starts_with_every_record_that_exists():
    """A database from before the change log gets a "created" row per record, so a partner's
    copy can start from an empty one with the feed alone."""
    try:
        # Media mentions as they were then (before they carried a programme).
        old = migrate([("api", "0001_initial"), ("negotiators", "0005_contacts_encrypted")])
        _user, community = old_community(old)
        region_without_communities = old.get_model("communities", "Region").objects.create(name="Empty", country="CZ")
        partner = old.get_model("communities", "PartnerOrganisation").objects.create(name="Old partner", country="UA")
        partner.communities.add(community)
        old.get_model("negotiators", "MediaMention").objects.create(
            outlet="Radio", medium="radio", published_on="2025-01-01", title="About all", reach=10
        )
        assert not _table_exists("api_change")

        migrate(latest())

        rows = set(
            Change.objects.values_list("collection", "object_id", "action", "audience", "community_id", "partner_id")
        )
        mention = old.get_model("negotiators", "MediaMention").objects.get().pk
        assert rows == {
            ("regions", community.region_id, "create", "community", community.pk, None),
            ("regions", region_without_communities.pk, "create", "staff", None, None),
            ("communities", community.pk, "create", "community", community.pk, None),
            ("partners", partner.pk, "create", "partner", None, partner.pk),
            ("media-mentions", mention, "create", "everyone", None, None),
        }
    finally:
        migrate(latest())


def _table_exists(name):
    return name in connection.introspection.table_names()
