"""The change feed keeps a copy exact: after any mix of creates, edits, deletions, moves,
renames and coverage changes, the copy built from the feed alone equals a full pull, for a
partner organisation's key, a staff key and a negotiator."""

import pytest
from django.urls import reverse

from api.changes import COLLECTIONS
from communities.services import community_save
from config.api_urls import COLLECTIONS as ROUTES
from incidents.models import Incident
from negotiators.models import OutreachEvent
from programmes.models import ConsortiumMember, Participation
from programmes.services import consortium_member_add, consortium_member_remove, participation_start
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client, records_in
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, RegionFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.programmes.factories import ProgrammeFactory, document_in, programme_in
from tests.programmes.test_admin import inline, programme_form
from tests.sync.support import differences, follow, full_pull
from tests.training.factories import TrainingSessionFactory
from training.services import attendance_delete, attendance_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def world(db, media_root, community, partner, negotiator_user, staff_user):
    """Records of every collection in the partner's community and in one it does not cover."""
    elsewhere = CommunityFactory()
    records_in(community, partner=partner, negotiator=negotiator_user.negotiator, actor=staff_user)
    records_in(elsewhere, partner=partner, negotiator=NegotiatorFactory(community=elsewhere), actor=staff_user)
    return elsewhere


@pytest.fixture
def copies(world, partner, staff_user, api_as):
    """(client, copy, cursor) per caller, each copy built from the feed from the beginning."""
    clients = {
        "partner": key_client(issue_key(partner)),
        "staff": key_client(issue_key(staff_user)),
        "negotiator": api_as("negotiator"),
    }
    state = {}
    for who, client in clients.items():
        copy: dict = {}
        cursor, _items = follow(client, copy)
        state[who] = [client, copy, cursor]
    return state


def in_step(copies) -> dict[str, list]:
    """Bring every copy up to date; the differences from a full pull, per caller (none, if exact)."""
    found = {}
    for who, entry in copies.items():
        client, copy, cursor = entry
        entry[2], _items = follow(client, copy, cursor)
        found[who] = sorted(differences(copy, full_pull(client)), key=str)
    return found


NONE: dict[str, list] = {"partner": [], "staff": [], "negotiator": []}


def test_a_copy_from_the_feed_alone_equals_a_full_pull(copies):
    assert in_step(copies) == NONE
    assert len(copies["partner"][1]) > 10
    assert len(copies["staff"][1]) > len(copies["partner"][1])


def test_edits_creates_and_deletions_reach_the_copy(copies, community, world):
    incident = Incident.objects.filter(community=community).first()
    incident.title = "Нова назва"
    incident.save()
    IncidentFactory(community=community)
    IncidentFactory(community=world)
    OutreachEvent.objects.filter(community=community).first().delete()
    assert in_step(copies) == NONE


def test_a_record_moved_out_of_scope_leaves_the_copy_and_one_moved_in_arrives(copies, community, world):
    leaving = IncidentFactory(community=community)
    arriving = OutreachEventFactory(community=world)
    assert in_step(copies) == NONE
    leaving.community = world
    leaving.save()
    arriving.community = community
    arriving.save()
    assert in_step(copies) == NONE
    assert ("incidents", leaving.pk) not in copies["partner"][1]
    assert ("events", arriving.pk) in copies["partner"][1]


def test_renaming_or_moving_a_community_updates_its_records_in_the_copy(copies, community):
    community.name = "Перейменована громада"
    community_save(community=community)
    assert in_step(copies) == NONE
    assert {row["community_name"] for (name, _pk), row in copies["partner"][1].items() if name == "incidents"} == {
        "Перейменована громада"
    }
    community.region = RegionFactory()
    community_save(community=community)
    assert in_step(copies) == NONE


def test_a_community_leaving_the_coverage_takes_all_its_records_with_it(copies, partner, community, world):
    partner.communities.remove(community)
    assert in_step(copies) == NONE
    assert not any(row.get("community") == community.pk for row in copies["partner"][1].values())
    partner.communities.add(world)
    assert in_step(copies) == NONE
    assert any(row.get("community") == world.pk for row in copies["partner"][1].values())
    partner.communities.clear()
    assert in_step(copies) == NONE


def test_a_record_that_moved_out_before_its_community_left_the_coverage_leaves_too(copies, partner, community, world):
    moved = IncidentFactory(community=community)
    assert in_step(copies) == NONE
    moved.community = CommunityFactory()
    moved.save()
    partner.communities.remove(community)
    assert in_step(copies) == NONE
    assert ("incidents", moved.pk) not in copies["partner"][1]


