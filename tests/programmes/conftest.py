import pytest

import tests.communities.factories


@pytest.fixture(autouse=True)
def communities_outside_the_test_programme(monkeypatch):
    """These tests count programmes and participations: their communities take part only where
    a test says so."""
    monkeypatch.setattr(tests.communities.factories, "JOIN_TEST_PROGRAMME", False)
