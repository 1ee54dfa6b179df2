"""The dashboard's benchmark keeps working (its figures are read by people, not asserted here)."""

from datetime import date

import pytest

from tests.negotiators.factories import OutreachEventFactory
from tools import bench_dashboard

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def test_bench_dashboard_times_the_figures_uncached_and_cached(capsys, community):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)
    rows = bench_dashboard.measure(period="2025", repeat=2, uncached=1)
    assert [row["what"] for row in rows][:2] == ["indicators (function)", "indicators/ (API, staff key)"]
    assert all(row["uncached_ms"] > 0 and row["cached_ms"] > 0 for row in rows)
    assert rows[0]["communities"] == 1
    bench_dashboard.show([{"scale": "demo", **row} for row in rows])
    assert "indicators/ (API, staff key)" in capsys.readouterr().out
