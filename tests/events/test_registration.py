"""Public registration for an event (issue 16, item 2): the page, the form and its spam checks,
capacity and the waiting list, the confirmation through a real SMTP server with its calendar file
and cancellation link, reminders, and erasure on the registrant's request."""

import re
import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from events import views
from events.models import ConsentText, Registration, RegistrationStatus
from events.privacy import REGISTRANT
from events.services import RegistrationClosed, cancel, register, request_erasure
from events.tasks import send_reminders
from events.tokens import (
    FEEDBACK_MAX_AGE,
    cancel_token,
    feedback_token,
    form_stamp,
    read_cancel_token,
    read_feedback_token,
)
from negotiators.models import EventStatus
from privacy.anonymous import REDACTED, is_anonymised
from privacy.models import ErasureRecord
from privacy.registry import person_kind
from privacy.retention import enforce_retention
from tests.communities.factories import CommunityFactory
from tests.events.registration_support import MEETING_LINK, form_data, planned_webinar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what it wraps as if its transaction committed: the mail it queues is sent then."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def event():
    return planned_webinar()


def page_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def cleaned(event, **overrides):
    data = {
        "full_name": "Іван Петренко",
        "email": "ivan@example.org",
        "organisation": "",
        "role": "ngo",
        "community": None,
        "question": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data


def text_of(received):
    return received.message.get_body(preferencelist=("plain",)).get_content()


def attachments_of(received):
    return {part.get_filename(): part for part in received.message.iter_attachments()}


# The page


def test_consent_text_version_1_exists_in_the_four_languages():
    for code, _name in settings.LANGUAGES:
        consent = ConsentText.current(code)
        assert consent is not None
        assert consent.version >= 1
        assert consent.language == code
        assert consent.text


def test_page_shows_the_event_without_login_and_never_the_meeting_link(client, event):
    response = client.get(page_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert event.title in html
    assert "Europe/Kyiv" in html
    assert re.search(r"UTC\+0[23]:00", html)
    assert "Відкриття" in html
    assert "Олена Коваль" in html
    assert "Фонд DOBRE" in html
    assert MEETING_LINK not in html
    assert escape(ConsentText.current("uk").text) in html
    assert '<datalist id="communities">' in html
    # No inline script: every script is a file of the portal's own.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag
    assert "script-src" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_page_of_an_event_not_open_for_registration_is_not_found(client, event):
    event.registration_open = False
    event.save()
    assert client.get(page_url(event)).status_code == 404


def test_page_weighs_under_50_kib_with_the_files_it_loads(client, event):
    for n in range(60):
        event.audience_communities.add(CommunityFactory(name=f"Громада номер {n} з довшою назвою"))
    html = client.get(page_url(event)).content
    weight = len(html)
    for href in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        path = finders.find(href.decode())
        assert path, href
        weight += Path(path).stat().st_size
    assert weight < 50 * 1024, weight


# Registering, with the confirmation through a real SMTP server


def test_registration_mails_the_confirmation_with_calendar_file_and_working_cancel_link(
    client, event, smtp_server, sent
):
    data = form_data(event)
    with sent():
        response = client.post(page_url(event), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:done", kwargs={"slug": event.slug, "outcome": "registered"})
    registration = Registration.objects.get(event=event)
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.language == "en"
    assert registration.consent == ConsentText.current("en")
    assert registration.community is not None
    assert registration.community.name == "Славутицька громада"
    assert registration.question == data["question"]

    (received,) = smtp_server.received
    assert received.rcpt_tos == ["maria@example.org"]
    assert received.message["Subject"].strip() == f"You are registered: {event.title}"
    text = text_of(received)
    assert MEETING_LINK in text
    ics = attachments_of(received)["event.ics"]
    assert ics.get_content_type() == "text/calendar"
    calendar = ics.get_content()
    assert "BEGIN:VEVENT" in calendar
    assert event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M") in calendar
    link = re.search(r"https?://\S+/e/integration-webinar/cancel/\S+/", text).group(0)
    path = link.split("testserver", 1)[1]

    page = client.get(path)
    assert page.status_code == 200
    assert b'value="cancel"' in page.content
    assert b'value="erase"' in page.content
    assert client.post(path, {"action": "cancel"}).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert registration.cancelled_at is not None


def test_done_page_says_so(client, event):
    response = client.get(reverse("events:done", kwargs={"slug": event.slug, "outcome": "waiting"}))
    assert response.status_code == 200
    assert client.get(reverse("events:done", kwargs={"slug": event.slug, "outcome": "nope"})).status_code == 404


def test_same_address_registers_once_and_gets_the_confirmation_again(client, event, smtp_server, sent):
    with sent():
        assert client.post(page_url(event), form_data(event)).status_code == 302
    again = form_data(event, email="MARIA@Example.org", full_name="Марія Ш.")
    with sent():
        response = client.post(page_url(event), again)
    assert response["Location"].endswith("/done/again/")
    registration = Registration.objects.get(event=event)
    assert registration.full_name == "Марія Шевченко"
    assert [r.rcpt_tos for r in smtp_server.received] == [["maria@example.org"], ["maria@example.org"]]
    assert Registration.objects.filter(event=event).count() == 1


def test_service_returns_the_existing_registration_not_created(event, smtp_server, sent):
    with sent():
        first, created = register(event, cleaned(event), "uk")
        second, created_again = register(event, cleaned(event, email="IVAN@example.org"), "uk")
    assert created
    assert not created_again
    assert first.pk == second.pk
    assert len(smtp_server.received) == 2


def test_capacity_then_waiting_list_then_promotion_on_cancel(event, smtp_server, sent):
    event.capacity = 1
    event.save()
    with sent():
        first, _ = register(event, cleaned(event, email="first@example.org"), "uk")
        second, _ = register(event, cleaned(event, email="second@example.org"), "en")
        third, _ = register(event, cleaned(event, email="third@example.org"), "uk")
    assert first.status == RegistrationStatus.REGISTERED
    assert second.status == third.status == RegistrationStatus.WAITING
    waiting_mail = smtp_server.received[1]
    assert waiting_mail.message["Subject"].strip() == f"Waiting list: {event.title}"
    assert MEETING_LINK not in text_of(waiting_mail)
    assert not attachments_of(waiting_mail)

    with sent():
        assert cancel(first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED
    assert third.status == RegistrationStatus.WAITING
    promoted = smtp_server.received[-1]
    assert promoted.rcpt_tos == ["second@example.org"]
    assert promoted.message["Subject"].strip() == f"A place is free for you: {event.title}"
    assert MEETING_LINK in text_of(promoted)
    assert "event.ics" in attachments_of(promoted)
    assert not cancel(first)  # twice: nothing more happens
    assert len(smtp_server.received) == 4


def test_a_cancelled_address_may_register_again(event, smtp_server):
    registration, _ = register(event, cleaned(event), "uk")
    cancel(registration)
    again, created = register(event, cleaned(event), "uk")
    assert again.pk == registration.pk
    assert not created
    assert again.status == RegistrationStatus.REGISTERED


def test_closed_at_the_start_and_when_not_planned_or_closed(client, event, smtp_server):
    with pytest.raises(RegistrationClosed):
        register(event, cleaned(event), "uk", now=event.starts_at)
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    response = client.get(page_url(event))
    assert b'name="email"' not in response.content
    assert client.post(page_url(event), form_data(event)).status_code == 200
    assert not Registration.objects.exists()
    for status in (EventStatus.CANCELLED, EventStatus.POSTPONED, EventStatus.HELD):
        event.starts_at = timezone.now() + timedelta(days=3)
        event.status = status
        event.save()
        with pytest.raises(RegistrationClosed):
            register(event, cleaned(event), "uk")
    assert smtp_server.received == []


# Spam protection and errors


def test_honeypot_refuses_and_keeps_the_entries(client, event):
    response = client.post(page_url(event), form_data(event, website="http://spam.example"))
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert "Марія Шевченко" in response.content.decode()


@pytest.mark.parametrize("age", [0.5, 2 * 24 * 60 * 60])
def test_time_check_refuses_too_fast_and_too_old(client, event, age):
    data = form_data(event, stamp=form_stamp(event.pk, at=time.time() - age))
    response = client.post(page_url(event), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The form could not be accepted" in response.content.decode()
    assert not Registration.objects.exists()


def test_time_check_refuses_a_missing_or_foreign_stamp(client, event):
    assert client.post(page_url(event), form_data(event, stamp="")).status_code == 400
    other = planned_webinar(slug="other-webinar")
    foreign = form_stamp(other.pk, at=time.time() - 30)
    assert client.post(page_url(event), form_data(event, stamp=foreign)).status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_per_address(client, event, smtp_server, monkeypatch, sent):
    monkeypatch.setattr(views, "RATE_PER_EMAIL", 2)
    with sent():
        for _ in range(2):
            assert client.post(page_url(event), form_data(event)).status_code == 302
        response = client.post(page_url(event), form_data(event), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Too many attempts with this address" in response.content.decode()
    assert len(smtp_server.received) == 2
    # Another address from the same client still registers.
    assert client.post(page_url(event), form_data(event, email="other@example.org")).status_code == 302


def test_rate_limit_per_client(client, event, smtp_server, monkeypatch):
    monkeypatch.setattr(views, "RATE_PER_CLIENT", 3)
    for n in range(3):
        assert client.post(page_url(event), form_data(event, email=f"p{n}@example.org")).status_code == 302
    response = client.post(page_url(event), form_data(event, email="p9@example.org"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Too many registrations from your network" in response.content.decode()
    assert Registration.objects.count() == 3


def test_errors_in_ukrainian_keep_the_entries(client, event):
    data = form_data(event, email="not-an-address", full_name="", consent="")
    response = client.post(page_url(event), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Це поле обов" in html
    assert "Введіть коректну адресу електронної пошти." in html
    assert 'value="not-an-address"' in html
    assert "Славутицька міська рада" in html
    assert "Як залучити ВПО до ради громади?" in html
    assert not Registration.objects.exists()


def test_errors_in_english(client, event):
    data = form_data(event, email="not-an-address", community="Atlantis", consent="")
    response = client.post(page_url(event), data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert "Choose a community from the list, or leave the field empty." in html
    assert "Registration needs your consent." in html
    with translation.override("en"):
        assert escape(ConsentText.current("en").text) in html


# Cancellation links, erasure, bounces


def test_tokens_are_per_purpose_and_per_event(event):
    token = cancel_token(7, event.pk)
    assert read_cancel_token(token, event.pk) == 7
    assert read_cancel_token(token, event.pk + 1) is None
    assert read_feedback_token(token, event.pk) is None
    assert read_cancel_token(token[:-2] + "xx", event.pk) is None


def test_forged_cancel_link_is_not_found(client, event):
    path = reverse("events:cancel", kwargs={"slug": event.slug, "token": "forged:token"})
    assert client.get(path).status_code == 404


def test_delete_my_data_anonymises_and_frees_the_place(client, event, smtp_server):
    event.capacity = 1
    event.save()
    registration, _ = register(
        event, cleaned(event, question="Питання від Івана", accessibility_needs="субтитри"), "uk"
    )
    waiting, _ = register(event, cleaned(event, email="next@example.org"), "uk")
    path = reverse("events:cancel", kwargs={"slug": event.slug, "token": cancel_token(registration.pk, event.pk)})
    response = client.post(path, {"action": "erase"})
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert is_anonymised(registration.full_name)
    assert registration.email == ""
    assert registration.accessibility_needs == ""
    assert registration.question == REDACTED
    assert ErasureRecord.objects.filter(kind=REGISTRANT, object_id=registration.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    # The link still opens, and says the data is gone.
    assert 'value="erase"' not in client.get(path).content.decode()


def test_registrant_is_a_privacy_person_kind(event, smtp_server):
    registration, _ = register(event, cleaned(event), "uk")
    kind = person_kind(REGISTRANT)
    assert kind.find(registration.pk) == registration
    assert "ivan@example.org" in kind.identifying_values(registration)
    assert kind.export(registration)["registration"]["email"] == "ivan@example.org"
    request_erasure(registration)
    assert not kind.export(registration)["registration"]["email"]


def test_hard_bounce_marks_the_address(event, smtp_server, sent):
    smtp_server.refuse, smtp_server.refuse_at, smtp_server.refusal = 1, "RCPT", "550 5.1.1 No such user"
    with sent():
        registration, _ = register(event, cleaned(event), "uk")
    registration.refresh_from_db()
    assert registration.bounced


# Reminders


def test_reminders_a_day_and_an_hour_before_each_once(event, smtp_server, sent):
    def remind(at):
        with sent():
            return send_reminders(now=at)

    early = timezone.now() - timedelta(days=5)
    registered, _ = register(event, cleaned(event, email="a@example.org"), "en", now=early)
    waiting, _ = register(event, cleaned(event, email="w@example.org"), "uk", now=early)
    bounced, _ = register(event, cleaned(event, email="b@example.org"), "uk", now=early)
    cancelled, _ = register(event, cleaned(event, email="c@example.org"), "uk", now=early)
    cancel(cancelled)
    Registration.objects.filter(pk=waiting.pk).update(status=RegistrationStatus.WAITING)
    Registration.objects.filter(pk=bounced.pk).update(bounced=True)
    Registration.objects.update(created_at=early)
    smtp_server.received.clear()

    assert remind(event.starts_at - timedelta(days=2)) == 0
    day_before = event.starts_at - timedelta(hours=23, minutes=55)
    assert remind(day_before) == 1
    assert remind(day_before + timedelta(minutes=10)) == 0
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["a@example.org"]
    assert received.message["Subject"].strip() == f"Tomorrow: {event.title}"
    assert MEETING_LINK in text_of(received)

    hour_before = event.starts_at - timedelta(minutes=55)
    assert remind(hour_before) == 1
    assert remind(hour_before + timedelta(minutes=10)) == 0
    assert smtp_server.received[-1].message["Subject"].strip() == f"In an hour: {event.title}"
    assert remind(event.starts_at + timedelta(minutes=1)) == 0
    registered.refresh_from_db()
    assert registered.reminded_day_at == day_before
    assert registered.reminded_hour_at == hour_before
    assert len(smtp_server.received) == 2


def test_no_day_reminder_for_who_registered_within_the_day(event, smtp_server, sent):
    def remind(at):
        with sent():
            return send_reminders(now=at)

    register(event, cleaned(event), "uk", now=event.starts_at - timedelta(hours=10))
    Registration.objects.update(created_at=event.starts_at - timedelta(hours=10))
    smtp_server.received.clear()
    assert remind(event.starts_at - timedelta(hours=9)) == 0
    assert remind(event.starts_at - timedelta(minutes=30)) == 1


def test_reminders_are_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["event-reminders"]
    assert entry["task"] == "events.send_reminders"
    assert entry["schedule"] <= 15 * 60


# Retention


def test_registrants_are_anonymised_a_year_after_the_event(event):
    past = planned_webinar(slug="last-year", starts_at=timezone.now() - timedelta(days=400), status=EventStatus.HELD)
    consent = ConsentText.current("uk")

    def registrant(on, email):
        return Registration.objects.create(
            event=on,
            full_name="Оксана Мельник",
            email=email,
            role="ngo",
            question="Питання",
            consent=consent,
            consented_at=timezone.now(),
        )

    old, current = registrant(past, "old@example.org"), registrant(event, "new@example.org")
    assert enforce_retention(dry_run=True)["event_registrants"] == 1
    assert enforce_retention()["event_registrants"] == 1
    old.refresh_from_db()
    current.refresh_from_db()
    assert is_anonymised(old.full_name)
    assert old.email == ""
    assert current.full_name == "Оксана Мельник"
    assert enforce_retention()["event_registrants"] == 0


def test_a_feedback_link_lasts_half_a_year(event, monkeypatch):
    token = feedback_token(7, event.pk)
    assert read_feedback_token(token, event.pk) == 7
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + FEEDBACK_MAX_AGE + 60)
    assert read_feedback_token(token, event.pk) is None
    assert read_cancel_token(cancel_token(7, event.pk), event.pk) == 7  # a cancellation link does not expire
