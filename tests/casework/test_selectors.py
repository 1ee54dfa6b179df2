"""Who finds which case and referral, and who reads a person's identifying data."""

import pytest
from django.http import Http404

from access.roles import Role
from access.viewer import Viewer
from casework.selectors import case_for, reads_identity, visible_beneficiaries, visible_cases, visible_referrals
from tests.casework.factories import CaseFactory, CaseWorkerUserFactory, ReferralFactory
from tests.communities.factories import UserFactory, viewer_of
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return CaseWorkerUserFactory()


@pytest.fixture
def supervisor():
    return CaseWorkerUserFactory()


@pytest.fixture
def case(worker, supervisor):
    return CaseFactory(case_worker=worker, supervisor=supervisor)


@pytest.fixture
def other_case():
    return CaseFactory()


def test_staff_see_every_case(staff_user, case, other_case):
    assert set(visible_cases(viewer_of(staff_user))) == {case, other_case}


def test_the_case_worker_and_the_supervisor_see_their_case_only(worker, supervisor, case, other_case):
    assert list(visible_cases(viewer_of(worker))) == [case]
    assert list(visible_cases(viewer_of(supervisor))) == [case]


def test_a_negotiator_sees_the_cases_they_work_not_those_of_their_community(negotiator_user, community):
    mine = CaseFactory(case_worker=negotiator_user, community=community, beneficiary__community=community)
    CaseFactory(community=community, beneficiary__community=community)
    assert list(visible_cases(viewer_of(negotiator_user))) == [mine]


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.DATA_PROTECTION, Role.PARTNER])
def test_other_roles_see_no_case_even_one_assigned_to_them(role):
    user = UserFactory(role=role)
    CaseFactory(case_worker=user)
    assert not visible_cases(viewer_of(user)).exists()


def test_anonymous_and_partner_keys_see_no_case(partner, case):
    assert not visible_cases(Viewer(role=None)).exists()
    assert not visible_cases(viewer_of(partner)).exists()


def test_an_inactive_case_worker_sees_nothing(worker, case):
    worker.is_active = False
    worker.save()
    assert not visible_cases(viewer_of(worker)).exists()


def test_a_case_outside_the_scope_is_not_found(worker, other_case):
    with pytest.raises(Http404):
        case_for(viewer_of(worker), other_case.pk)
    with pytest.raises(Http404):
        case_for(viewer_of(worker), "not-a-number")


def test_case_for_returns_a_visible_case(worker, case):
    assert case_for(viewer_of(worker), case.pk) == case


def test_identity_is_read_by_the_worker_the_supervisor_and_staff_only(worker, supervisor, staff_user, case):
    assert reads_identity(viewer_of(worker), case)
    assert reads_identity(viewer_of(supervisor), case)
    assert reads_identity(viewer_of(staff_user), case)
    assert not reads_identity(viewer_of(CaseWorkerUserFactory()), case)
    assert not reads_identity(viewer_of(UserFactory(role=Role.PROGRAMME_MANAGER)), case)
    assert not reads_identity(viewer_of(UserFactory(role=Role.DATA_PROTECTION)), case)


def test_beneficiaries_are_seen_through_their_cases(worker, case, other_case, staff_user):
    assert list(visible_beneficiaries(viewer_of(worker))) == [case.beneficiary]
    assert set(visible_beneficiaries(viewer_of(staff_user))) == {case.beneficiary, other_case.beneficiary}
    assert not visible_beneficiaries(viewer_of(UserFactory(role=Role.PROGRAMME_MANAGER))).exists()


def test_referrals_follow_their_cases(worker, case, other_case, staff_user):
    mine = ReferralFactory(case=case)
    other = ReferralFactory(case=other_case)
    assert list(visible_referrals(viewer_of(worker))) == [mine]
    assert set(visible_referrals(viewer_of(staff_user))) == {mine, other}


def test_a_negotiator_sees_the_referrals_of_their_communitys_incidents(negotiator_user, community, other_community):
    ours = ReferralFactory(case=None, incident=IncidentFactory(community=community))
    ReferralFactory(case=None, incident=IncidentFactory(community=other_community))
    # A case's referral is the case team's, even in the negotiator's community.
    ReferralFactory(case=CaseFactory(community=community, beneficiary__community=community))
    assert list(visible_referrals(viewer_of(negotiator_user))) == [ours]


def test_incident_referrals_are_not_shown_to_case_workers_managers_or_partners(worker, partner, community):
    ReferralFactory(case=None, incident=IncidentFactory(community=community))
    assert not visible_referrals(viewer_of(worker)).exists()
    assert not visible_referrals(viewer_of(UserFactory(role=Role.PROGRAMME_MANAGER))).exists()
    assert not visible_referrals(viewer_of(partner)).exists()


def test_a_negotiator_of_another_community_sees_no_incident_referral(community, other_community):
    ReferralFactory(case=None, incident=IncidentFactory(community=community))
    stranger = UserFactory(role=Role.NEGOTIATOR)
    NegotiatorFactory(community=other_community, user=stranger)
    assert not visible_referrals(viewer_of(stranger)).exists()
