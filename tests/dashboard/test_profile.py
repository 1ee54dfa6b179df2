"""The community profile (``/communities/<pk>/``): who reads which profile, that personal data reaches
only those who read it (and is logged when it does), that the charts' tables hold the counts, and
that the page's queries do not grow with the community's history."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from access.roles import Role
from communities.models import Engagement, EngagementMode, LeaveReason, Topic
from incidents.models import IncidentStatus
from negotiators.models import EventStatus
from privacy.models import PersonalDataView, ViewChannel
from programmes.models import Document, DocumentAccess, DocumentKind, DocumentLanguage
from tests.accounts.support import verified_login
from tests.communities.factories import (
    AssessmentDimensionFactory,
    AssessmentInstrumentFactory,
    PartnershipFactory,
    SafetyAssessmentFactory,
    UserFactory,
)
from tests.communities.factories import (
    test_programme as shared_programme,
)
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

KYIV = ZoneInfo("Europe/Kyiv")


def profile_url(community) -> str:
    return reverse("dashboard:community", args=[community.pk])


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def users(db, community, partner_user, negotiator_user):
    """One signed-in user of each role, by name (the partner covers ``community`` only)."""
    return {
        "staff": UserFactory(username="profile-staff", role=Role.STAFF),
        "manager": UserFactory(username="profile-manager", role=Role.PROGRAMME_MANAGER),
        "partner": partner_user,
        "negotiator": negotiator_user,
        "case_worker": UserFactory(username="profile-case-worker", role=Role.CASE_WORKER),
        "dpo": UserFactory(username="profile-dpo", role=Role.DATA_PROTECTION),
    }


# role -> (status on ``community``, status on ``other_community``): the partner covers and the
# negotiator works in ``community`` only; a role that reads no profile is refused, not sent away.
PERMISSIONS = {
    "staff": (200, 200),
    "manager": (200, 200),
    "partner": (200, 404),
    "negotiator": (200, 404),
    "case_worker": (403, 403),
    "dpo": (403, 403),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PERMISSIONS))
def test_each_role_reads_the_profiles_it_may(client, users, community, other_community, role):
    verified_login(client, users[role])
    own, other = PERMISSIONS[role]
    assert client.get(profile_url(community)).status_code == own
    assert client.get(profile_url(other_community)).status_code == other


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login(client, community):
    response = client.get(profile_url(community))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_unknown_community_is_not_found(client, users):
    verified_login(client, users["staff"])
    assert client.get(reverse("dashboard:community", args=[999_999])).status_code == 404


@pytest.fixture
def negotiator(community):
    return NegotiatorFactory(
        community=community,
        contact__full_name="Мельник Оксана Петрівна",
        contact__phone="+380 67 555 12 34",
        contact__email="oksana.melnyk@example.org",
    )


PERSONAL = ("Мельник Оксана", "+380 67 555 12 34", "oksana.melnyk@example.org")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "partner"])
def test_managers_and_partners_see_negotiators_without_personal_data(client, users, community, negotiator, role):
    verified_login(client, users[role])
    page = html_of(client.get(profile_url(community)))
    with translation.override("en"):
        page_en = html_of(client.get(profile_url(community), HTTP_ACCEPT_LANGUAGE="en"))
    for text in PERSONAL:
        assert text not in page
    assert f"#{negotiator.pk}" in page_en
    assert not PersonalDataView.objects.exists()


@pytest.mark.django_db
def test_staff_see_negotiators_contacts_and_the_view_is_logged(client, users, community, negotiator):
    staff = users["staff"]
    verified_login(client, staff)
    page = html_of(client.get(profile_url(community)))
    for text in PERSONAL:
        assert text in page
    logged = PersonalDataView.objects.get(object_id=str(negotiator.pk), user=staff)
    assert logged.channel == ViewChannel.PORTAL
    assert logged.path == profile_url(community)


@pytest.mark.django_db
def test_a_negotiator_reading_their_community_is_not_logged_for_their_own_contact(client, users, community, negotiator):
    user = users["negotiator"]
    verified_login(client, user)
    page = html_of(client.get(profile_url(community)))
    assert "oksana.melnyk@example.org" in page  # a colleague's contact: negotiators read personal data
    own = user.negotiator
    assert list(PersonalDataView.objects.values_list("object_id", flat=True)) == [str(negotiator.pk)]
    assert str(own.pk) != str(negotiator.pk)


def table_row(page: str, period: str) -> list[int]:
    """The numbers in the activity table's row of ``period``."""
    row = re.search(rf'<tr data-period="{period}">(.*?)</tr>', page, re.S)
    assert row is not None, period
    return [int(cell) for cell in re.findall(r"<td>(\d+)</td>", row.group(1))]


def make_history(community, *, halves: int) -> dict[str, list[int]]:
    """Events and incidents over ``halves`` half-years from 2023-H1, a half-year without any in
    between; returns the counts per period code, as the test made them."""
    expected: dict[str, list[int]] = {}
    for index in range(halves):
        year, half = 2023 + index // 2, index % 2 + 1
        code = f"{year}-H{half}"
        if index == 1:
            expected[code] = [0, 0, 0, 0]
            continue
        month = 3 if half == 1 else 9
        events = index + 1
        for number in range(events):
            OutreachEventFactory(
                community=community, date=date(year, month, 10 + number), participants_total=10 + number
            )
        OutreachEventFactory(community=community, date=date(year, month, 2), status=EventStatus.CANCELLED)
        reported = index % 3 + 1
        for number in range(reported):
            IncidentFactory(community=community, occurred_at=datetime(year, month, 5 + number, 10, tzinfo=KYIV))
        IncidentFactory(
            community=community,
            occurred_at=datetime(year, month, 1, 9, tzinfo=KYIV),
            status=IncidentStatus.RESOLVED,
            closed_at=datetime(year, month, 20, 9, tzinfo=KYIV),
        )
        participants = sum(10 + number for number in range(events))
        expected[code] = [events, participants, reported + 1, 1]
    return expected


