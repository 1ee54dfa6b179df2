"""The events collection with the life cycle: partners see the status, the schedule and the
public registration address, never the meeting link nor a registrant; POST plans events ahead
and logs held ones, never a held one in the future."""

from datetime import timedelta

import pytest
from django.utils import timezone

from negotiators.models import EventFormat, EventKind, EventSeries, EventStatus, OutreachEvent
from tests.communities.api_support import event_body
from tests.communities.factories import CommunityFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

MEETING = "https://meet.example.org/secret-room-42"
HELD_IN_FUTURE = "A held event cannot be in the future: plan it, or log it once it has taken place."


@pytest.fixture
def webinar(community, other_community):
    series = EventSeries.objects.create(
        title="Інтеграція громад", programme=community.participations.first().programme, parts=2
    )
    start = timezone.now() + timedelta(days=10)
    event = OutreachEventFactory(
        community=community,
        kind=EventKind.WEBINAR,
        title="Вебінар: частина 1",
        status=EventStatus.PLANNED,
        date=start.date(),
        starts_at=start,
        duration_minutes=150,
        time_zone="Europe/Kyiv",
        format=EventFormat.ONLINE,
        meeting_link=MEETING,
        stream_link="https://stream.example.org/live",
        languages=["uk", "pl"],
        interpretation=True,
        series=series,
        part=1,
        agenda="11:00 Вітання\n11:15 Доповіді",
        registration_open=True,
        slug="integration-1",
        capacity=300,
        participants_total=0,
        participants_women=0,
        participants_men=0,
    )
    event.audience_communities.set([other_community])
    return event


def test_partner_sees_the_schedule_and_the_registration_address_but_not_the_meeting_link(api_as, webinar):
    response = api_as("partner_key").get(f"/api/v1/events/{webinar.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert "meeting_link" not in body
    assert MEETING not in response.content.decode()
    assert body["status"] == "planned"
    assert body["registration_url"] == "http://testserver/e/integration-1/"
    assert (body["format"], body["languages"], body["interpretation"]) == ("online", ["uk", "pl"], True)
    assert (body["series_title"], body["series_parts"], body["part"]) == ("Інтеграція громад", 2, 1)
    assert body["series"] == webinar.series_id
    assert body["audience_communities"] == [c.pk for c in webinar.audience_communities.all()]
    assert (body["duration_minutes"], body["time_zone"], body["capacity"]) == (150, "Europe/Kyiv", 300)
    assert body["agenda"].startswith("11:00")
    assert body["stream_link"] == "https://stream.example.org/live"
    assert body["starts_at"]
    assert "registrations" not in body


def test_partner_list_and_csv_carry_no_meeting_link(api_as, webinar):
    client = api_as("partner_key")
    for fmt in ("json", "csv"):
        response = client.get("/api/v1/events/", {"format": fmt})
        assert response.status_code == 200
        assert MEETING not in response.content.decode()
        assert "meeting_link" not in response.content.decode()


def test_staff_see_the_meeting_link(api_as, webinar):
    body = api_as("staff").get(f"/api/v1/events/{webinar.pk}/").json()
    assert body["meeting_link"] == MEETING


def test_an_event_not_open_for_registration_has_no_registration_url(api_as, community):
    event = OutreachEventFactory(community=community, slug="closed-one")
    body = api_as("partner_key").get(f"/api/v1/events/{event.pk}/").json()
    assert (body["status"], body["registration_url"], body["series"], body["series_title"]) == (
        "held",
        None,
        None,
        None,
    )
    assert body["audience_communities"] == []


def test_filters_by_status_format_series_and_registration(api_as, webinar, community):
    held = OutreachEventFactory(community=community)
    client = api_as("staff")

    def ids(**query):
        response = client.get("/api/v1/events/", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="planned") == {webinar.pk}
    assert ids(status="held") == {held.pk}
    assert ids(event_format="online") == {webinar.pk}
    assert ids(event_format="in_person") == {held.pk}
    assert ids(series=webinar.series_id) == {webinar.pk}
    assert ids(registration_open="true") == {webinar.pk}
    assert client.get("/api/v1/events/", {"status": "maybe"}).status_code == 400


def planned_body(community, start, **overrides):
    return event_body(
        community,
        **{
            "date": None,
            "status": "planned",
            "starts_at": start.isoformat(),
            "duration_minutes": 150,
            "time_zone": "Europe/Kyiv",
            "format": "online",
            "meeting_link": MEETING,
            "languages": ["uk", "pl"],
            "interpretation": True,
            "agenda": "Вітання, доповіді, запитання",
            "registration_open": True,
            "slug": "planned-webinar",
            "capacity": 200,
            "participants_total": 0,
            "participants_women": 0,
            "participants_men": 0,
            **overrides,
        },
    )


def test_staff_plan_an_event_in_the_future(api_as, community, other_community):
    start = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    body = planned_body(community, start, audience_communities=[other_community.pk])
    response = api_as("staff").post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.content
    event = OutreachEvent.objects.get()
    assert (event.status, event.starts_at, event.format, event.capacity) == ("planned", start, "online", 200)
    assert event.date == timezone.localtime(start, event.zone).date()
    assert list(event.audience_communities.all()) == [other_community]
    assert response.json()["registration_url"] == "http://testserver/e/planned-webinar/"


def test_a_held_event_in_the_future_is_refused_with_the_reason(api_as, community):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = api_as("staff").post(
        "/api/v1/events/", event_body(community, date=future), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date"] == [HELD_IN_FUTURE]
    start = timezone.now() + timedelta(days=5)
    response = api_as("staff").post(
        "/api/v1/events/",
        planned_body(community, start, status="held", registration_open=False),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date"] == [HELD_IN_FUTURE]
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "cancelled"}, "status"),
        ({"starts_at": None}, "date"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"format": "online", "meeting_link": "", "stream_link": ""}, "meeting_link"),
        ({"languages": ["xx"]}, "languages"),
        ({"registration_open": True, "slug": None}, "slug"),
    ],
)
def test_planned_events_follow_the_models_rules(api_as, community, overrides, field):
    start = timezone.now() + timedelta(days=3)
    response = api_as("staff").post("/api/v1/events/", planned_body(community, start, **overrides), format="json")
    assert response.status_code == 400, response.content
    # A list's item is named by its place ("languages.0").
    assert {name.split(".")[0] for name in response.json()["error"]["fields"]} == {field}
    assert not OutreachEvent.objects.exists()


