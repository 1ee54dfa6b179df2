"""A change is in the feed in the order it committed, not the order it was saved: a sync that
reads while a slow transaction is open does not skip that transaction's changes."""

import threading

import pytest
from django.db import connection, connections, transaction

from incidents.models import Incident
from tests.communities.api_support import issue_key, key_client
from tests.incidents.factories import IncidentFactory
from tests.sync.support import follow

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("api_settings")]


def in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: nothing to race")
def test_a_change_committed_after_a_later_one_is_not_skipped(staff_user, community):
    slow, quick = IncidentFactory(community=community), IncidentFactory(community=community)
    client = key_client(issue_key(staff_user))
    copy: dict = {}
    cursor, _items = follow(client, copy)
    saved, commit = threading.Event(), threading.Event()

    def slow_transaction():
        with transaction.atomic():
            Incident.objects.filter(pk=slow.pk).update(title="saved first, committed last")
            incident = Incident.objects.get(pk=slow.pk)
            incident.save()
            saved.set()
            assert commit.wait(10)

    def quick_transaction():
        incident = Incident.objects.get(pk=quick.pk)
        incident.title = "saved second"
        incident.save()

    first = in_thread(slow_transaction)
    assert saved.wait(10)
    second = in_thread(quick_transaction)
    # The second writer waits for the first to commit: its change cannot get ahead.
    second.join(0.5)
    assert second.is_alive()
    cursor, items = follow(client, copy, cursor)
    assert items == []  # a sync in between sees neither
    commit.set()
    first.join(10)
    second.join(10)
    cursor, items = follow(client, copy, cursor)
    assert [(item["id"], item["record"]["title"]) for item in items] == [
        (slow.pk, "saved first, committed last"),
        (quick.pk, "saved second"),
    ]
