"""The partner's sync script in the docs (standard library only), run as a partner would against a
live portal: after creates, edits, deletions, moves and coverage changes, its SQLite copy is
exactly a full pull."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from communities.services import community_save
from incidents.models import Incident
from negotiators.models import OutreachEvent
from tests.communities.api_support import issue_key, key_client, records_in
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.sync.support import full_pull

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "partner_sync.py"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("api_settings")]


def run_script(live_server, key: str, copy: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, str(copy)],
        env={**os.environ, "ZLAGODA_KEY": key},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def copy_of(path: Path) -> dict:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT collection, id, record FROM records").fetchall()
    return {(collection, pk): json.loads(record) for collection, pk, record in rows}


def test_the_script_keeps_a_copy_equal_to_a_full_pull(live_server, tmp_path, media_root, staff_user):
    home, elsewhere = CommunityFactory(), CommunityFactory()
    partner = PartnerOrganisationFactory(communities=[home])
    for community in (home, elsewhere):
        records_in(community, partner=partner, negotiator=NegotiatorFactory(community=community), actor=staff_user)
    key = issue_key(partner)
    client = key_client(key)
    copy = tmp_path / "copy.sqlite3"

    assert run_script(live_server, key, copy).endswith("changes applied\n")
    assert copy_of(copy) == full_pull(client)
    assert any(collection == "incidents" for collection, _pk in copy_of(copy))

    # Edits, creates, a deletion, moves both ways, a rename, then coverage changes.
    incident = Incident.objects.filter(community=home).first()
    incident.title = "Виправлена назва"
    incident.save()
    IncidentFactory(community=home)
    OutreachEvent.objects.filter(community=home).first().delete()
    leaving = IncidentFactory(community=home)
    arriving = OutreachEventFactory(community=elsewhere)
    run_script(live_server, key, copy)
    leaving.community, arriving.community = elsewhere, home
    leaving.save()
    arriving.save()
    home.name = "Нова громада"
    community_save(community=home)
    run_script(live_server, key, copy)
    assert copy_of(copy) == full_pull(client)
    assert ("incidents", leaving.pk) not in copy_of(copy)

    partner.communities.add(elsewhere)
    partner.communities.remove(home)
    assert run_script(live_server, key, copy)
    assert copy_of(copy) == full_pull(client)
    assert not any(row.get("community") == home.pk for row in copy_of(copy).values())

    # Nothing changed: nothing to apply.
    assert run_script(live_server, key, copy) == "0 changes applied\n"