@pytest.mark.django_db
def test_the_activity_table_holds_the_counts_per_half_year(client, users, community, other_community):
    expected = make_history(community, halves=4)
    OutreachEventFactory(community=other_community, date=date(2023, 3, 1))
    # Closed on the first local day of H2 though still 30 June in UTC: counted in H2.
    late = IncidentFactory(
        community=community,
        occurred_at=datetime(2024, 6, 30, 12, tzinfo=KYIV),
        status=IncidentStatus.RESOLVED,
        closed_at=datetime(2024, 7, 1, 0, 30, tzinfo=KYIV),
    )
    expected["2024-H1"][2] += 1
    expected["2024-H2"][3] += 1
    assert late.closed_at is not None
    verified_login(client, users["manager"])
    page = html_of(client.get(profile_url(community)))
    for code, figures in expected.items():
        assert table_row(page, code) == figures, code
    assert page.count("<svg") >= 2
    assert 'role="img"' in page


@pytest.mark.django_db
def test_the_assessment_trend_keeps_instrument_versions_apart(client, users, community):
    SafetyAssessmentFactory(
        community=community, year=2024, half=2, assessed_on=date(2024, 11, 1), cohesion=Decimal("2.50")
    )
    SafetyAssessmentFactory(
        community=community, year=2025, half=1, assessed_on=date(2025, 5, 1), cohesion=Decimal("3.75")
    )
    version_two = AssessmentInstrumentFactory(code="SAFETY-X", version=2, name="Ширший інструмент")
    AssessmentDimensionFactory(instrument=version_two, code="cctv", name_uk="Відеонагляд", scale_min=0, scale_max=10)
    SafetyAssessmentFactory(
        community=community,
        year=2025,
        half=2,
        assessed_on=date(2025, 11, 1),
        instrument=version_two,
        scores={"cctv": Decimal("7.00")},
    )
    verified_login(client, users["partner"])
    response = client.get(profile_url(community))
    trends = response.context["trends"]
    assert [(trend.instrument.code, len(trend.assessments)) for trend in trends] == [("SAFETY", 2), ("SAFETY-X", 1)]
    cohesion = next(row for row in trends[0].rows if row.dimension.code == "cohesion")
    assert cohesion.values == [Decimal("2.50"), Decimal("3.75")]
    page = html_of(response)
    assert "Відеонагляд" in page
    assert "0–10" in page


@pytest.mark.django_db
def test_engagements_plans_and_documents_show_with_their_status(client, users, community, other_community):
    PartnershipFactory(
        community=community, joined_on=date(2021, 1, 1), left_on=date(2022, 6, 30), leave_reason=LeaveReason.FUNDING
    )
    PartnershipFactory(community=community, joined_on=date(2023, 1, 1))
    Engagement.objects.create(
        community=community,
        mode=EngagementMode.SYSTEMATIC,
        topic=Topic.YOUTH,
        starts_on=date(2025, 1, 10),
        line_mediation=True,
        programme=shared_programme(),
    )
    shared = Document.objects.create(
        programme=shared_programme(),
        title="Меморандум про співпрацю",
        kind=DocumentKind.AGREEMENT,
        language=DocumentLanguage.UKRAINIAN,
        link="https://example.org/memorandum",
        access=DocumentAccess.PARTNERS,
    )
    shared.communities.add(community)
    internal = Document.objects.create(
        programme=shared_programme(),
        title="Внутрішня нотатка",
        kind=DocumentKind.OTHER,
        language=DocumentLanguage.UKRAINIAN,
        link="https://example.org/internal",
        access=DocumentAccess.STAFF,
    )
    internal.communities.add(community)
    verified_login(client, users["partner"])
    with translation.override("en"):
        page = html_of(client.get(profile_url(community), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Funding ended" in page
    assert "still a partner" in page
    assert "Systematic cooperation" in page
    assert "ongoing" in page
    assert "mediation" in page
    assert "Меморандум про співпрацю" in page
    assert "Внутрішня нотатка" not in page


@pytest.mark.django_db
def test_the_profile_reads_a_fixed_number_of_queries(
    client, users, community, negotiator, django_assert_max_num_queries
):
    make_history(community, halves=2)
    SafetyAssessmentFactory(community=community, year=2024, half=1, assessed_on=date(2024, 5, 1))
    verified_login(client, users["staff"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(profile_url(community)).status_code == 200
    make_history(community, halves=8)
    NegotiatorFactory(community=community)
    NegotiatorFactory(community=community)
    SafetyAssessmentFactory(community=community, year=2025, half=1, assessed_on=date(2025, 5, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(profile_url(community)).status_code == 200


@pytest.mark.django_db
def test_the_admin_links_a_community_to_its_profile(client, users, community):
    verified_login(client, users["staff"])
    response = client.get(reverse("admin:communities_community_change", args=[community.pk]))
    assert profile_url(community) in html_of(response)


@pytest.mark.django_db
def test_a_negotiators_field_app_links_to_their_community_profile(client, users, community):
    verified_login(client, users["negotiator"])
    assert profile_url(community) in html_of(client.get(reverse("field:home")))
