"""An outreach event's free text and the phone's position: redacted on request, in the event and
its whole change history, and gone from the history after the retention period."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiators.models import OutreachEvent
from privacy.anonymous import REDACTED
from privacy.erasure import record_redact
from privacy.models import Redaction
from privacy.retention import enforce_retention
from tests.accounts.support import verified_login
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

PLACE = "Двір будинку на Шевченка, 12"
NOTES = "Пані Оксана з 3-го під'їзду просила не називати її"


@pytest.fixture
def event(staff_user):
    event = OutreachEventFactory(
        place=PLACE,
        summary="Говорили про освітлення двору",
        internal_notes=NOTES,
        latitude=Decimal("49.42312"),
        longitude=Decimal("26.98734"),
        location_accuracy_m=12,
    )
    event.summary = "Говорили про освітлення двору й лавки"
    event.save()  # a second history row, holding the place too
    return event


def test_a_redaction_of_the_place_takes_the_position_and_reaches_the_history(event, staff_user):
    redaction = record_redact(kind="event", pk=event.pk, fields=["place"], reason="Прохання мешканки", actor=staff_user)

    event.refresh_from_db()
    assert (event.place, event.latitude, event.longitude, event.location_accuracy_m) == (REDACTED, None, None, None)
    assert event.internal_notes == NOTES  # not chosen
    rows = list(event.history.all())
    assert len(rows) >= 3  # the two versions and the redaction
    for row in rows:
        assert (row.place, row.latitude, row.longitude, row.location_accuracy_m) == (REDACTED, None, None, None)
    assert (redaction.fields, redaction.history_rows) == (["place"], len(rows))


def test_notes_and_summary_are_redacted_and_an_empty_field_stays_empty(event, staff_user):
    OutreachEvent.objects.filter(pk=event.pk).update(summary="")

    record_redact(kind="event", pk=event.pk, fields=["summary", "internal_notes"], reason="x", actor=staff_user)

    event.refresh_from_db()
    assert (event.summary, event.internal_notes, event.place) == ("", REDACTED, PLACE)
    assert not event.history.filter(internal_notes=NOTES).exists()


def test_staff_find_the_redaction_on_the_event_and_managers_do_not(client, event, staff_user, manager_user):
    change = reverse("admin:negotiators_outreachevent_change", args=[event.pk])
    redact = reverse("privacy:redact", args=["event", event.pk])
    verified_login(client, staff_user)
    assert redact in client.get(change).content.decode()
    assert client.get(redact).status_code == 200

    response = client.post(redact, {"reason": "Прохання", "fields_to_redact": ["internal_notes"]})

    assert response.status_code == 302
    assert OutreachEvent.objects.get(pk=event.pk).internal_notes == REDACTED
    assert Redaction.objects.get().kind == "event"
    verified_login(client, manager_user)
    assert redact not in client.get(change).content.decode()
    assert client.post(redact, {"reason": "x", "fields_to_redact": ["place"]}).status_code == 404
    assert OutreachEvent.objects.get(pk=event.pk).place == PLACE


def test_history_past_the_period_loses_the_text_and_the_position(settings, event):
    settings.PRIVACY_RETENTION = {**settings.PRIVACY_RETENTION, "history_personal_fields_days": 30}
    recent = OutreachEventFactory(place="Сквер біля школи", latitude=Decimal("49.1"), longitude=Decimal("26.9"))
    old_rows = list(event.history.all())
    type(old_rows[0]).objects.filter(pk__in=[row.pk for row in old_rows]).update(
        history_date=timezone.now() - timedelta(days=31)
    )

    assert enforce_retention()["event_history_text"] == len(old_rows)

    for row in event.history.all():
        assert (row.place, row.internal_notes, row.latitude, row.location_accuracy_m) == (
            REDACTED,
            REDACTED,
            None,
            None,
        )
    assert recent.history.get().place == "Сквер біля школи"
    assert recent.history.get().latitude == Decimal("49.1")
    # The event itself keeps what it says: only its history aged.
    event.refresh_from_db()
    assert (event.place, event.latitude) == (PLACE, Decimal("49.42312"))
