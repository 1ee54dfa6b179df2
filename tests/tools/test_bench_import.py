"""The import benchmark keeps working (its figures are read by people, not asserted here)."""

import pytest
from django.db import connection

from negotiators.models import OutreachEvent
from tools import bench_import

pytestmark = pytest.mark.benchmark


@pytest.mark.django_db(transaction=True)
def test_bench_import_checks_imports_and_reimports_in_a_separate_database(capsys):
    name = connection.settings_dict["NAME"]
    status = bench_import.main(["--rows", "50", "--communities", "10"])
    assert status == 0
    report = capsys.readouterr().out
    assert "50 outreach events" in report
    assert "(d) same file again" in report
    assert "Target: 10,000 rows imported within 60 s" in report
    assert connection.settings_dict["NAME"] == name
    assert not OutreachEvent.objects.exists()
