"""The community map page (issue 18, item 3): the communities of the viewer's scope, coloured by a
figure they choose, with a table alternative and a link to each community's profile."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

MAP = "/map/"


@pytest.fixture
def places(community, other_community, partner):
    community.name, community.latitude, community.longitude = "Громада на мапі", Decimal("49.42"), Decimal("26.98")
    other_community.name = "Інша громада"
    community.save()
    other_community.save()
    OutreachEventFactory(community=community, date=date(2025, 4, 2), participants_total=40)
    OutreachEventFactory(community=other_community, date=date(2025, 4, 3))
    return {"community": community, "other": other_community}


def test_a_partner_member_maps_only_their_communities_each_linking_its_profile(client, partner_user, places):
    client.force_login(partner_user)
    response = client.get(f"{MAP}?period=2025&figure=participants")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page
    assert "Громада на мапі" in page
    assert "Інша громада" not in page
    assert reverse("dashboard:community", args=[places["community"].pk]) in page
    rows = response.context["map"]["rows"]
    assert [(item["row"].name, item["row"].text) for item in rows] == [("Громада на мапі", "40")]


def test_the_dashboard_shows_the_map_with_the_figure_chosen(client, staff_user, places):
    verified_login(client, staff_user)
    response = client.get("/?period=2025&figure=participants")
    assert response.context["map"]["rows"]
    assert 'form="dashboard-filter"' in response.content.decode()
    assert f"{reverse('dashboard:map')}?" in response.content.decode()


@pytest.mark.parametrize("query", ["figure=nothing", "period=2025&community=99999999", "period=2025-H9"])
def test_a_bad_map_choice_is_a_form_error(client, partner_user, places, query):
    client.force_login(partner_user)
    response = client.get(f"{MAP}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "map" not in response.context


def test_another_partners_community_is_not_mapped(client, partner_user, places):
    client.force_login(partner_user)
    response = client.get(f"{MAP}?community={places['other'].pk}")
    assert response.context["form"].errors["community"]
    assert "Інша громада" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION, Role.CASE_WORKER])
def test_roles_without_the_dashboard_have_no_map(client, role):
    verified_login(client, UserFactory(role=role))
    assert client.get(MAP).status_code == 404


def test_a_tile_server_set_by_the_operator_reaches_the_map_and_none_otherwise(client, partner_user, places, settings):
    client.force_login(partner_user)
    assert "data-tile-url" not in client.get(MAP).content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example"
    page = client.get(MAP).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert "js/map_tiles.js" in page
