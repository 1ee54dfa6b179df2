"""Any mix of writes, in a seeded random order: after each burst, every caller's copy built from the
feed equals a full pull (two partners with overlapping coverage, staff, a negotiator), programmes'
communities and consortia changing too."""

import random

import pytest

from communities.services import community_save
from incidents.models import Incident
from negotiators.models import MediaMention, OutreachEvent
from programmes.models import ConsortiumMember, DocumentAccess, Participation
from programmes.services import (
    consortium_member_add,
    consortium_member_remove,
    participation_start,
    programme_parts_delete,
)
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, RegionFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import MediaMentionFactory, NegotiatorFactory, OutreachEventFactory
from tests.programmes.factories import ProgrammeFactory, document_in
from tests.sync.support import differences, follow, full_pull
from tests.training.factories import TrainingSessionFactory
from training.models import Attendance
from training.services import attendance_delete, attendance_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


class RandomWrites:
    """Writes of every kind the feed must follow, chosen by a seeded generator."""

    def __init__(self, rng, communities, negotiators, sessions, partners, actor, programmes):
        self.rng, self.communities, self.negotiators = rng, communities, negotiators
        self.sessions, self.partners, self.actor = sessions, partners, actor
        self.programmes = programmes
        self.operations = [
            self.create,
            self.create,
            self.edit,
            self.delete,
            self.move,
            self.move,
            self.mention,
            self.cover,
            self.cover,
            self.rename,
            self.attend,
            self.attend,
            self.take_part,
            self.consortium,
        ]

    def step(self) -> None:
        self.rng.choice(self.operations)()

    def some(self, *models):
        return self.rng.choice(models).objects.order_by("?").first()

    def create(self):
        self.rng.choice([IncidentFactory, OutreachEventFactory])(community=self.rng.choice(self.communities))

    def edit(self):
        record = self.some(Incident, OutreachEvent)
        if record:
            record.title = f"Змінено {self.rng.random():.6f}"
            record.save()

    def delete(self):
        record = self.some(Incident, OutreachEvent, MediaMention)
        if record:
            record.delete()

    def move(self):
        record = self.some(Incident, OutreachEvent)
        if record:
            record.community = self.rng.choice(self.communities)
            record.save()

    def mention(self):
        MediaMentionFactory(community=self.rng.choice([None, *self.communities]))

    def cover(self):
        partner, target = self.rng.choice(self.partners), self.rng.choice(self.communities)
        if partner.communities.filter(pk=target.pk).exists():
            partner.communities.remove(target)
        else:
            partner.communities.add(target)

    def rename(self):
        target = self.rng.choice(self.communities)
        target.name = f"Громада {self.rng.random():.6f}"
        if self.rng.random() < 0.3:
            target.region = RegionFactory()
        community_save(community=target)

    def attend(self):
        session, negotiator = self.rng.choice(self.sessions), self.rng.choice(self.negotiators)
        existing = Attendance.objects.filter(session=session, negotiator=negotiator)
        if existing.exists():
            attendance_delete(attendances=existing, actor=self.actor)
        else:
            attendance_record(session=session, negotiator=negotiator, actor=self.actor)

    def take_part(self):
        programme, community = self.rng.choice(self.programmes), self.rng.choice(self.communities)
        existing = Participation.objects.filter(programme=programme, community=community)
        if existing.exists():
            programme_parts_delete(parts=existing)
        else:
            participation_start(programme=programme, community=community, joined_on=programme.starts_on)

    def consortium(self):
        programme, partner = self.rng.choice(self.programmes), self.rng.choice(self.partners)
        member = ConsortiumMember.objects.filter(programme=programme, partner=partner).first()
        if member:
            consortium_member_remove(member=member)
        else:
            consortium_member_add(programme=programme, partner=partner, joined_on=programme.starts_on)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_leave_every_copy_equal_to_a_full_pull(
    seed, api_as, staff_user, negotiator_user, community, media_root
):
    rng = random.Random(seed)
    communities = [community, *(CommunityFactory() for _ in range(3))]
    negotiators = [negotiator_user.negotiator, *(NegotiatorFactory(community=c) for c in communities[1:])]
    sessions = [TrainingSessionFactory(host_community=rng.choice(communities)) for _ in range(2)]
    first = PartnerOrganisationFactory(communities=communities[:2])
    second = PartnerOrganisationFactory(communities=communities[1:3])
    programmes = [ProgrammeFactory(), ProgrammeFactory()]
    # Their documents come and go with them (each access level sees a different part).
    for programme in programmes:
        for access in DocumentAccess.values:
            document_in(programme, access=access, title=access)
    writes = RandomWrites(rng, communities, negotiators, sessions, [first, second], staff_user, programmes)
    callers = {
        "first partner": key_client(issue_key(first)),
        "second partner": key_client(issue_key(second)),
        "staff": key_client(issue_key(staff_user)),
        "negotiator": api_as("negotiator"),
    }
    copies: dict[str, dict] = {who: {} for who in callers}
    cursors = {who: follow(client, copies[who])[0] for who, client in callers.items()}
    for _burst in range(6):
        for _write in range(8):
            writes.step()
        for who, client in callers.items():
            cursors[who], _items = follow(client, copies[who], cursors[who], page_size=rng.choice([3, 50, 500]))
            assert differences(copies[who], full_pull(client)) == {}, who
