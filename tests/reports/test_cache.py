"""The indicators' cache (``reports.cache``): the same document as computing it, read back with
almost no query, never stale after a write to what the figures read (a save, a many-to-many
change, a service's ``QuerySet.update()``), never shared between scopes or programmes, and computed
when the cache is away."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import redis.exceptions
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import ASSESSMENT_DIMENSIONS, AssessmentScore, Community
from events.mailing import TRACKING_PREFIX, delivery_sent
from events.models import Delivery, MaterialsMailing
from incidents.models import Incident, IncidentStatus
from reports import cache as indicators_cache
from reports.cache import cached_indicators
from reports.indicators import Period, compute_indicators
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import CommunityFactory, SafetyAssessmentFactory
from tests.events.staff_support import register, webinar
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.programmes.factories import ProgrammeFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.services import attendance_record

pytestmark = pytest.mark.django_db

PERIOD = Period(2025, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def figures(communities=None, period=PERIOD, **kwargs):
    return cached_indicators(period=period, communities=communities or Community.objects.all(), **kwargs)


def test_a_cached_call_gives_the_computed_document_with_almost_no_query(community):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)
    first = figures()
    assert first == compute_indicators(period=PERIOD, communities=Community.objects.all())
    with CaptureQueriesContext(connection) as queries:
        again = figures()
    assert again == first
    # The communities in scope and the data version, nothing else.
    assert len(queries) == 2


def test_a_new_event_shows_at_once(community):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)
    assert figures()["events"]["participants"]["current"] == 20
    OutreachEventFactory(community=community, date=date(2025, 4, 1), participants_total=25)
    assert figures()["events"]["participants"]["current"] == 45


def test_an_incident_changed_or_deleted_shows_at_once(community):
    incident = IncidentFactory(community=community, occurred_at=timezone.make_aware(timezone.datetime(2025, 2, 1, 12)))
    assert figures()["incidents"]["resolved"]["current"] == 0
    incident.status = IncidentStatus.RESOLVED
    incident.closed_at = incident.occurred_at + timedelta(days=2)
    incident.save()
    assert figures()["incidents"]["resolved"]["current"] == 1
    incident.delete()
    assert figures()["incidents"]["reported"]["current"] == 0


def test_a_changed_assessment_score_shows_at_once(community):
    scores = {dimension: Decimal("3.00") for dimension in ASSESSMENT_DIMENSIONS}
    SafetyAssessmentFactory(community=community, year=2025, half=1, **scores)
    assert figures()["assessments"]["dimensions"]["cohesion"]["current"] == 3.0
    score = AssessmentScore.objects.get(assessment__community=community, dimension__code="cohesion")
    score.value = Decimal("4.00")
    score.save()
    assert figures()["assessments"]["dimensions"]["cohesion"]["current"] == 4.0


def test_an_attendance_recorded_shows_at_once(community):
    module = TrainingModuleFactory(code="M1", order=1, hours=16)
    session = TrainingSessionFactory(module=module, starts_on=date(2025, 3, 10), host_community=community)
    negotiator = NegotiatorFactory(community=community, joined_on=date(2024, 2, 1))
    assert figures()["training"]["present"]["current"] == 0
    attendance_record(session=session, negotiator=negotiator, present=True, completed=True)
    assert figures()["training"]["present"]["current"] == 1


def test_a_write_through_queryset_update_in_a_service_shows_at_once(community):
    """Materials marked sent by ``events.mailing`` (``QuerySet.update()``, no model signal)."""
    event = webinar(community=community)
    registration = register(event, "maria@hromada.example.org", attended=True)
    mailing = MaterialsMailing.objects.create(event=event, links="https://example.org/slides")
    delivery = Delivery.objects.create(mailing=mailing, registration=registration)
    period = Period.parse(f"{event.date.year}-H{1 if event.date.month <= 6 else 2}")
    assert figures(period=period)["webinars"]["materials_sent"]["current"] == 0
    delivery_sent(sender=None, tracking=f"{TRACKING_PREFIX}{delivery.pk}")
    assert figures(period=period)["webinars"]["materials_sent"]["current"] == 1


def test_a_plain_update_without_a_signal_needs_the_services_announcement(community):
    """What the services must do after ``QuerySet.update()``: ``api.changes.bulk_written``."""
    from api.changes import bulk_written

    incident = IncidentFactory(community=community, occurred_at=timezone.make_aware(timezone.datetime(2025, 2, 1, 12)))
    assert figures()["incidents"]["police_involved"]["current"] == 0
    Incident.objects.filter(pk=incident.pk).update(police_involved=True)
    bulk_written(Incident)
    assert figures()["incidents"]["police_involved"]["current"] == 1


def test_a_rolled_back_savepoint_does_not_hide_a_later_write(community):
    assert figures()["events"]["count"]["current"] == 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                OutreachEventFactory(community=community, date=date(2025, 3, 1))
                raise RuntimeError
        except RuntimeError:
            pass
        assert figures()["events"]["count"]["current"] == 0
        OutreachEventFactory(community=community, date=date(2025, 3, 2))
        assert figures()["events"]["count"]["current"] == 1


def test_scopes_and_programmes_never_share_an_entry(community, other_community):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)
    OutreachEventFactory(community=other_community, date=date(2025, 3, 1), participants_total=30)
    one = Community.objects.filter(pk=community.pk)
    assert figures(one)["events"]["participants"]["current"] == 20
    assert figures()["events"]["participants"]["current"] == 50
    assert figures(Community.objects.filter(pk=other_community.pk))["events"]["participants"]["current"] == 30
    assert figures(programme_wide=True)["scope"]["programme_wide"] is True
    programme = ProgrammeFactory()
    scope = {"communities": 0, "programme_wide": False, "programme": programme.pk}
    assert figures(programme=programme)["scope"] == scope
    assert figures(period=Period(2025, 2))["events"]["participants"]["current"] == 0
    # The same communities through another queryset share the entry: the figures are the same.
    assert figures(Community.objects.filter(name=community.name)) == figures(one)


def test_the_cache_being_away_means_computing(community, monkeypatch):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)

    def away(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", away)
    monkeypatch.setattr(cache, "set", away)
    monkeypatch.setattr(indicators_cache, "_last_warning", -1e9)
    # Read from the logger itself: a Celery worker started by another test reconfigures logging.
    warned: list[str] = []
    monkeypatch.setattr(indicators_cache.logger, "warning", lambda message, *args: warned.append(message % args))
    assert figures() == compute_indicators(period=PERIOD, communities=Community.objects.all())
    assert any("cache is unavailable" in message for message in warned)


def test_the_api_answers_what_computing_gives_before_and_after_a_write(api_settings, partner, community):
    OutreachEventFactory(community=community, date=date(2025, 3, 1), participants_total=20)
    client = key_client(issue_key(partner))
    scope = Community.objects.filter(pk=community.pk)
    for participants in (20, 47):
        for _call in range(2):  # computed, then from the cache
            body = client.get("/api/v1/indicators/", {"period": "2025-H1"}).json()
            assert body == compute_indicators(period=PERIOD, communities=scope)
            assert body["events"]["participants"]["current"] == participants
        OutreachEventFactory(community=community, date=date(2025, 4, 1), participants_total=27)
    assert CommunityFactory()  # another community: outside the partner's scope, no change
    assert client.get("/api/v1/indicators/", {"period": "2025-H1"}).json()["scope"]["communities"] == 1
