"""engagements/ with its activities and recommendations: what partners see, and the change feed
keeping their copies in step when staff record or move them."""

from decimal import Decimal

import pytest

from communities.models import Engagement
from support.models import Activity
from support.services import activity_delete, activity_save, recommendation_make, recommendation_move
from tests.communities.api_support import issue_key, key_client, records_in
from tests.communities.factories import CommunityFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.support.factories import MediatorFactory
from tests.sync.support import differences, follow, full_pull

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def engagement(media_root, community, partner, negotiator_user, staff_user):
    records = records_in(community, partner=partner, negotiator=negotiator_user.negotiator, actor=staff_user)
    elsewhere = CommunityFactory()
    records_in(elsewhere, partner=partner, negotiator=NegotiatorFactory(community=elsewhere), actor=staff_user)
    return records["engagements"]


def test_a_partner_sees_steps_hours_and_counts_and_the_links(engagement, partner, community, staff_user):
    event = OutreachEventFactory(community=community, date=engagement.starts_on)
    engagement.events.add(event)
    two = [MediatorFactory(), MediatorFactory()]
    activity_save(
        activity=Activity(
            engagement=engagement,
            line="mediation",
            step="mediation_session",
            date=engagement.starts_on,
            hours=Decimal("1.5"),
            notes="Petrenko",
        ),
        actor=staff_user,
        mediators=two,
    )
    body = key_client(issue_key(partner)).get(f"/api/v1/engagements/{engagement.pk}/").json()
    assert body["events"] == [event.pk]
    assert (body["trigger_incident"], body["follows"]) == (None, None)
    assert body["activities"][-1] == {
        "id": body["activities"][-1]["id"],
        "line": "mediation",
        "step": "mediation_session",
        "date": engagement.starts_on.isoformat(),
        "hours": 1.5,
        "mediators": 2,
    }
    assert set(body["recommendations"][0]) == {"id", "line", "text", "made_on", "status", "status_on"}


def test_the_feed_brings_recorded_moved_and_deleted_work(engagement, partner, staff_user):
    client = key_client(issue_key(partner))
    copy: dict = {}
    cursor, _items = follow(client, copy)
    activity = activity_save(
        activity=Activity(
            engagement=engagement, line="communication", step="seminar", date=engagement.starts_on, hours=Decimal("4")
        ),
        actor=staff_user,
        staff=[staff_user],
    )
    recommendation = recommendation_make(
        engagement=engagement,
        line="communication",
        text="Jmenovat mluvčí",
        made_on=engagement.starts_on,
        actor=staff_user,
    )
    cursor, _items = follow(client, copy, cursor)
    assert differences(copy, full_pull(client)) == {}
    recommendation_move(recommendation=recommendation, status="accepted", on=engagement.starts_on, actor=staff_user)
    activity_delete(activities=[activity])
    cursor, _items = follow(client, copy, cursor)
    assert differences(copy, full_pull(client)) == {}
    row = copy[("engagements", engagement.pk)]
    assert [item["status"] for item in row["recommendations"] if item["text"] == "Jmenovat mluvčí"] == ["accepted"]
    assert all(item["step"] != "seminar" for item in row["activities"])
    assert Engagement.objects.get(pk=engagement.pk).line_communication is True
