"""Incidents closed as "referred" got a referral each: a populated database keeps every incident as
it was, gains one referral per referred incident, and computes the same figures for every past
period after the migration as before it; going back removes only what the migration made."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casework.incident_referrals import INCIDENT_AGENCY_KINDS
from casework.models import Agency, Referral, ReferralStatusChange
from communities.models import Community, Country
from incidents.models import ActionKind, Incident, IncidentAction
from reports.indicators import Period, compute_indicators
from tests.communities.factories import CommunityFactory, RegionFactory
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.migrations

BEFORE = ("casework", "0001_initial")
KYIV = ZoneInfo("Europe/Kyiv")
PERIODS = [Period(2024), Period(2024, 1), Period(2024, 2), Period(2025), Period(2025, 1), Period(2025, 2)]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=KYIV)


def _populate():
    """Incidents of two countries in every status over 2024-2025; eleven closed as referred (one
    just before midnight, local time, on the last day of a half-year), each with the log entry
    of its referral; one directory agency staff made already has the name the migration uses."""
    referrer = User.objects.create(username="referrer")
    ukrainian = [CommunityFactory(region=RegionFactory(name="Хмельницька область")) for _ in range(2)]
    czech = CommunityFactory(region=RegionFactory(name="Ústecký kraj", country=Country.CZECHIA), name="Obrnice")
    Agency.objects.create(country="CZ", name="Policie", kind="police", phone="+420 474 000 158")
    referred = [
        (ukrainian[0], _at(2024, 2, 1), _at(2024, 2, 20), "police", "Передано дільничному офіцеру."),
        (ukrainian[0], _at(2024, 3, 5), _at(2024, 4, 2), "social_services", "Сім'ї потрібна допомога."),
        (ukrainian[1], _at(2024, 5, 1), _at(2024, 6, 30, 23), "police", ""),
        (ukrainian[1], _at(2024, 7, 9), _at(2024, 8, 1), "legal_aid", "Потрібна консультація юриста."),
        (ukrainian[0], _at(2024, 9, 1), _at(2024, 12, 31, 23), "psychosocial", "Дитині потрібна підтримка."),
        (ukrainian[1], _at(2025, 1, 3), _at(2025, 1, 20), "health_care", ""),
        (ukrainian[0], _at(2025, 2, 14), _at(2025, 3, 1), "local_government", "Питання освітлення вулиці."),
        (ukrainian[1], _at(2025, 4, 4), _at(2025, 4, 30), "emergency_service", ""),
        (ukrainian[0], _at(2025, 6, 1), _at(2025, 7, 2), "other", "Передано до школи."),
        (czech, _at(2025, 5, 5), _at(2025, 5, 19), "police", "Předáno policii."),
        (czech, _at(2025, 8, 8), _at(2025, 9, 9), "social_services", ""),
    ]
    for community, occurred_at, closed_at, agency, note in referred:
        incident = IncidentFactory(
            community=community,
            occurred_at=occurred_at,
            status="referred",
            referred_to=agency,
            closed_at=closed_at,
            created_by=referrer,
        )
        IncidentAction.objects.create(
            incident=incident,
            kind=ActionKind.REFERRAL,
            performed_at=closed_at,
            actor=referrer,
            from_status="in_progress",
            to_status="referred",
            description=note,
        )
    for number, status in enumerate(["reported", "in_progress", "resolved", "closed_unresolved"] * 3):
        occurred_at = _at(2024, 1, 15) + timedelta(days=47 * number)
        closed = status in ("resolved", "closed_unresolved")
        IncidentFactory(
            community=ukrainian[number % 2],
            occurred_at=occurred_at,
            status=status,
            closed_at=occurred_at + timedelta(days=9) if closed else None,
        )
    return referred


def _incidents():
    return list(Incident.objects.order_by("pk").values())


def _figures():
    communities = Community.objects.all()
    return {period: compute_indicators(period=period, communities=communities) for period in PERIODS}


@pytest.mark.django_db(transaction=True)
def test_each_referred_incident_gets_its_referral_and_past_figures_stay_the_same():
    try:
        migrate([BEFORE])
        referred = _populate()
        incidents, log = _incidents(), IncidentAction.objects.count()
        before = _figures()
        assert before[Period(2024)]["incidents"]["referred"]["current"] == 5
        assert before[Period(2024, 1)]["incidents"]["referrals_by_agency"]["police"]["current"] == 2

        migrate(latest())

        assert _incidents() == incidents
        assert IncidentAction.objects.count() == log
        referrals = Referral.objects.select_related("incident", "agency").order_by("incident_id")
        assert [(r.incident.community, r.incident.occurred_at, r.agency.kind, r.reason) for r in referrals] == [
            (community, occurred_at, INCIDENT_AGENCY_KINDS[agency], note)
            for community, occurred_at, _closed_at, agency, note in referred
        ]
        for referral in referrals:
            assert referral.case_id is None
            assert referral.sent_on == referral.incident.closed_at.astimezone(KYIV).date()
            assert (referral.status, referral.accepted_on, referral.completed_on, referral.follow_up_on) == (
                "sent",
                None,
                None,
                None,
            )
            assert (referral.community_id, referral.programme_id) == (
                referral.incident.community_id,
                referral.incident.programme_id,
            )
            assert referral.recorded_by.username == "referrer"
        # The half-year's last evening is still that half-year's, in the local calendar.
        assert Referral.objects.filter(sent_on="2024-06-30").count() == 1
        assert set(ReferralStatusChange.objects.values_list("to_status", flat=True)) == {"sent"}
        assert ReferralStatusChange.objects.count() == len(referred)
        # One agency per country and kind, named in the country's language; staff's own is reused.
        assert set(Agency.objects.values_list("country", "name")) == {
            ("CZ", "Policie"),
            ("CZ", "Sociální služby"),
            ("UA", "Безоплатна правнича допомога"),
            ("UA", "Екстрена служба"),
            ("UA", "Інша установа"),
            ("UA", "Органи місцевого самоврядування"),
            ("UA", "Охорона здоров’я"),
            ("UA", "Поліція"),
            ("UA", "Психосоціальна підтримка"),
            ("UA", "Соціальні служби"),
        }
        assert Agency.objects.get(country="CZ", name="Policie").phone == "+420 474 000 158"

        assert _figures() == before
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_migrating_back_removes_only_what_the_migration_made():
    try:
        migrate([BEFORE])
        _populate()
        incidents = _incidents()
        migrate(latest())
        assert Referral.objects.count() == 11

        migrate([BEFORE])

        assert _incidents() == incidents
        assert Referral.objects.count() == 0
        assert list(Agency.objects.values_list("name", flat=True)) == ["Policie"]

        migrate(latest())
        assert Referral.objects.count() == 11
    finally:
        migrate(latest())
