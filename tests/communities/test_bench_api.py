"""The benchmark command keeps working (its figures are read by people, not asserted here)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from communities.models import Community


@pytest.mark.django_db(transaction=True)
def test_bench_api_fills_a_separate_database_measures_and_drops_it():
    name = connection.settings_dict["NAME"]
    out, err = StringIO(), StringIO()
    call_command(
        "bench_api",
        "--communities",
        "5",
        "--incidents",
        "60",
        "--events",
        "60",
        "--repeat",
        "2",
        stdout=out,
        stderr=err,
    )
    report = out.getvalue()
    assert "incidents/ filtered" in report
    assert "events/ filtered" in report
    assert "count of filtered list" in report
    # Back on the test database, which the benchmark did not touch.
    assert connection.settings_dict["NAME"] == name
    assert not Community.objects.exists()
