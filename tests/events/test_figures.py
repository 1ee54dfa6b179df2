"""Only held events count in the figures, and the figures of events with registration (webinars):
counts in ``indicators/``, the figure catalogue and the PDF, never a registrant."""

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from events.models import (
    AudienceRole,
    ConsentText,
    Delivery,
    DeliveryStatus,
    Feedback,
    MaterialsMailing,
    Registration,
    RegistrationStatus,
)
from negotiators.models import EventFormat, EventKind, EventStatus
from programmes.figures import known
from programmes.models import Indicator, IndicatorSource
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport, ReportScope
from reports.pdf import render_report_pdf
from reports.results import IndicatorResult
from reports.selectors import scope_communities
from reports.services import report_document
from reports.views import records_link
from tests.accounts.support import verified_login
from tests.communities.factories import CommunityFactory, RegionFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.helpers import pdf_text

KYIV = ZoneInfo("Europe/Kyiv")


def indicators(period: str, **scope) -> dict:
    document = compute_indicators(
        period=Period.parse(period), communities=scope_communities(scope="programme"), programme_wide=True, **scope
    )
    return json.loads(json.dumps(document))


# --- webinars ---------------------------------------------------------------------------------------


@pytest.fixture
def consent(db):
    # Version 1 comes with the migrations.
    return ConsentText.current("uk")


