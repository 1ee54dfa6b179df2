"""Events titled by the field app's old rule (the kind, and the place, in the language of whoever
logged them) become automatic titles; typed titles stay typed and every row stays."""

from datetime import date

import pytest
from django.utils import translation

from negotiators.models import OutreachEvent
from tests.api.test_migrations import latest, migrate, old_community
from tests.communities.factories import test_programme as a_programme

pytestmark = pytest.mark.migrations

BEFORE = [("negotiators", "0008_event_life_cycle")]

# (kind, place, title) -> automatic afterwards?
EVENTS = [
    (("public_meeting", "Школа №3", "Public meeting, Школа №3"), True),
    (("public_meeting", "", "Громадські збори"), True),
    (("round_table", "Бібліотека", "Круглый стол, Бібліотека"), True),
    (("public_meeting", "Школа №3", "Зустріч з поліцією"), False),
    # Another kind's label is a title someone typed.
    (("round_table", "", "Veřejné setkání"), False),
    # The kind alone although a place was given is not what the old rule wrote.
    (("forum", "Будинок культури", "Форум"), False),
]


@pytest.mark.django_db(transaction=True)
def test_titles_the_old_rule_wrote_in_any_language_become_automatic_and_typed_ones_stay():
    try:
        old = migrate(BEFORE)
        _user, community = old_community(old)
        programme = a_programme()  # today's table: programmes is not migrated back with negotiators
        events = old.get_model("negotiators", "OutreachEvent").objects
        for (kind, place, title), _automatic in EVENTS:
            events.create(
                community=community,
                programme_id=programme.pk,
                kind=kind,
                place=place,
                title=title,
                date=date(2025, 3, 14),
                topic="youth",
                participants_total=10,
            )

        migrate(latest())

        rows = list(OutreachEvent.objects.order_by("pk").values_list("title", "title_is_automatic"))
        assert rows == [(title, automatic) for (_kind, _place, title), automatic in EVENTS]
        with translation.override("cs"):
            assert OutreachEvent.objects.order_by("pk").first().display_title == "Veřejné setkání, Школа №3"
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_events_keep_their_rows_and_have_no_phone_location_after_the_location_migration():
    try:
        old = migrate([("negotiators", "0010_mark_automatic_titles")])
        _user, community = old_community(old)
        programme = a_programme()
        old.get_model("negotiators", "OutreachEvent").objects.create(
            community=community,
            programme_id=programme.pk,
            kind="public_meeting",
            place="Школа №3",
            title="Зустріч",
            date=date(2025, 3, 14),
            topic="youth",
            participants_total=10,
        )

        migrate(latest())

        rows = list(OutreachEvent.objects.values_list("title", "place", "latitude", "longitude", "location_accuracy_m"))
        assert rows == [("Зустріч", "Школа №3", None, None, None)]
    finally:
        migrate(latest())
