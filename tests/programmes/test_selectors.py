"""``visible_programmes``: who sees which programme, through which door."""

import pytest

from access.viewer import Viewer
from programmes.selectors import visible_programmes
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, UserFactory, viewer_of
from tests.programmes.factories import ConsortiumMemberFactory, ParticipationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_a_partners_members_lose_its_consortiums_programmes_when_it_is_deactivated(partner_user, partner):
    member = ConsortiumMemberFactory(partner=partner)
    assert list(visible_programmes(viewer_of(partner_user))) == [member.programme]
    partner.is_active = False
    partner.save()
    assert list(visible_programmes(viewer_of(partner_user))) == []


def test_a_programme_shows_once_when_a_partner_sees_it_through_several_doors(partner, community):
    programme = ProgrammeFactory()
    ConsortiumMemberFactory(programme=programme, partner=partner)
    ParticipationFactory(programme=programme, community=community)
    second = CommunityFactory()
    partner.communities.add(second)
    ParticipationFactory(programme=programme, community=second)
    assert list(visible_programmes(viewer_of(partner))) == [programme]


def test_nobody_and_a_user_without_a_role_see_none():
    ProgrammeFactory()
    assert not visible_programmes(Viewer(role=None)).exists()
    assert not visible_programmes(viewer_of(UserFactory())).exists()


def test_another_partners_consortium_is_not_a_door(partner):
    ConsortiumMemberFactory(partner=PartnerOrganisationFactory())
    assert not visible_programmes(viewer_of(partner)).exists()