def register(event, consent, email, *, community=None, role=AudienceRole.OTHER, **fields) -> Registration:
    return Registration.objects.create(
        event=event,
        full_name=fields.pop("full_name", f"Учасниця {email}"),
        email=email,
        role=role,
        community=community,
        consent=consent,
        consented_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def webinars(db, consent):
    """Two held webinars of a series in 2025 (and one in 2024), a planned one with registrations,
    and a held event without registrations; registrants from communities in three regions."""
    host = CommunityFactory(name="Хмельницька громада", region=RegionFactory(name="Хмельницька область"))
    lviv = CommunityFactory(name="Львівська громада", region=RegionFactory(name="Львівська область"))
    sambir = CommunityFactory(name="Самбірська громада", region=lviv.region)
    odesa = CommunityFactory(name="Одеська громада", region=RegionFactory(name="Одеська область"))
    online = {"format": EventFormat.ONLINE, "stream_link": "https://example.org/stream", "kind": EventKind.WEBINAR}
    first = OutreachEventFactory(community=host, title="Інтеграція: частина 1", date=date(2025, 8, 16), **online)
    second = OutreachEventFactory(community=host, title="Інтеграція: частина 2", date=date(2025, 8, 18), **online)
    old = OutreachEventFactory(community=host, title="Торішній вебінар", date=date(2024, 5, 5), **online)
    planned = OutreachEventFactory(
        community=host,
        title="Наступний вебінар",
        status=EventStatus.PLANNED,
        date=timezone.localdate() + timedelta(days=20),
        **online,
    )
    OutreachEventFactory(community=host, title="Зустріч без реєстрації", date=date(2025, 8, 20))
    first.audience_communities.add(odesa)

    # First part: two attended (Lviv, Sambir), one registered only with a question, one cancelled
    # with a question, one waiting; the same address as an attendee of the second part.
    ann = register(first, consent, "Ann@Example.org", community=lviv, role=AudienceRole.POLICE, attended=True,
                   question="Як працює СЕКРЕТ-питання?")  # fmt: skip
    bob = register(first, consent, "bob@example.org", community=sambir, role=AudienceRole.NGO, attended=True)
    register(first, consent, "carl@example.org", community=host, question="Друге питання")
    register(first, consent, "dana@example.org", status=RegistrationStatus.CANCELLED, question="Скасоване питання")
    register(first, consent, "eve@example.org", status=RegistrationStatus.WAITING)
    # Second part: Ann again (the same person, cased otherwise), and a cancelled registrant who came anyway.
    ann2 = register(second, consent, "ann@example.org", community=lviv, role=AudienceRole.POLICE, attended=True)
    register(second, consent, "fred@example.org", community=host, role=AudienceRole.LOCAL_GOVERNMENT,
             status=RegistrationStatus.CANCELLED, attended=True)  # fmt: skip
    register(old, consent, "old@example.org", community=host, attended=True)
    register(planned, consent, "next@example.org", community=odesa, question="Питання наперед")

    Feedback.objects.create(registration=ann, rating=4, comment="СЕКРЕТ-відгук")
    Feedback.objects.create(registration=bob, rating=5)
    Feedback.objects.create(registration=ann2, rating=5)
    mailing = MaterialsMailing.objects.create(event=first)
    Delivery.objects.create(mailing=mailing, registration=ann, status=DeliveryStatus.SENT)
    Delivery.objects.create(mailing=mailing, registration=bob, status=DeliveryStatus.FAILED)
    second_mailing = MaterialsMailing.objects.create(event=second)
    Delivery.objects.create(mailing=second_mailing, registration=ann2, status=DeliveryStatus.SENT)
    return {"first": first, "second": second, "host": host}


def test_webinar_figures_count_held_events_with_registrations_only(webinars):
    figures = indicators("2025")["webinars"]
    assert figures["events"] == {"current": 2, "previous": 1, "change": 1, "to_date": 3}
    # Registered: not cancelled, or cancelled yet attended (Fred): 4 + 2; the planned one not.
    assert figures["registrations"]["current"] == 6
    assert figures["attended"]["current"] == 4
    assert figures["attendance_rate"]["current"] == round(4 / 6, 4)
    # Ann twice (whatever the case of her address), Bob, Fred.
    assert figures["unique_participants"]["current"] == 3
    assert figures["unique_participants"]["to_date"] == 4
    # Lviv, Sambir (attendees), Odesa (audience) and the host (Fred); Carl's did not attend.
    assert figures["communities_reached"]["current"] == 4
    assert figures["oblasts_reached"]["current"] == 3
    roles = figures["attendees_by_role"]
    assert roles[AudienceRole.POLICE]["current"] == 2
    assert roles[AudienceRole.NGO]["current"] == 1
    assert roles[AudienceRole.LOCAL_GOVERNMENT]["current"] == 1
    assert roles[AudienceRole.RESIDENT]["current"] == 0
    # Ann's and Carl's; the cancelled one's and the planned event's do not count.
    assert figures["questions"]["current"] == 2
    assert figures["materials_sent"]["current"] == 2
    assert figures["feedback_score"]["current"] == round((4 + 5 + 5) / 3, 2)
    assert figures["feedback_count"]["current"] == 3
    assert figures["feedback_score"]["previous"] is None


def test_webinar_rows_give_each_webinar_of_the_period(webinars):
    rows = indicators("2025")["webinar_rows"]
    assert [(row["title"], row["date"]) for row in rows] == [
        ("Інтеграція: частина 1", "2025-08-16"),
        ("Інтеграція: частина 2", "2025-08-18"),
    ]
    first, second = rows
    assert (first["registrations"], first["attended"], first["questions"]) == (4, 2, 2)
    assert first["attendance_rate"] == 0.5
    assert (first["communities_reached"], first["oblasts_reached"]) == (3, 2)
    assert (first["feedback_score"], first["feedback_count"]) == (4.5, 2)
    assert (second["registrations"], second["attended"], second["attendance_rate"]) == (2, 2, 1.0)
    assert (second["communities_reached"], second["oblasts_reached"]) == (2, 2)


def test_a_webinar_rows_automatic_title_is_in_the_reports_language(webinars):
    webinars["second"].title_is_automatic = True
    webinars["second"].save()
    with translation.override("cs"):
        rows = indicators("2025")["webinar_rows"]
    assert [row["title"] for row in rows] == ["Інтеграція: частина 1", "Webinář"]


def test_webinar_figures_follow_the_programme_and_community_scope(webinars):
    other = CommunityFactory()
    communities = scope_communities(scope="programme").filter(pk=other.pk)
    document = compute_indicators(period=Period(2025), communities=communities)
    assert document["webinars"]["registrations"]["current"] == 0
    assert document["webinar_rows"] == []
    programme = webinars["first"].programme
    scoped = indicators("2025", programme=programme)
    assert scoped["webinars"]["registrations"]["current"] == 6


def test_the_documents_hold_counts_and_titles_only(webinars):
    text = json.dumps(indicators("2025"), ensure_ascii=False)
    for personal in ("example.org", "Учасниця", "СЕКРЕТ", "Друге питання", "email_token"):
        assert personal not in text


def test_new_figures_join_the_catalogue_a_logframe_indicator_chooses_from(db):
    catalogue = known()
    for key in (
        "webinars.registrations",
        "webinars.attendance_rate",
        "webinars.unique_participants",
        "webinars.communities_reached",
        "webinars.oblasts_reached",
        "webinars.attendees_by_role.police",
        "webinars.questions",
        "webinars.materials_sent",
        "webinars.feedback_score",
        "webinars.feedback_count",
    ):
        assert key in catalogue, key
    assert "webinar_rows" not in " ".join(catalogue)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_pdf_shows_the_webinars_in_the_events_chapter_without_registrants(webinars, language):
    report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language=language)
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    with translation.override(language):
        from django.utils.translation import gettext as _

        assert _("Webinars and events with registration") in text
        assert _("Attendance rate") in text
    assert "Інтеграція: частина 1" in text
    assert "Інтеграція: частина 2" in text
    assert "Торішній вебінар" not in text  # a webinar of an earlier period counts, it is not listed
    assert "Наступний вебінар" not in text
    for personal in ("example.org", "Учасниця", "СЕКРЕТ", "Друге питання", "Питання наперед"):
        assert personal not in text
    # The first part's line: 4 registered, 2 attended, 50 %, 3 communities, 2 oblasts, 4.50 (2).
    rate = "50.0%" if language == "en" else "50,0 %"
    score = "4.50 (2)" if language == "en" else "4,50 (2)"
    assert f"4 2 {rate} 3 2 {score}" in text


def test_a_planned_webinar_counts_once_it_is_held(webinars, consent):
    day = timezone.localdate() - timedelta(days=1)
    event = OutreachEventFactory(
        community=webinars["host"], title="Щойно відбувся", status=EventStatus.PLANNED, date=day, kind=EventKind.WEBINAR
    )
    register(event, consent, "zoe@example.org", attended=True)
    year = str(day.year)
    assert indicators(year)["webinars"]["attended"]["current"] == 0
    event.status = EventStatus.HELD
    event.save()
    assert indicators(year)["webinars"]["attended"]["current"] == 1


def test_staff_find_the_held_events_behind_an_events_figure(webinars, client, staff_user):
    programme = webinars["first"].programme
    indicator = Indicator(figure="webinars.registrations", source=IndicatorSource.COMPUTED)
    row = IndicatorResult(indicator, Period(2025), None, None, None, None, None, None)
    link = records_link(row, programme)
    assert "status__exact=held" in link
    cancelled = OutreachEventFactory(community=webinars["host"], status=EventStatus.CANCELLED, date=date(2025, 8, 17))
    verified_login(client, staff_user)
    response = client.get(link)
    assert response.status_code == 200
    listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
    assert webinars["first"].pk in listed
    assert cancelled.pk not in listed
