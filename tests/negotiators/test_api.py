"""Outreach events, negotiators and media mentions over the API: negotiators log events from the
field (retries included), everyone reads within their scope, filters and CSV work."""

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import IdempotencyKey
from negotiators.models import OutreachEvent
from tests.communities.api_support import (
    event_body,
)
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def negotiator_api(api_as):
    return api_as("negotiator")


def test_negotiator_logs_an_event_in_own_community(negotiator_api, negotiator_user, community):
    response = negotiator_api.post(
        "/api/v1/events/", event_body(community, internal_notes="лише для НУО"), format="json"
    )
    assert response.status_code == 201
    event = OutreachEvent.objects.get()
    assert response.json()["id"] == event.pk
    assert (event.community, event.created_by, event.participants_total) == (community, negotiator_user, 12)
    assert list(event.organisers.all()) == [negotiator_user.negotiator]
    # Inside the NGO the answer carries the internal fields too.
    assert response.json()["internal_notes"] == "лише для НУО"


def test_negotiator_cannot_log_in_another_community(negotiator_api, other_community):
    response = negotiator_api.post("/api/v1/events/", event_body(other_community), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"community"}
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"participants_total": -1}, "participants_total"),
        ({"participants_youth": 13}, "participants_youth"),
        ({"participants_women": 10, "participants_men": 5}, "participants_men"),
        ({"date": "2999-01-01"}, "date"),
        ({"kind": "party"}, "kind"),
        ({"participants_total": 10**12}, "participants_total"),
        ({"title": ""}, "title"),
    ],
)
def test_event_rules_are_the_models_rules(negotiator_api, community, overrides, field):
    response = negotiator_api.post("/api/v1/events/", event_body(community, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not OutreachEvent.objects.exists()


def test_organisers_must_work_in_the_events_community(api_as, community, other_community):
    stranger = NegotiatorFactory(community=other_community)
    response = api_as("staff").post("/api/v1/events/", event_body(community, organisers=[stranger.pk]), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"organisers"}


def test_a_retried_post_creates_one_event_and_replays_the_first_answer(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "3f1c2b7e-phone-retry"}
    first = negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    again = negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first
    assert OutreachEvent.objects.count() == 1


def test_the_same_body_in_another_key_order_is_the_same_submission(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "order"}
    body = event_body(community)
    negotiator_api.post("/api/v1/events/", body, format="json", **headers)
    reordered = dict(reversed(list(body.items())))
    assert negotiator_api.post("/api/v1/events/", reordered, format="json", **headers).status_code == 201
    assert OutreachEvent.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reused"}
    negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    response = negotiator_api.post(
        "/api/v1/events/", event_body(community, participants_total=13), format="json", **headers
    )
    assert response.status_code == 422
    assert OutreachEvent.objects.count() == 1


def test_the_same_key_with_another_body_that_is_also_invalid_is_a_conflict(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "reused-badly"}
    negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    response = negotiator_api.post(
        "/api/v1/events/", event_body(community, kind="no-such-kind"), format="json", **headers
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "idempotency_conflict")


def test_without_a_key_each_post_is_a_new_event(negotiator_api, community):
    for _ in range(2):
        assert negotiator_api.post("/api/v1/events/", event_body(community), format="json").status_code == 201
    assert OutreachEvent.objects.count() == 2


def test_a_refused_submission_leaves_its_key_free_for_the_corrected_one(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "fix-me"}
    bad = negotiator_api.post("/api/v1/events/", event_body(community, date="2999-01-01"), format="json", **headers)
    assert bad.status_code == 400
    good = negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    assert good.status_code == 201
    assert IdempotencyKey.objects.filter(key="fix-me").count() == 1


def test_a_body_the_input_check_refuses_leaves_its_key_free_too(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "fix-the-kind"}
    bad = negotiator_api.post("/api/v1/events/", event_body(community, kind="no-such-kind"), format="json", **headers)
    assert bad.status_code == 400
    assert negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers).status_code == 201


def test_an_unusable_idempotency_key_is_a_400(negotiator_api, community):
    response = negotiator_api.post(
        "/api/v1/events/", event_body(community), format="json", HTTP_IDEMPOTENCY_KEY="x" * 200
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert not OutreachEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_concurrent_retries_create_one_event(negotiator_user, community, settings):
    settings.API_THROTTLE_RATES = {"key": None, "user": None, "anon": None}
    barrier = threading.Barrier(3)
    responses = []

    def submit():
        client = APIClient()
        client.force_login(negotiator_user)
        barrier.wait()
        try:
            responses.append(
                client.post("/api/v1/events/", event_body(community), format="json", HTTP_IDEMPOTENCY_KEY="tap-tap-tap")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(response.status_code for response in responses) == [201, 201, 201]
    assert len({response.json()["id"] for response in responses}) == 1
    assert sorted(response.get("Idempotency-Replayed", "") for response in responses) == ["", "true", "true"]
    assert OutreachEvent.objects.count() == 1


def test_events_filter_by_kind_period_and_community(api_as, community, other_community):
    OutreachEventFactory(community=community, kind="forum", date=date(2025, 3, 1))
    OutreachEventFactory(community=community, kind="forum", date=date(2025, 7, 1))
    OutreachEventFactory(community=community, kind="webinar", date=date(2025, 3, 2))
    OutreachEventFactory(community=other_community, kind="forum", date=date(2025, 3, 3))
    client = api_as("manager")
    response = client.get(
        "/api/v1/events/",
        {"kind": "forum", "date_after": "2025-01-01", "date_before": "2025-06-30", "community": community.pk},
    )
    assert [row["date"] for row in response.json()["results"]] == ["2025-03-01"]
    by_region = client.get("/api/v1/events/", {"region": other_community.region_id}).json()
    assert [row["community"] for row in by_region["results"]] == [other_community.pk]


def test_events_are_ordered_newest_first_and_on_request(api_as, community):
    for day in (3, 1, 2):
        OutreachEventFactory(community=community, date=date(2025, 3, day), participants_total=10 + day)
    client = api_as("staff")
    default = [row["date"] for row in client.get("/api/v1/events/").json()["results"]]
    assert default == ["2025-03-03", "2025-03-02", "2025-03-01"]
    ordered = client.get("/api/v1/events/", {"ordering": "participants_total"}).json()["results"]
    assert [row["participants_total"] for row in ordered] == [11, 12, 13]
    assert client.get("/api/v1/events/", {"ordering": "internal_notes"}).status_code == 400


def test_updated_since_returns_only_what_changed(api_as, community):
    old, recent = OutreachEventFactory(community=community), OutreachEventFactory(community=community)
    OutreachEvent.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    rows = api_as("staff").get("/api/v1/events/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [recent.pk]


def test_events_as_csv_are_the_same_rows(api_as, community):
    for day in range(1, 4):
        OutreachEventFactory(community=community, date=date(2025, 3, day))
    client = api_as("partner_key")
    as_json = client.get("/api/v1/events/", {"page_size": 2}).json()
    response = client.get("/api/v1/events/", {"page_size": 2, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == [row["id"] for row in as_json["results"]]
    assert rows[0]["community_name"] == community.name
    assert rows[0]["organisers"] == ""
    assert response["X-Total-Count"] == "3"
    assert 'rel="next"' in response["Link"]


def test_csv_of_an_empty_list_still_has_its_header(api_as):
    response = api_as("partner_key").get("/api/v1/events/", {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "participants_total" in header
    assert "internal_notes" not in header


def test_csv_defuses_spreadsheet_formulas(api_as, community):
    OutreachEventFactory(community=community, title='=HYPERLINK("http://evil")')
    text = api_as("staff").get("/api/v1/events/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_pages_default_to_50_and_stop_at_500(api_as, community):
    OutreachEventFactory.create_batch(60, community=community)
    client = api_as("staff")
    first = client.get("/api/v1/events/").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (60, 50, None)
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert len(client.get("/api/v1/events/", {"page_size": 5000}).json()["results"]) == 60
    assert client.get("/api/v1/events/", {"page": 99}).status_code == 404


def test_negotiators_are_read_without_names_or_contacts(api_as, negotiator_user):
    row = api_as("partner_key").get("/api/v1/negotiators/").json()["results"][0]
    assert row["id"] == negotiator_user.negotiator.pk
    assert not {"user", "full_name", "phone", "email"} & set(row)
    staff_row = api_as("staff").get(f"/api/v1/negotiators/{row['id']}/").json()
    assert staff_row["user"] == negotiator_user.pk
    assert not {"full_name", "phone", "email"} & set(staff_row)


def test_media_mentions_about_the_whole_programme_are_visible_to_partners(api_as):
    from negotiators.models import MediaMention
    from tests.communities.factories import test_programme

    MediaMention.objects.create(
        outlet="УНІАН",
        medium="online",
        published_on=date(2025, 2, 1),
        title="Школа",
        reach=5,
        programme=test_programme(),
    )
    rows = api_as("partner_key").get("/api/v1/media-mentions/").json()["results"]
    assert [(row["outlet"], row["community"], row["community_name"]) for row in rows] == [("УНІАН", None, None)]
