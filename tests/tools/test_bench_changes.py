"""The change feed benchmark keeps working (its figures are read by people, not asserted here)."""

import pytest
from django.db import connection

from api.models import Change
from tools import bench_changes

pytestmark = pytest.mark.benchmark


@pytest.mark.django_db(transaction=True)
def test_bench_changes_fills_a_separate_database_measures_and_drops_it(capsys):
    name = connection.settings_dict["NAME"]
    status = bench_changes.main(["--communities", "10", "--records", "1000", "--changes", "3000", "--repeat", "2"])
    assert status == 0
    report = capsys.readouterr().out
    assert "3,000 changes" in report
    assert "partner key" in report
    assert connection.settings_dict["NAME"] == name
    assert not Change.objects.exists()
