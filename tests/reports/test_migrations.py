"""reports 0006 adds the PDF variant: the reports already there keep their rows, as accessible
(tagged PDF/UA-1) reports."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.migrations

BEFORE = [("reports", "0005_report_programme")]
AFTER = [("reports", "0006_report_pdf_variant")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_adding_the_pdf_variant_keeps_every_report():
    try:
        old = migrate(BEFORE)
        report = old.get_model("reports", "MonitoringReport").objects.create(
            kind="annual", year=2025, scope="programme", language="en", note="для донора"
        )
        new = migrate(AFTER)
        migrated = new.get_model("reports", "MonitoringReport").objects.get(pk=report.pk)
        assert (migrated.kind, migrated.year, migrated.language, migrated.note) == ("annual", 2025, "en", "для донора")
        assert migrated.pdf_variant == "pdf/ua-1"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
