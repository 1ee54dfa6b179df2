"""Every activity record belongs to a programme its community takes part in on the record's date:
the default, the refusals (services, API, admin), the ``programme=`` filter, and the programme
scope of the indicators and the PDF reports."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from communities.models import Engagement
from negotiators.models import OutreachEvent
from negotiators.services import event_log
from programmes.attribution import check_attribution, current_programme
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport
from reports.selectors import scope_communities
from reports.services import report_document
from tests.accounts.support import verified_login
from tests.communities.api_support import event_body, incident_body
from tests.communities.factories import CommunityFactory, EngagementFactory, SafetyAssessmentFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import MediaMentionFactory, OutreachEventFactory
from tests.programmes.factories import FundingFactory, ParticipationFactory, ProgrammeFactory
from tests.training.factories import TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def older(community):
    programme = ProgrammeFactory(code="OLD", starts_on=date(2024, 1, 1), ends_on=date(2026, 12, 31))
    ParticipationFactory(programme=programme, community=community, joined_on=date(2024, 1, 1))
    return programme


@pytest.fixture
def newer(community):
    programme = ProgrammeFactory(code="NEW", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    ParticipationFactory(programme=programme, community=community, joined_on=date(2025, 2, 1))
    return programme


def test_the_current_programme_is_the_most_recently_started_the_community_takes_part_in(community, older, newer):
    assert current_programme(community, date(2024, 6, 1)) == older
    assert current_programme(community, date(2025, 3, 1)) == newer
    assert current_programme(CommunityFactory(), date(2025, 3, 1)) is None


def test_a_record_without_a_community_belongs_to_a_programme_running_that_day(older, newer):
    assert current_programme(None, date(2025, 3, 1)) == newer
    with pytest.raises(ValidationError) as refused:
        check_attribution(newer, None, date(2024, 6, 1))
    assert "NEW" in str(refused.value)
    assert "2024-06-01" in str(refused.value)


def test_an_event_logged_without_a_programme_gets_the_communitys(staff_user, community, older, newer):
    event = event_log(**_event(staff_user, community, date(2024, 6, 1)))
    assert event.programme == older
    event = event_log(**_event(staff_user, community, date(2025, 3, 1)))
    assert event.programme == newer


def test_an_event_in_a_programme_its_community_is_not_in_then_is_refused(staff_user, community, newer):
    with pytest.raises(ValidationError) as refused:
        event_log(**_event(staff_user, community, date(2024, 6, 1)), programme=newer)
    message = refused.value.message_dict["programme"][0]
    assert community.name in message
    assert "NEW" in message
    assert "2024-06-01" in message
    assert not OutreachEvent.objects.exists()


def test_an_event_of_a_community_in_no_programme_asks_for_one(staff_user):
    stranger = CommunityFactory()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        event_log(**_event(staff_user, stranger, date(2025, 3, 1)))
    assert refused.value.message_dict["programme"] == [
        f"Community {stranger.name} takes part in no programme on 2025-03-01: choose a programme."
    ]


def _event(actor, community, day):
    return {
        "actor": actor,
        "community": community,
        "kind": "information_session",
        "title": "Зустріч",
        "date": day,
        "topic": "youth",
        "participants_total": 3,
    }


def test_the_api_takes_a_programme_and_shows_it(api_as, community, older, newer):
    response = api_as("staff").post("/api/v1/events/", event_body(community, programme=older.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["programme"] == older.pk
    response = api_as("staff").post("/api/v1/incidents/", incident_body(community), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["programme"] == newer.pk


def test_the_api_refuses_a_programme_the_community_is_not_in(api_as, community, newer):
    response = api_as("staff").post(
        "/api/v1/events/", event_body(community, date="2024-06-01", programme=newer.pk), format="json"
    )
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["programme"]
    assert community.name in message
    assert "NEW" in message
    assert "2024-06-01" in message


def test_the_api_refuses_a_programme_the_caller_cannot_see(api_as, community, negotiator_user, older):
    hidden = ProgrammeFactory(code="HIDDEN")
    response = api_as("negotiator").post("/api/v1/events/", event_body(community, programme=hidden.pk), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"programme"}
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("/api/v1/events/", OutreachEventFactory),
        ("/api/v1/media-mentions/", MediaMentionFactory),
        ("/api/v1/incidents/", IncidentFactory),
        ("/api/v1/assessments/", SafetyAssessmentFactory),
        ("/api/v1/engagements/", EngagementFactory),
    ],
)
def test_every_collection_filters_by_programme(api_as, community, older, newer, path, factory):
    fields = {} if factory is MediaMentionFactory else {"community": community}
    mine = factory(programme=newer, **fields, **_dated(factory))
    factory(programme=older, **fields, **_dated(factory, year=2024))
    client = api_as("staff")
    rows = client.get(path, {"programme": newer.pk}).json()["results"]
    assert [(row["id"], row["programme"]) for row in rows] == [(mine.pk, newer.pk)]
    assert client.get(path, {"programme": "many"}).status_code == 400


def test_training_sessions_filter_by_programme(api_as, community, older, newer):
    mine = TrainingSessionFactory(programme=newer, host_community=community, starts_on=date(2025, 3, 1))
    TrainingSessionFactory(programme=older, host_community=community, starts_on=date(2024, 3, 1))
    rows = api_as("staff").get("/api/v1/training/sessions/", {"programme": newer.pk}).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def _dated(factory, year=2025):
    day = date(year, 3, 10)
    return {
        OutreachEventFactory: {"date": day},
        MediaMentionFactory: {"published_on": day},
        IncidentFactory: {},
        SafetyAssessmentFactory: {"assessed_on": day, "year": year},
        EngagementFactory: {"starts_on": day, "ends_on": None},
    }[factory] | ({"occurred_at": f"{year}-03-10T12:00:00+02:00"} if factory is IncidentFactory else {})


def test_indicators_of_a_programme_count_only_its_records(api_as, community, older, newer):
    OutreachEventFactory(community=community, programme=newer, date=date(2025, 3, 10), participants_total=10)
    OutreachEventFactory(community=community, programme=older, date=date(2025, 3, 11), participants_total=30)
    outsider = CommunityFactory()
    communities = scope_communities(scope="programme")
    document = compute_indicators(period=Period(2025, 1), communities=communities, programme=newer)
    assert document["events"]["participants"]["current"] == 10
    assert [row["id"] for row in document["community_rows"]] == [community.pk]
    assert outsider.pk not in [row["id"] for row in document["community_rows"]]
    body = api_as("staff").get("/api/v1/indicators/", {"period": "2025-H1", "programme": older.pk}).json()
    assert body["events"]["participants"]["current"] == 30
    assert body["scope"]["programme"] == older.pk
    hidden = ProgrammeFactory(code="HIDDEN")
    partner = api_as("partner_key")
    assert partner.get("/api/v1/indicators/", {"period": "2025-H1", "programme": hidden.pk}).status_code == 404


def test_a_programme_report_is_requested_through_the_api(api_as, older):
    body = {"kind": "annual", "year": 2025, "scope": "programme", "programme": older.pk}
    response = api_as("staff").post("/api/v1/reports/", body, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["programme"] == older.pk
    report = MonitoringReport.objects.get()
    assert report.programme == older
    whole = api_as("staff").post("/api/v1/reports/", {"kind": "annual", "year": 2025}, format="json")
    assert whole.status_code == 202
    assert MonitoringReport.objects.get(pk=whole.json()["id"]).programme is None
    wrong = {"kind": "annual", "year": 2025, "scope": "partner", "programme": older.pk}
    assert api_as("staff").post("/api/v1/reports/", wrong, format="json").status_code == 400


def test_a_programme_report_is_built_by_the_command_and_names_its_donors(community, older, media_root):
    FundingFactory(programme=older, grant_reference="GR-777")
    OutreachEventFactory(community=community, programme=older, date=date(2025, 3, 10))
    out = StringIO()
    call_command(
        "generate_report",
        "--kind",
        "annual",
        "--year",
        "2025",
        "--scope",
        f"programme:{older.pk}",
        "--sync",
        stdout=out,
    )
    report = MonitoringReport.objects.get()
    assert report.programme == older
    assert report.status == "done"
    cover = report_document(report)["report"]["programme"]
    assert cover is not None
    assert (cover["code"], [donor["grant_reference"] for donor in cover["donors"]]) == ("OLD", ["GR-777"])


def test_the_admin_refuses_an_engagement_outside_the_programme(client, staff_user, community, newer):
    verified_login(client, staff_user)
    response = client.post(
        "/admin/communities/engagement/add/",
        {
            "community": community.pk,
            "programme": newer.pk,
            "mode": "acute",
            "topic": "housing",
            "starts_on": "2024-06-01",
        },
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "does not take part in programme NEW on 2024-06-01" in response.content.decode()
    assert not Engagement.objects.exists()


def test_the_field_app_logs_an_event_in_the_negotiators_current_programme(client, negotiator_user, community, newer):
    client.force_login(negotiator_user)
    response = client.post(reverse("field:event_new"), field_event(community, date="2025-03-01"))
    assert response.status_code == 302
    assert OutreachEvent.objects.get().programme == newer


def test_the_field_app_says_when_the_community_takes_part_in_no_programme(client, negotiator_user, community):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("field:event_new"), field_event(community, date="2025-03-01"))
    assert response.status_code == 400
    assert "takes part in no programme on 2025-03-01: choose a programme." in response.content.decode()
    assert not OutreachEvent.objects.exists()


def field_event(community, **overrides):
    return {
        "community": community.pk,
        "kind": "information_session",
        "place": "Школа № 3",
        "topic": "youth",
        "participants_total": "20",
        **overrides,
    }
