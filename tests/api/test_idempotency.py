import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from access.viewer import Viewer
from api.idempotency import IdempotencyConflict, InvalidIdempotencyKey, fingerprint, prune_idempotency_keys, run_once
from api.models import IdempotencyKey
from negotiators.models import OutreachEvent
from negotiators.services import event_log

pytestmark = pytest.mark.django_db


def submit(user, community, key, participants=10):
    data = {"title": "Зустріч", "participants_total": participants}

    def write():
        event = event_log(
            actor=user,
            community=community,
            kind="information_session",
            title=data["title"],
            date=timezone.localdate(),
            topic="youth",
            participants_total=data["participants_total"],
        )
        return 201, {"id": event.pk}

    return run_once(owner=Viewer.for_user(user), key=key, scope="events", data=data, write=write)


def test_a_retried_submission_writes_once_and_replays_the_first_result(negotiator_user, community):
    first = submit(negotiator_user, community, "phone-1")
    again = submit(negotiator_user, community, "phone-1")
    assert OutreachEvent.objects.count() == 1
    assert (first.replayed, again.replayed) == (False, True)
    assert again.response == first.response
    assert again.status_code == 201


def test_the_same_key_with_different_data_is_a_conflict(negotiator_user, community):
    submit(negotiator_user, community, "phone-1")
    with pytest.raises(IdempotencyConflict):
        submit(negotiator_user, community, "phone-1", participants=11)
    assert OutreachEvent.objects.count() == 1


def test_a_failed_write_leaves_the_key_free_for_the_corrected_submission(negotiator_user, community):
    with pytest.raises(ValidationError):
        submit(negotiator_user, community, "phone-2", participants=-1)
    assert not IdempotencyKey.objects.filter(key="phone-2").exists()
    corrected = submit(negotiator_user, community, "phone-2", participants=12)
    assert corrected.status_code == 201
    assert OutreachEvent.objects.get().participants_total == 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_two_simultaneous_submissions_with_one_key_write_once(negotiator_user, community):
    barrier = threading.Barrier(2)
    outcomes = []

    def tap():
        barrier.wait()
        try:
            outcomes.append(submit(negotiator_user, community, "double-tap"))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert OutreachEvent.objects.count() == 1
    assert sorted(outcome.replayed for outcome in outcomes) == [False, True]


def test_keys_belong_to_their_user(negotiator_user, staff_user, community):
    submit(negotiator_user, community, "shared")
    submit(staff_user, community, "shared")
    assert OutreachEvent.objects.count() == 2


def test_fingerprint_ignores_field_order():
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


@pytest.mark.parametrize("key", ["", " ", "x" * 129, "tab\there"])
def test_unusable_keys_are_refused(negotiator_user, community, key):
    with pytest.raises(InvalidIdempotencyKey, match="Idempotency-Key"):
        submit(negotiator_user, community, key)


def test_old_keys_are_pruned(negotiator_user, community):
    submit(negotiator_user, community, "old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=91))
    submit(negotiator_user, community, "new")
    assert prune_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_value_error_inside_the_write_is_not_taken_for_a_bad_key(negotiator_user):
    def write():
        raise ValueError("a service's own error")

    with pytest.raises(ValueError, match="a service's own error") as raised:
        run_once(owner=Viewer.for_user(negotiator_user), key="good-key", scope="events", data={}, write=write)
    assert not isinstance(raised.value, InvalidIdempotencyKey)
    assert not IdempotencyKey.objects.filter(key="good-key").exists()
