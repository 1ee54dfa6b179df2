import pytest
from django.contrib.auth.models import AnonymousUser

from communities.selectors import visible_communities, writable_communities
from tests.communities.factories import UserFactory, viewer_of

pytestmark = pytest.mark.django_db


def test_staff_and_managers_see_every_community(staff_user, manager_user, community, other_community):
    for user in (staff_user, manager_user):
        assert set(visible_communities(viewer_of(user))) == {community, other_community}


def test_negotiator_sees_only_own_community(negotiator_user, community, other_community):
    assert list(visible_communities(viewer_of(negotiator_user))) == [community]


def test_inactive_negotiator_sees_nothing(negotiator_user, community):
    negotiator_user.negotiator.is_active = False
    negotiator_user.negotiator.save()
    assert not visible_communities(viewer_of(negotiator_user)).exists()


def test_partner_organisation_sees_the_communities_it_covers(partner, community, other_community):
    assert list(visible_communities(viewer_of(partner))) == [community]


def test_partner_member_sees_what_the_organisation_covers(partner_user, community, other_community):
    assert list(visible_communities(viewer_of(partner_user))) == [community]


def test_deactivated_partner_sees_nothing(partner, community):
    partner.is_active = False
    partner.save()
    assert not visible_communities(viewer_of(partner)).exists()


def test_user_without_a_role_and_anonymous_see_nothing(community):
    assert not visible_communities(viewer_of(UserFactory())).exists()
    assert not visible_communities(viewer_of(AnonymousUser())).exists()


def test_only_staff_and_negotiators_write(staff_user, manager_user, negotiator_user, partner_user, community):
    assert writable_communities(viewer_of(staff_user)).filter(pk=community.pk).exists()
    assert list(writable_communities(viewer_of(negotiator_user))) == [community]
    assert not writable_communities(viewer_of(manager_user)).exists()
    assert not writable_communities(viewer_of(partner_user)).exists()
