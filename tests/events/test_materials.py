"""Materials sent after an event (issue 16, item 3), through a real SMTP server: every attendee gets
the files attached (or, beyond the size limit, links only they can open) in their language with a
feedback link; a 550 marks the address bounced; a failed delivery is sent again on request."""

import re

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from events.models import Delivery, DeliveryStatus, Feedback, MailingAudience, MaterialsMailing, RegistrationStatus
from tests.accounts.support import verified_login
from tests.events.staff_support import register, webinar
from tests.programmes.factories import PDF_BYTES, document_in

pytestmark = pytest.mark.django_db


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def send_materials(client, event, *, audience=MailingAudience.ATTENDED, documents=(), links="", capture=None):
    url = reverse("admin:events_event_materials", args=[event.pk])
    data = {"audience": audience, "documents": [d.pk for d in documents], "links": links, "message": "Дякуємо!"}
    with capture(execute=True):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def attendees(db):
    event = webinar()
    people = [
        register(event, "maria@hromada.example.org", "Марія Коваль", attended=True),
        register(event, "ivan@hromada.example.org", "Іван Петренко", attended=True, language="en"),
        register(event, "olena@ngo.example.org", "Олена Бондар", attended=True, language="ru"),
    ]
    register(event, "absent@example.org", "Не прийшла")
    register(event, "cancelled@example.org", "Скасувала", attended=True, status=RegistrationStatus.CANCELLED)
    return event, people