def test_a_planned_event_that_is_already_over_is_refused(api_as, community):
    start = timezone.now() - timedelta(days=3)
    response = api_as("staff").post(
        "/api/v1/events/",
        planned_body(community, start, registration_open=False),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_a_held_event_is_logged_as_before(api_as, negotiator_user, community):
    response = api_as("negotiator").post("/api/v1/events/", event_body(community), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["date"], body["format"], body["registration_url"]) == (
        "held",
        "2025-03-14",
        "in_person",
        None,
    )


def test_audience_communities_outside_the_callers_sight_do_not_exist(api_as, community):
    stranger = CommunityFactory()
    response = api_as("negotiator").post(
        "/api/v1/events/", event_body(community, audience_communities=[stranger.pk]), format="json"
    )
    assert response.status_code == 400
    assert "audience_communities" in response.json()["error"]["fields"]


def test_the_change_feed_carries_the_new_fields_to_partners_without_the_meeting_link(api_as, webinar):
    response = api_as("partner_key").get("/api/v1/changes/")
    assert response.status_code == 200
    records = [item["record"] for item in response.json()["results"] if item["collection"] == "events"]
    mine = [record for record in records if record and record["id"] == webinar.pk]
    assert mine
    assert mine[-1]["status"] == "planned"
    assert mine[-1]["registration_url"].endswith("/e/integration-1/")
    assert MEETING not in response.content.decode()


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00-12:00", "0001-01-01T00:00:00+14:00", "1999-12-31T10:00:00Z"])
def test_a_start_far_outside_the_records_years_is_a_400(api_as, community, start):
    body = planned_body(community, timezone.now(), starts_at=start)
    response = api_as("staff").post("/api/v1/events/", body, format="json")
    assert response.status_code == 400
    assert "starts_at" in response.json()["error"]["fields"]
