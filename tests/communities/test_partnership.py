from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from communities.models import Community
from communities.selectors import with_partnership_state
from communities.services import partnership_end, partnership_start

pytestmark = pytest.mark.django_db


def test_community_leaves_and_rejoins_keeping_its_history(community):
    partnership_start(community=community, joined_on=date(2023, 3, 1))
    partnership_end(community=community, left_on=date(2025, 9, 30), reason="elections")
    assert not with_partnership_state(Community.objects.filter(pk=community.pk)).get().is_partner
    partnership_start(community=community, joined_on=date(2026, 1, 15))
    assert with_partnership_state(Community.objects.filter(pk=community.pk)).get().is_partner
    assert list(community.partnerships.values_list("joined_on", "left_on", "leave_reason")) == [
        (date(2023, 3, 1), date(2025, 9, 30), "elections"),
        (date(2026, 1, 15), None, ""),
    ]


def test_periods_of_one_community_cannot_overlap(community):
    partnership_start(community=community, joined_on=date(2023, 3, 1))
    partnership_end(community=community, left_on=date(2025, 9, 30), reason="elections")
    with pytest.raises(ValidationError) as error:
        partnership_start(community=community, joined_on=date(2025, 6, 1))
    assert "joined_on" in error.value.message_dict


def test_ending_needs_an_open_partnership(community):
    with pytest.raises(ValidationError):
        partnership_end(community=community, left_on=date(2025, 9, 30), reason="elections")


def test_leaving_before_joining_is_refused(community):
    partnership_start(community=community, joined_on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        partnership_end(community=community, left_on=date(2024, 2, 1), reason="other")
    assert "left_on" in error.value.message_dict


LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


def test_ending_a_partnership_brings_the_community_back_into_an_incremental_sync(community, api_as):
    partnership_start(community=community, joined_on=date(2023, 3, 1))
    Community.objects.filter(pk=community.pk).update(updated_at=LONG_AGO)
    partnership_end(community=community, left_on=date(2025, 9, 30), reason="elections")
    rows = api_as("staff").get("/api/v1/communities/", {"updated_since": "2024-06-01T00:00:00Z"}).json()["results"]
    assert [(row["id"], row["is_partner"]) for row in rows] == [(community.pk, False)]


def test_starting_a_partnership_counts_as_a_change_of_the_community(community):
    Community.objects.filter(pk=community.pk).update(updated_at=LONG_AGO)
    partnership_start(community=community, joined_on=date(2023, 3, 1))
    community.refresh_from_db()
    assert community.updated_at > LONG_AGO