def test_materials_arrive_for_every_attendee_with_the_files_attached(
    client, staff_user, smtp_server, media_root, attendees, django_capture_on_commit_callbacks
):
    event, people = attendees
    handbook = document_in(event.programme, title="Посібник з інтеграції", name="handbook.pdf")
    verified_login(client, staff_user)
    response = send_materials(
        client,
        event,
        documents=[handbook],
        links="https://youtube.example.org/watch?v=1",
        capture=django_capture_on_commit_callbacks,
    )
    mailing = MaterialsMailing.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_materialsmailing_change", args=[mailing.pk])
    assert mailing.created_by == staff_user
    received = {item.rcpt_tos[0]: item.message for item in smtp_server.received}
    assert set(received) == {person.email for person in people}
    for person in people:
        message = received[person.email]
        attachments = list(message.iter_attachments())
        assert [part.get_filename() for part in attachments] == ["Посібник з інтеграції.pdf"]
        assert attachments[0].get_content() == PDF_BYTES
        # A long header may be folded right after its name: unfolded, it starts with a space.
        assert message["List-Unsubscribe"].strip().startswith("<mailto:")
        text = text_of(message)
        assert "https://youtube.example.org/watch?v=1" in text
        assert "Дякуємо!" in text
        assert f"/e/{event.slug}/feedback/" in text
        assert f'lang="{person.language}"' in html_of(message)
    assert received["ivan@hromada.example.org"]["Subject"].strip() == f"Materials of “{event.title}”"
    deliveries = Delivery.objects.filter(mailing=mailing)
    assert sorted(d.registration_id for d in deliveries) == sorted(p.pk for p in people)
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.SENT, 1)}
    assert all(d.sent_at is not None for d in deliveries)
    page = client.get(reverse("admin:events_materialsmailing_change", args=[mailing.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count(">Sent<") >= len(people)


def test_everyone_registered_means_neither_the_cancelled_nor_the_waiting_nor_bounced_addresses(
    client, staff_user, smtp_server, attendees, django_capture_on_commit_callbacks
):
    event, people = attendees
    register(event, "waiting@example.org", "У черзі", status=RegistrationStatus.WAITING)
    register(event, "bounced@example.org", "Повернулася", bounced=True)
    verified_login(client, staff_user)
    send_materials(
        client,
        event,
        audience=MailingAudience.REGISTERED,
        links="https://example.org/slides",
        capture=django_capture_on_commit_callbacks,
    )
    recipients = {item.rcpt_tos[0] for item in smtp_server.received}
    assert recipients == {person.email for person in people} | {"absent@example.org"}


def test_a_550_marks_the_delivery_and_the_address_bounced(
    client, staff_user, smtp_server, django_capture_on_commit_callbacks
):
    event = webinar()
    gone = register(event, "gone@example.org", attended=True)
    smtp_server.refuse, smtp_server.refuse_at, smtp_server.refusal = 1, "RCPT", "550 5.1.1 Mailbox unavailable"
    verified_login(client, staff_user)
    send_materials(client, event, links="https://example.org/slides", capture=django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(registration=gone)
    gone.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED
    assert "550" in delivery.error
    assert gone.email not in delivery.error
    assert gone.bounced
    assert smtp_server.received == []
    # Not sent again, and left out of the next mailing.
    assert MaterialsMailing.objects.get().pk == delivery.mailing_id
    send_materials(client, event, links="https://example.org/more", capture=django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(registration=gone).count() == 1


def test_a_failed_delivery_is_sent_again_by_the_retry_action(
    client, staff_user, smtp_server, django_capture_on_commit_callbacks
):
    event = webinar()
    person = register(event, "later@example.org", attended=True)
    smtp_server.refuse, smtp_server.refusal = 1, "554 5.6.0 Message refused"
    verified_login(client, staff_user)
    send_materials(client, event, links="https://example.org/slides", capture=django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(registration=person)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    person.refresh_from_db()
    assert not person.bounced
    changelist = reverse("admin:events_materialsmailing_changelist")
    data = {"action": "retry_failed", helpers.ACTION_CHECKBOX_NAME: [delivery.mailing_id], "index": 0}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, data, HTTP_ACCEPT_LANGUAGE="en")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert delivery.error == ""
    assert [item.rcpt_tos for item in smtp_server.received] == [["later@example.org"]]
    # A sent delivery is not sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, data, HTTP_ACCEPT_LANGUAGE="en")
    assert len(smtp_server.received) == 1


def test_files_beyond_the_size_limit_are_links_only_the_recipient_opens(
    client, staff_user, smtp_server, media_root, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_ATTACHMENTS_MAX_BYTES = 10
    event = webinar()
    register(event, "maria@example.org", attended=True)
    outsider = register(event, "outsider@example.org")
    slides = document_in(event.programme, title="Презентація", name="slides.pdf")
    verified_login(client, staff_user)
    send_materials(client, event, documents=[slides], capture=django_capture_on_commit_callbacks)
    (item,) = smtp_server.received
    assert list(item.message.iter_attachments()) == []
    link = re.search(r"https?://\S+/materials/\S+/", text_of(item.message)).group(0)
    client.logout()
    path = link.split("testserver", 1)[1]
    download = client.get(path)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert client.get(path.replace(f"/{slides.pk}/", f"/{slides.pk + 1000}/")).status_code == 404
    assert client.get(re.sub(r"/materials/[^/]+/", "/materials/forged/", path)).status_code == 404
    assert outsider.deliveries.count() == 0


def test_the_feedback_link_takes_a_rating_and_a_comment(
    client, staff_user, smtp_server, django_capture_on_commit_callbacks
):
    event = webinar()
    person = register(event, "maria@example.org", attended=True, language="en")
    verified_login(client, staff_user)
    send_materials(client, event, links="https://example.org/slides", capture=django_capture_on_commit_callbacks)
    client.logout()
    link = re.search(r"https?://\S+/feedback/\S+/", text_of(smtp_server.received[0].message)).group(0)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    refused = client.post(path, {"rating": "9", "comment": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert not Feedback.objects.exists()
    thanks = client.post(path, {"rating": "4", "comment": "Корисно, дякую"})
    assert thanks.status_code == 200
    feedback = Feedback.objects.get()
    assert (feedback.registration, feedback.rating, feedback.comment) == (person, 4, "Корисно, дякую")
    client.post(path, {"rating": "5", "comment": ""})
    assert Feedback.objects.get().rating == 5
    assert client.get(path.replace(event.slug, "other-event")).status_code == 404
    assert client.get(f"/e/{event.slug}/feedback/not-a-token/").status_code == 404


def test_the_form_asks_for_something_to_send(client, staff_user, django_capture_on_commit_callbacks):
    event = webinar()
    register(event, "maria@example.org", attended=True)
    verified_login(client, staff_user)
    response = send_materials(client, event, links="javascript:alert(1)", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "is not a web address" in response.content.decode()
    response = send_materials(client, event, capture=django_capture_on_commit_callbacks)
    assert "Choose at least one document or give a link." in response.content.decode()
    assert not MaterialsMailing.objects.exists()


def test_a_delivery_is_sent_by_one_task_only(smtp_server, django_capture_on_commit_callbacks):
    from events.mailing import create_mailing, send_delivery

    event = webinar()
    register(event, "once@example.org", attended=True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        mailing = create_mailing(
            event=event,
            audience=MailingAudience.ATTENDED,
            documents=[],
            links="https://example.org/slides",
            message="",
            actor=None,
            base_url="https://portal.example.org",
        )
    delivery = mailing.deliveries.get()
    assert delivery.status == DeliveryStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
        assert send_delivery(delivery.pk, "https://portal.example.org", 0) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert len(smtp_server.received) == 1
    assert "https://portal.example.org/e/" in text_of(smtp_server.received[0].message)
