"""reports 0008 adds the life cycle: every report already there keeps its row, as a draft without
a number, texts or stories."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.migrations

BEFORE = [("reports", "0007_indicators_version")]
AFTER = [("reports", "0009_report_lifecycle_and_stories")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_report_stays_as_a_draft():
    try:
        old = migrate(BEFORE)
        reports = old.get_model("reports", "MonitoringReport").objects
        ids = [
            reports.create(kind="annual", year=2025, scope="programme", language="en", note="для донора").pk,
            reports.create(kind="h1", year=2024, scope="programme", language="uk").pk,
        ]
        new = migrate(AFTER)
        migrated = new.get_model("reports", "MonitoringReport").objects.filter(pk__in=ids).order_by("pk")
        assert [(report.kind, report.stage, report.number, report.snapshot) for report in migrated] == [
            ("annual", "draft", "", ""),
            ("h1", "draft", "", ""),
        ]
        assert migrated[0].note == "для донора"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