def test_attendance_brings_a_session_into_scope_and_takes_it_out(copies, negotiator_user, world, staff_user):
    session = TrainingSessionFactory(host_community=world)
    assert in_step(copies) == NONE
    attendance = attendance_record(session=session, negotiator=negotiator_user.negotiator, actor=staff_user)
    assert in_step(copies) == NONE
    assert ("training/sessions", session.pk) in copies["partner"][1]
    attendance_delete(attendances=type(attendance).objects.filter(pk=attendance.pk), actor=staff_user)
    assert in_step(copies) == NONE
    assert ("training/sessions", session.pk) not in copies["partner"][1]


def test_small_pages_give_the_same_copy(copies, community, world):
    client = copies["partner"][0]
    for _ in range(3):
        IncidentFactory(community=community)
        IncidentFactory(community=world)
    copy: dict = {}
    follow(client, copy, page_size=2)
    assert copy == full_pull(client)


def test_a_partner_never_hears_of_records_outside_its_communities(copies, world):
    """Not even that they changed or went: no exit or delete for a record it never had."""
    outside = IncidentFactory(community=world)
    outside.title = "Інше"
    outside.save()
    outside.delete()
    _client, _copy, cursor = copies["partner"]
    _cursor, items = follow(copies["partner"][0], {}, cursor)
    assert items == []


def test_a_deleted_community_leaves_the_copies_of_the_partners_covering_it(copies, partner, community):
    gone = CommunityFactory(region=community.region, takes_part=False)
    partner.communities.add(gone)
    assert in_step(copies) == NONE
    assert ("communities", gone.pk) in copies["partner"][1]
    gone.delete()
    assert in_step(copies) == NONE
    assert ("communities", gone.pk) not in copies["partner"][1]


def test_every_collection_of_records_is_in_the_change_log():
    """A collection added to the API without ``track`` would never reach a partner's copy."""
    # Figures on request (indicators, results) and report jobs: not records to copy. Cases and
    # referrals are seen per person (their worker, their supervisor), never through the feed.
    computed = {"indicators", "results", "reports", "cases", "referrals"}
    assert set(COLLECTIONS) == {prefix for prefix, _viewset, _basename in ROUTES} - computed
    assert all(COLLECTIONS[prefix].viewset is viewset for prefix, viewset, _basename in ROUTES if prefix in COLLECTIONS)


def test_a_partner_joining_and_leaving_a_consortium_gets_the_programme_and_loses_it(copies):
    """Through its consortium alone: the programme's community is not one it covers."""
    newcomer = PartnerOrganisationFactory()
    copies["newcomer"] = [key_client(issue_key(newcomer)), {}, ""]
    programme = programme_in(CommunityFactory(), code="JOIN-1")
    assert in_step(copies) == {**NONE, "newcomer": []}
    assert ("programmes", programme.pk) in copies["staff"][1]
    assert ("programmes", programme.pk) not in copies["newcomer"][1]
    member = consortium_member_add(programme=programme, partner=newcomer, joined_on=programme.starts_on)
    assert in_step(copies) == {**NONE, "newcomer": []}
    assert copies["newcomer"][1][("programmes", programme.pk)]["consortium"][0]["partner"] == newcomer.pk
    consortium_member_remove(member=ConsortiumMember.objects.get(pk=member.pk))
    assert in_step(copies) == {**NONE, "newcomer": []}
    assert ("programmes", programme.pk) not in copies["newcomer"][1]
    assert "budget" not in str(copies["partner"][1])


def test_a_community_taking_part_brings_the_programme_to_its_partner_and_negotiator(copies, community):
    programme = ProgrammeFactory(code="PART-1")
    assert in_step(copies) == NONE
    assert ("programmes", programme.pk) not in copies["partner"][1]
    participation_start(programme=programme, community=community, joined_on=programme.starts_on)
    assert in_step(copies) == NONE
    assert ("programmes", programme.pk) in copies["partner"][1]
    assert ("programmes", programme.pk) in copies["negotiator"][1]


def test_a_community_added_and_removed_in_the_programme_admin_brings_its_documents_and_takes_them(
    copies, community, client, staff_user
):
    """The admin's inline rows change who sees the programme's documents: the feed follows."""
    programme = ProgrammeFactory(code="NEW-1", starts_on="2024-01-01", ends_on="2024-12-31")
    document = document_in(programme)
    assert in_step(copies) == NONE
    verified_login(client, staff_user)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    response = client.post(url, programme_form(community, [("2024-02-01", "")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert in_step(copies) == NONE
    assert ("documents", document.pk) in copies["partner"][1]

    participation = Participation.objects.get(programme=programme)
    form = programme_form(community, [])
    rows = inline("participations", [{"id": participation.pk, "community": community.pk, "joined_on": "2024-02-01"}])
    form.update(rows, **{"participations-INITIAL_FORMS": "1", "participations-0-DELETE": "on"})
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert in_step(copies) == NONE
    assert ("documents", document.pk) not in copies["partner"][1]
