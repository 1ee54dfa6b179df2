"""Which communities a scope covers, and who sees which reports."""

import pytest

from access.roles import Role
from communities.models import PartnerOrganisation
from reports.models import ReportScope
from reports.selectors import scope_communities, visible_reports
from tests.communities.factories import (
    CommunityFactory,
    PartnerOrganisationFactory,
    RegionFactory,
    UserFactory,
    viewer_of,
)
from tests.reports.factories import MonitoringReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def geography():
    north, south = RegionFactory(name="Північ"), RegionFactory(name="Південь")
    a, b, c = CommunityFactory(region=north), CommunityFactory(region=north), CommunityFactory(region=south)
    covering = PartnerOrganisationFactory(communities=[a, c])
    return {"north": north, "a": a, "b": b, "c": c, "partner": covering}


def test_programme_scope_is_every_community(geography):
    assert set(scope_communities(scope="programme")) == {geography["a"], geography["b"], geography["c"]}


def test_region_scope_is_the_regions_communities(geography):
    assert set(scope_communities(scope="region", region=geography["north"])) == {geography["a"], geography["b"]}


def test_partner_scope_is_the_communities_it_covers(geography):
    assert set(scope_communities(scope="partner", partner=geography["partner"])) == {geography["a"], geography["c"]}


def test_a_viewer_narrows_the_scope_to_what_they_see(geography):
    member = UserFactory(role=Role.PARTNER)
    geography["partner"].members.add(member)
    assert set(scope_communities(scope="region", region=geography["north"], viewer=viewer_of(member))) == {
        geography["a"]
    }
    assert set(scope_communities(scope="programme", viewer=viewer_of(geography["partner"]))) == {
        geography["a"],
        geography["c"],
    }
    negotiator = UserFactory(role=Role.NEGOTIATOR)
    assert not scope_communities(scope="programme", viewer=viewer_of(negotiator)).exists()


@pytest.mark.parametrize("scope", ["region", "partner", "planet"])
def test_a_scope_without_its_target_is_a_programming_error(scope):
    with pytest.raises(ValueError, match="scope"):
        scope_communities(scope=scope)


@pytest.fixture
def reports(partner):
    other = PartnerOrganisationFactory()
    return {
        "programme": MonitoringReportFactory(),
        "region": MonitoringReportFactory(scope=ReportScope.REGION, region=RegionFactory()),
        "own": MonitoringReportFactory(scope=ReportScope.PARTNER, partner=partner),
        "other": MonitoringReportFactory(scope=ReportScope.PARTNER, partner=other),
    }


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("staff_user", {"programme", "region", "own", "other"}),
        ("manager_user", {"programme", "region", "own", "other"}),
        ("partner_user", {"own"}),
        ("partner", {"own"}),
        ("negotiator_user", set()),
        ("no_role", set()),
    ],
)
def test_visible_reports_by_viewer(request, reports, viewer, visible):
    who = UserFactory(username="nobody") if viewer == "no_role" else request.getfixturevalue(viewer)
    names = {name for name, report in reports.items() if visible_reports(viewer_of(who)).filter(pk=report.pk).exists()}
    assert names == visible


def test_an_inactive_partner_sees_no_reports(partner, partner_user, reports):
    PartnerOrganisation.objects.filter(pk=partner.pk).update(is_active=False)
    partner.refresh_from_db()
    assert not visible_reports(viewer_of(partner)).exists()
    assert not visible_reports(viewer_of(partner_user)).exists()


def test_indicator_scope_for_programme_staff_is_the_whole_programme(geography, manager_user):
    from reports.selectors import indicator_scope

    communities, programme_wide = indicator_scope(viewer_of(manager_user))
    assert (set(communities), programme_wide) == ({geography["a"], geography["b"], geography["c"]}, True)
    communities, programme_wide = indicator_scope(viewer_of(manager_user), region=geography["north"].pk)
    assert (set(communities), programme_wide) == ({geography["a"], geography["b"]}, False)
    communities, programme_wide = indicator_scope(viewer_of(manager_user), community=geography["c"].pk)
    assert (list(communities), programme_wide) == ([geography["c"]], False)


def test_indicator_scope_for_a_partner_is_its_communities_and_hides_the_rest(geography):
    from django.http import Http404

    from reports.selectors import indicator_scope

    partner = geography["partner"]
    communities, programme_wide = indicator_scope(viewer_of(partner))
    assert (set(communities), programme_wide) == ({geography["a"], geography["c"]}, False)
    assert list(indicator_scope(viewer_of(partner), region=geography["north"].pk)[0]) == [geography["a"]]
    with pytest.raises(Http404):
        indicator_scope(viewer_of(partner), community=geography["b"].pk)
    with pytest.raises(Http404):
        indicator_scope(viewer_of(UserFactory(role=Role.NEGOTIATOR)), region=geography["north"].pk)
