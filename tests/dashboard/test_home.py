"""The portal's home (issue 18, item 1): the programme at a glance for staff, managers and partner
members, each within their scope; the same figures as the API's ``indicators/``; a wrong filter is
a form error, never a 500 nor another scope's figures."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from access.roles import Role
from access.viewer import Viewer
from dashboard.selectors import dashboard_scope, event_series, half_years_up_to, period_choices
from incidents.models import Severity
from incidents.services import incident_report
from reports.indicators import Period, compute_indicators
from reports.pdf import HEADLINE_KINDS, figure_row
from tests.accounts.support import verified_login
from tests.communities.factories import (
    CommunityFactory,
    PartnerOrganisationFactory,
    SafetyAssessmentFactory,
    UserFactory,
)
from tests.communities.factories import test_programme as shared_test_programme
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.programmes.factories import logframe_in

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
HOME = "/"


@pytest.fixture
def records(community, other_community, partner):
    """Two communities (the partner covers ``community`` only), each with events, incidents and
    an assessment in 2025 and 2024."""
    community.name, other_community.name = "Громада партнера", "Чужа громада"
    community.save()
    other_community.save()
    for place, size in ((community, 12), (other_community, 30)):
        OutreachEventFactory(community=place, date=date(2025, 3, 14), participants_total=size)
        OutreachEventFactory(community=place, date=date(2025, 9, 20), participants_total=size + 1)
        OutreachEventFactory(community=place, date=date(2024, 10, 2), participants_total=size + 2)
        IncidentFactory(community=place, severity=Severity.CRITICAL, title=f"Підпал у {place.name}")
        IncidentFactory(community=place, occurred_at=datetime(2024, 5, 3, 10, tzinfo=KYIV))
        SafetyAssessmentFactory(community=place)
    return {"community": community, "other": other_community, "partner": partner}


def shown_headline(response) -> dict[str, str]:
    return {row["key"]: row["current"] for row in response.context["headline"]}


def api_headline(client, query: str) -> dict[str, str]:
    body = client.get(f"/api/v1/indicators/?{query}").json()
    return {
        item["key"]: figure_row("", item, HEADLINE_KINDS.get(item["key"], "count"))["current"]
        for item in body["headline"]
    }


@pytest.mark.parametrize(
    "query",
    ["period=2025", "period=2025-H1", "period=2024-H2&region={region}", "period=2025&community={community}"],
)
def test_staff_see_the_figures_of_the_api_for_the_same_scope_and_period(client, staff_user, records, query):
    community = records["community"]
    query = query.format(region=community.region_id, community=community.pk)
    verified_login(client, staff_user)
    response = client.get(f"{HOME}?{query}")
    assert response.status_code == 200
    assert shown_headline(response) == api_headline(client, query)
    assert response.context["headline"][0]["current"] in response.content.decode()


def test_a_partner_member_sees_the_figures_of_the_api_for_their_communities(client, partner_user, records):
    client.force_login(partner_user)
    response = client.get(f"{HOME}?period=2025")
    assert response.status_code == 200
    assert response.context["document"]["scope"]["communities"] == 1
    assert shown_headline(response) == api_headline(client, "period=2025")
    # The figure links lead to the partner's API collections, which they can open.
    events = next(row for row in response.context["headline"] if row["key"] == "events")
    assert events["link"].startswith("/api/v1/events/")
    assert client.get(events["link"]).status_code == 200


def test_a_partner_member_sees_only_their_communities(client, partner_user, records):
    client.force_login(partner_user)
    page = client.get(HOME).content.decode()
    assert "Громада партнера" in page
    assert "Чужа громада" not in page
    assert "Підпал у Громада партнера" in page  # the newest critical incidents, of their community


def test_another_community_is_a_form_error_not_its_figures(client, partner_user, records):
    client.force_login(partner_user)
    response = client.get(f"{HOME}?period=2025&community={records['other'].pk}")
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert "document" not in response.context
    assert "Чужа громада" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "period=2025-H3",
        "period=abc",
        "period=1999",
        "region=not-a-number",
        "community=99999999",
        "programme=-1",
        "partner=99999999999999999999999",
    ],
)
def test_a_bad_filter_is_a_form_error_in_the_users_language(client, staff_user, records, query):
    verified_login(client, staff_user)
    with translation.override("en"):
        response = client.get(f"{HOME}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "document" not in response.context


def test_a_community_outside_the_region_chosen_is_a_form_error(client, staff_user, records):
    other_region = CommunityFactory().region
    verified_login(client, staff_user)
    response = client.get(f"{HOME}?period=2025&region={other_region.pk}&community={records['community'].pk}")
    assert response.context["form"].errors["community"]


def test_a_manager_sees_no_personal_data(client, manager_user, staff_user, records):
    incident_report(
        actor=staff_user,
        community=records["community"],
        category="public_order",
        occurred_at=datetime(2025, 11, 2, 9, tzinfo=KYIV),
        title="Конфлікт біля ринку",
        severity=Severity.HIGH,
        description="Свідок Оксана Петренко бачила все",
        parties=[{"role": "complainant", "full_name": "Оксана Петренко", "phone": "+380501234567"}],
    )
    verified_login(client, manager_user)
    response = client.get(f"{HOME}?period=2025")
    page = response.content.decode()
    assert "Конфлікт біля ринку" in page
    assert "Петренко" not in page
    assert "+380501234567" not in page
    # Each figure leads to the admin list of its records, which a manager can open.
    incidents = next(row for row in response.context["headline"] if row["key"] == "incidents_reported")
    assert incidents["link"].startswith(reverse("admin:incidents_incident_changelist"))
    assert client.get(incidents["link"]).status_code == 200


def test_the_data_protection_officer_keeps_the_list_of_where_to_go(client, records):
    user = UserFactory(role=Role.DATA_PROTECTION)
    verified_login(client, user)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "document" not in response.context
    assert "form" not in response.context
    assert "Підпал" not in response.content.decode()


def test_the_chosen_programmes_target_is_shown_beside_its_figure(client, staff_user, records):
    programme = shared_test_programme()
    logframe_in(programme)  # events.count: 2025 target 10
    verified_login(client, staff_user)
    response = client.get(f"{HOME}?period=2025&programme={programme.pk}")
    events = next(row for row in response.context["headline"] if row["key"] == "events")
    assert events["current"] == "4"
    assert events["target"] == "10"
    assert events["achieved"] == 40.0


def test_the_events_over_time_are_the_indicators_events_per_half_year(staff_user, records):
    viewer = Viewer.for_user(staff_user)
    scope = dashboard_scope(viewer)
    series = event_series(scope, half_years_up_to(Period(2025), 3))
    assert [item.period.code for item in series] == ["2024-H2", "2025-H1", "2025-H2"]
    for item in series:
        document = compute_indicators(period=item.period, communities=scope.communities, programme_wide=True)
        assert item.events == document["events"]["count"]["current"]
        assert item.participants == document["events"]["participants"]["current"]


def test_the_default_period_is_the_year_of_the_newest_record(staff_user, records):
    choices = period_choices(Viewer.for_user(staff_user), today=date(2026, 12, 5))
    assert choices.default == Period(2025)
    codes = [period.code for period in choices.periods]
    assert codes[:4] == ["2026", "2026-H2", "2026-H1", "2025"]
    assert codes[-1] == "2024-H1"


def test_a_partner_organisations_scope_covers_its_communities(client, staff_user, records):
    second = PartnerOrganisationFactory(communities=[records["other"]])
    verified_login(client, staff_user)
    response = client.get(f"{HOME}?period=2025&partner={second.pk}")
    assert response.context["document"]["scope"]["communities"] == 1
    page = response.content.decode()
    assert "Підпал у Чужа громада" in page
    assert "Підпал у Громада партнера" not in page


@pytest.mark.parametrize("who", ["manager", "partner"])
@pytest.mark.parametrize("scope", ["", "&region={region}", "&community={community}&programme={programme}"])
def test_every_link_of_the_dashboard_opens_for_its_viewer(client, manager_user, partner_user, records, who, scope):
    community = records["community"]
    if who == "manager":
        verified_login(client, manager_user)
    else:
        client.force_login(partner_user)
    query = scope.format(region=community.region_id, community=community.pk, programme=shared_test_programme().pk)
    response = client.get(f"{HOME}?period=2025{query}")
    context = response.context
    links = {row["link"] for row in context["headline"]} | {item["link"] for item in context["incidents"]}
    links |= {context["incidents_link"], context["over_time"]["link"]}
    links |= {item["url"] for item in context["map"]["rows"]}
    links.discard("")
    assert len(links) > 5
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_a_cached_period_is_not_drawn_again_until_its_data_change(
    client, staff_user, records, django_assert_max_num_queries
):
    community = records["community"]
    verified_login(client, staff_user)
    query = f"{HOME}?period=2025&community={community.pk}"
    first = shown_headline(client.get(query))
    with django_assert_max_num_queries(15):  # the session, the filter's choices, the data version (19 when drawn)
        assert shown_headline(client.get(query)) == first
    OutreachEventFactory(community=community, date=date(2025, 5, 5), participants_total=17)
    again = shown_headline(client.get(query))
    assert again["events"] != first["events"]
    assert again == api_headline(client, f"period=2025&community={community.pk}")
