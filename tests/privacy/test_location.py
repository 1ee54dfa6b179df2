"""The phone's position on incidents and events (``privacy.location``): both coordinates or
neither, in range, through the services; exact for those who read personal data and rounded for
everyone else, on the field pages, in the admin, its exports and the API; never to partners."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from incidents.models import Incident
from incidents.services import incident_report
from negotiators.models import OutreachEvent
from negotiators.services import event_log
from privacy.location import rounding_metres, visible_location
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.test_api_personal_data import names_and_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

HERE = {"latitude": Decimal("50.450123"), "longitude": Decimal("30.523456"), "location_accuracy_m": 12}


def report(actor, community, **location):
    return incident_report(
        actor=actor,
        community=community,
        category="youth",
        occurred_at=timezone.now() - timedelta(hours=2),
        title="",
        location="Парк біля школи",
        **location,
    )


def log(actor, community, **location):
    return event_log(
        actor=actor,
        community=community,
        kind="public_meeting",
        title="",
        date=timezone.localdate(),
        topic="youth",
        participants_total=10,
        place="Школа №3",
        **location,
    )


@pytest.mark.parametrize("write", [report, log], ids=["incident", "event"])
def test_a_location_is_stored_to_five_decimals_with_its_precision(write, staff_user, community):
    record = write(staff_user, community, **HERE)
    record.refresh_from_db()
    assert (record.latitude, record.longitude, record.location_accuracy_m) == (
        Decimal("50.45012"),
        Decimal("30.52346"),
        12,
    )


@pytest.mark.parametrize("write", [report, log], ids=["incident", "event"])
def test_a_record_without_a_location_keeps_its_typed_place_alone(write, staff_user, community):
    record = write(staff_user, community)
    assert (record.latitude, record.longitude, record.location_accuracy_m) == (None, None, None)
    assert visible_location(record, exact=True) is None


@pytest.mark.parametrize("write", [report, log], ids=["incident", "event"])
@pytest.mark.parametrize(
    ("location", "field", "message"),
    [
        ({"latitude": Decimal("50.1")}, "latitude", "A location needs both its latitude and its longitude."),
        ({"longitude": Decimal("30.1")}, "latitude", "A location needs both its latitude and its longitude."),
        (
            {"latitude": Decimal("91"), "longitude": Decimal("30")},
            "latitude",
            "The latitude must be between -90 and 90.",
        ),
        (
            {"latitude": Decimal("50"), "longitude": Decimal("-180.5")},
            "longitude",
            "The longitude must be between -180 and 180.",
        ),
        (
            {"latitude": Decimal("50"), "longitude": Decimal("30"), "location_accuracy_m": 100_001},
            "location_accuracy_m",
            "The location's precision must be between 0 and 100 km.",
        ),
        ({"location_accuracy_m": 10}, "location_accuracy_m", "A precision was given without a location."),
    ],
)
def test_the_services_refuse_half_a_location_or_one_out_of_range(
    write, location, field, message, staff_user, community
):
    with translation.override("en"):  # the messages are lazy: read in the same language
        with pytest.raises(ValidationError) as refused:
            write(staff_user, community, **location)
        assert refused.value.message_dict[field] == [message]


def test_the_field_form_refuses_half_a_location_next_to_the_place(client, negotiator_user, community):
    client.force_login(negotiator_user)
    response = client.post(
        "/field/incidents/new/",
        {
            "community": community.pk,
            "category": "youth",
            "severity": 2,
            "occurred_at_0": timezone.localdate().isoformat(),
            "occurred_at_1": "08:00",
            "location": "Парк",
            "source": "resident",
            "latitude": "50.45",
            "idempotency_key": "half-a-location",
            "party-TOTAL_FORMS": 0,
            "party-INITIAL_FORMS": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "A location needs both its latitude and its longitude." in response.content.decode()


def test_the_field_form_stores_the_location_of_an_event(client, negotiator_user, community):
    client.force_login(negotiator_user)
    response = client.post(
        "/field/events/new/",
        {
            "community": community.pk,
            "kind": "public_meeting",
            "date": timezone.localdate().isoformat(),
            "place": "Школа №3",
            "topic": "youth",
            "participants_total": 10,
            "latitude": "50.45012",
            "longitude": "30.52346",
            "location_accuracy_m": "12",
            "idempotency_key": "event-with-location",
        },
    )
    assert response.status_code in (201, 302), response.content[:400]
    event = OutreachEvent.objects.get()
    assert (event.latitude, event.longitude, event.location_accuracy_m) == (
        Decimal("50.45012"),
        Decimal("30.52346"),
        12,
    )


def test_rounding_keeps_the_settings_decimals_and_a_precision_no_finer_than_the_rounding(
    settings, staff_user, community
):
    incident = report(staff_user, community, **HERE)
    exact = visible_location(incident, exact=True)
    assert (str(exact), exact.rounded) == ("50.45012, 30.52346 ±12 m", False)
    rounded = visible_location(incident, exact=False)
    assert (str(rounded), rounded.rounded) == ("50.45, 30.52 ±557 m", True)
    settings.LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA = 1
    assert str(visible_location(incident, exact=False)) == f"50.5, 30.5 ±{rounding_metres(1)} m"


def test_the_case_page_shows_staff_the_point_and_a_manager_the_rounded_one(client, staff_user, manager_user, community):
    incident = report(staff_user, community, **HERE)
    url = f"/field/incidents/{incident.pk}/"
    verified_login(client, staff_user)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "50.45012, 30.52346 ±12 m" in page
    client.logout()
    verified_login(client, manager_user)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "50.45, 30.52 ±557 m (rounded)" in page
    assert "50.45012" not in page
    # No external map: the point is text, not a link.
    assert "maps" not in page.lower()


def test_the_event_page_shows_a_manager_the_rounded_point(client, staff_user, manager_user, community):
    event = log(staff_user, community, **HERE)
    verified_login(client, manager_user)
    page = client.get(f"/field/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "50.45, 30.52 ±557 m (rounded)" in page
    assert "30.52346" not in page


@pytest.mark.parametrize(
    ("url", "write"),
    [
        ("admin:incidents_incident_change", report),
        ("admin:negotiators_outreachevent_change", log),
    ],
    ids=["incident", "event"],
)
def test_the_admin_form_shows_a_manager_the_rounded_point_read_only_and_staff_the_inputs(
    client, url, write, staff_user, manager_user, community
):
    record = write(staff_user, community, **HERE)
    verified_login(client, manager_user)
    page = client.get(reverse(url, args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "50.45, 30.52 ±557 m (rounded)" in page
    assert "50.45012" not in page
    assert 'name="latitude"' not in page
    client.logout()
    verified_login(client, staff_user)
    page = client.get(reverse(url, args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="latitude"' in page
    assert "50.45012" in page


@pytest.mark.parametrize(
    ("changelist", "write"),
    [("admin:incidents_incident_changelist", report), ("admin:negotiators_outreachevent_changelist", log)],
    ids=["incident", "event"],
)
def test_the_admin_export_rounds_the_point_for_a_manager(
    client, changelist, write, staff_user, manager_user, community
):
    record = write(staff_user, community, **HERE)
    data = {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: [record.pk], "index": 0}

    def exported(user) -> dict:
        client.logout()
        verified_login(client, user)
        response = client.post(reverse(changelist), data, HTTP_ACCEPT_LANGUAGE="en")
        header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        return dict(zip(header, row, strict=True))

    assert exported(manager_user)["Phone's location"] == "50.45, 30.52 ±557 m (rounded)"
    assert exported(staff_user)["Phone's location"] == "50.45012, 30.52346 ±12 m"


@pytest.mark.parametrize(("collection", "write"), [("incidents", report), ("events", log)])
def test_the_api_gives_staff_the_point_a_manager_the_rounded_one(api_as, collection, write, staff_user, community):
    record = write(staff_user, community, **HERE)
    row = api_as("staff").get(f"/api/v1/{collection}/{record.pk}/").json()
    assert (row["latitude"], row["longitude"], row["location_accuracy_m"]) == (50.45012, 30.52346, 12)
    manager = api_as("manager").get(f"/api/v1/{collection}/{record.pk}/")
    if manager.status_code == 200:
        row = manager.json()
        assert (row["latitude"], row["longitude"], row["location_accuracy_m"]) == (50.45, 30.52, 557)


# What a script sends to create each kind of record through the API, besides the position.
API_WRITES = {
    "incidents": {"category": "youth", "occurred_at": "2025-06-02T10:00:00+03:00", "title": "Сварка в парку"},
    "events": {
        "kind": "public_meeting",
        "title": "Зустріч у парку",
        "date": "2025-06-02",
        "topic": "youth",
        "participants_total": 10,
    },
}


@pytest.mark.parametrize("collection", API_WRITES)
def test_an_api_write_stores_the_phone_position_and_reads_it_back(api_as, collection, community, negotiator_user):
    client = api_as("negotiator")
    body = {**API_WRITES[collection], "community": community.pk, "latitude": 50.450123, "longitude": 30.523456}
    response = client.post(f"/api/v1/{collection}/", {**body, "location_accuracy_m": 12}, format="json")

    assert response.status_code == 201, response.content[:300]
    row = response.json()
    assert (row["latitude"], row["longitude"], row["location_accuracy_m"]) == (50.45012, 30.52346, 12)
    without = client.post(f"/api/v1/{collection}/", API_WRITES[collection] | {"community": community.pk}, format="json")
    assert without.status_code == 201
    assert without.json()["latitude"] is None


@pytest.mark.parametrize("collection", API_WRITES)
@pytest.mark.parametrize(
    ("position", "field"),
    [
        ({"latitude": 50.1}, "latitude"),  # half a point
        ({"latitude": 91, "longitude": 30}, "latitude"),
        ({"latitude": 50, "longitude": "NaN"}, "longitude"),
        ({"latitude": 50, "longitude": 30, "location_accuracy_m": -1}, "location_accuracy_m"),
        ({"location_accuracy_m": 10}, "location_accuracy_m"),  # a precision without a point
    ],
)
def test_an_api_write_with_a_wrong_position_is_a_400_naming_it_and_stores_nothing(
    api_as, collection, position, field, community, negotiator_user
):
    body = {**API_WRITES[collection], "community": community.pk, **position}
    response = api_as("negotiator").post(f"/api/v1/{collection}/", body, format="json")

    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["error"]["fields"]
    assert not Incident.objects.exists()
    assert not OutreachEvent.objects.exists()


# HERE's degrees, exact or rounded, anywhere in a response; not a timestamp's seconds ("12:34:30.52…").
POINT = re.compile(r"(?<!\d\d:)(?<![\d.])(50\.45|30\.52)")


@pytest.mark.parametrize(("collection", "write"), [("incidents", report), ("events", log)])
def test_partners_never_get_the_phone_location_only_the_community(collection, write, staff_user, community, partner):
    record = write(staff_user, community, **HERE)
    client = key_client(issue_key(partner))
    for fmt in ("json", "csv", "xlsx"):
        response = client.get(f"/api/v1/{collection}/", {"format": fmt})
        assert response.status_code == 200
        names, text = names_and_text(fmt, response)
        assert not {"latitude", "longitude", "location_accuracy_m"} & names
        assert not POINT.search(text), POINT.search(text)
    detail = client.get(f"/api/v1/{collection}/{record.pk}/")
    assert not POINT.search(detail.content.decode())
    if collection == "incidents":
        assert detail.json()["community_latitude"] == float(community.latitude)
    feed = client.get("/api/v1/changes/")
    assert feed.status_code == 200
    assert not POINT.search(feed.content.decode())


def test_the_change_history_shows_a_manager_the_moved_point_rounded(client, staff_user, manager_user, community):
    incident = report(staff_user, community, **HERE)
    incident.latitude, incident.longitude = Decimal("50.46789"), Decimal("30.51234")
    incident._history_user = staff_user
    incident.save()
    url = reverse("admin:incidents_incident_history", args=[incident.pk])
    verified_login(client, manager_user)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "30.51" in page
    assert "30.51234" not in page
    assert "50.46789" not in page
    client.logout()
    verified_login(client, staff_user)
    assert "30.51234" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
