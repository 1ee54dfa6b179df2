from datetime import date

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
