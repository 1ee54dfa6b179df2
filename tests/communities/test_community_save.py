"""A community's new name or region changes what the API shows of every record in it, so an
incremental sync (``updated_since``) picks those records up again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.services import community_save
from incidents.models import Incident
from negotiators.models import OutreachEvent
from tests.communities.factories import RegionFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def synced(community):
    """An incident and an event of ``community``, last changed a day ago; the time of the sync."""
    incident, event = IncidentFactory(community=community), OutreachEventFactory(community=community)
    yesterday = timezone.now() - timedelta(days=1)
    Incident.objects.filter(pk=incident.pk).update(updated_at=yesterday)
    OutreachEvent.objects.filter(pk=event.pk).update(updated_at=yesterday)
    return incident, event, timezone.now() - timedelta(hours=1)


def changed_since(client, collection, moment):
    rows = client.get(f"/api/v1/{collection}/", {"updated_since": moment.isoformat()}).json()["results"]
    return {(row["id"], row["community_name"]) for row in rows}


def test_renaming_a_community_marks_its_records_changed(api_as, community, synced):
    incident, event, last_sync = synced
    community.name = "Нова назва громади"
    community_save(community=community)
    client = api_as("staff")
    assert changed_since(client, "incidents", last_sync) == {(incident.pk, "Нова назва громади")}
    assert changed_since(client, "events", last_sync) == {(event.pk, "Нова назва громади")}


def test_moving_a_community_to_another_region_marks_its_records_changed(api_as, community, synced):
    incident, _event, last_sync = synced
    community.region = RegionFactory()
    community_save(community=community)
    assert {pk for pk, _name in changed_since(api_as("staff"), "incidents", last_sync)} == {incident.pk}


def test_saving_a_community_unchanged_leaves_its_records_alone(api_as, community, synced):
    _incident, _event, last_sync = synced
    community.population = 12345
    community_save(community=community)
    assert changed_since(api_as("staff"), "incidents", last_sync) == set()
