"""The API benchmark keeps working (its figures are read by people, not asserted here)."""

import pytest
from django.db import connection

from communities.models import Community
from tools import bench_api

pytestmark = pytest.mark.benchmark


@pytest.mark.django_db(transaction=True)
def test_bench_api_fills_a_separate_database_measures_and_drops_it(capsys):
    name = connection.settings_dict["NAME"]
    status = bench_api.main(
        ["--communities", "5", "--incidents", "60", "--events", "60", "--cases", "60", "--repeat", "2"]
    )
    assert status == 0
    report = capsys.readouterr().out
    assert "incidents/ filtered" in report
    assert "events/ filtered" in report
    assert "cases/ filtered" in report
    assert "case worker" in report
    assert "count of filtered list" in report
    # Back on the test database, which the benchmark did not touch.
    assert connection.settings_dict["NAME"] == name
    assert not Community.objects.exists()
