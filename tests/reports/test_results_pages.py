"""The Results page and the logframe workbook: for staff, managers and partner members (their
organisation's programmes); "not found" for anyone else."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.accounts.support import verified_login
from tests.communities.api_support import other_partner
from tests.communities.factories import UserFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.programmes.factories import logframe_in, programme_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(community, partner, staff_user):
    programme = programme_in(community, partner=partner, starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    logframe_in(programme, entered_by=staff_user, approved_by=UserFactory(username="approver", is_staff=True))
    OutreachEventFactory(community=community, date=date(2025, 3, 1))
    return programme


@pytest.fixture(autouse=True)
def english():
    """The messages and sheet names these tests read are the English ones."""
    with translation.override("en"):
        yield


def page(client, user, programme, **query):
    verified_login(client, user)
    return client.get(reverse("results:programme", args=[programme.pk]), query, headers={"accept-language": "en"})


@pytest.mark.parametrize("who", ["staff_user", "manager_user", "partner_user"])
def test_the_results_page_shows_every_indicator_against_its_target(request, client, programme, who):
    response = page(client, request.getfixturevalue(who), programme, period="2025-H1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Outreach events" in text
    assert "Handbooks printed" in text
    assert '<progress max="100" value="75.0"' in text  # 3 of 4 handbooks
    assert 'value="2025-H1" selected' in text
    assert "style=" not in text  # CSP: no inline styles
    # Those who use the admin follow a figure to the records behind it; partners get no admin links.
    assert ("/admin/negotiators/outreachevent/?date__gte=2025-01-01" in text) == (who != "partner_user")


def test_the_staff_links_open_the_admin_lists(client, programme, staff_user):
    text = page(client, staff_user, programme, period="2025").content.decode()
    links = [part.split('"')[0].replace("&amp;", "&") for part in text.split('href="')[1:] if "/admin/" in part]
    assert len(links) == 2
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert "e=1" not in response.get("Location", "")


@pytest.mark.parametrize("who", ["negotiator_user", "other_partner_member", "no_role"])
def test_anyone_else_does_not_find_the_page(request, client, programme, other_community, who):
    if who == "other_partner_member":
        user = UserFactory(username="other-member")
        other_partner(other_community).members.add(user)
    elif who == "no_role":
        user = UserFactory(username="nobody")
    else:
        user = request.getfixturevalue(who)
    assert page(client, user, programme).status_code == 404
    assert client.get(reverse("results:logframe", args=[programme.pk])).status_code == 404


def test_a_period_outside_the_programme_is_named(client, programme, staff_user):
    response = page(client, staff_user, programme, period="2027")
    assert response.status_code == 400
    assert "2027" in response.content.decode()


def test_the_logframe_workbook_opens_with_the_logframe_and_the_reported_values(client, programme, partner_user):
    verified_login(client, partner_user)
    response = client.get(reverse("results:logframe", args=[programme.pk]), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Logframe", "Reported values"]
    rows = list(workbook["Logframe"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Level", "Code", "Statement")
    assert {"2024 target", "2025 target", "2025 actual", "2025 % achieved", "2025 status"} <= set(header)
    assert [row[1] for row in rows[1:4]] == ["G", "OC1", "OP1.1"]
    events = next(row for row in rows if row[4] == "I1")
    assert events[header.index("2025 target")] == 10
    assert events[header.index("2025 actual")] == 1
    assert events[header.index("SDG targets")] == "16.7"
    values = list(workbook["Reported values"].iter_rows(values_only=True))
    assert values[1][:5] == ("I2", "Handbooks printed", "2025-H1", 3, "Тираж")


def test_a_formula_like_text_stays_text_in_the_workbook(client, programme, staff_user):
    result = programme.results.get(code="G")
    result.statement = '=HYPERLINK("http://evil")'
    result.save()
    verified_login(client, staff_user)
    workbook = load_workbook(BytesIO(client.get(reverse("results:logframe", args=[programme.pk])).content))
    cell = workbook.worksheets[0]["C2"]  # the logframe sheet, named in the reader's language
    assert cell.value == result.statement
    assert cell.data_type == "s"


def test_the_home_page_links_the_programmes(client, programme, manager_user):
    verified_login(client, manager_user)
    assert reverse("results:programmes") in client.get("/").content.decode()
    listing = client.get(reverse("results:programmes")).content.decode()
    assert reverse("results:programme", args=[programme.pk]) in listing
