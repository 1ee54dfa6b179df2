"""The report's disaggregations (issue 17): negotiators by sex, the incidents' parties by sex, age
group and vulnerable group (small counts hidden outside the case team, in the PDF and the API),
"not recorded" shown as its own row, and each community's own participants and latest
assessment notes. Figures checked against counts written independently in SQL."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from incidents.models import IncidentParty
from negotiators.models import Gender, NegotiatorContact
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport, ReportScope
from reports.selectors import scope_communities
from reports.suppression import SMALL, WITHHELD, suppress_parties, suppress_small_cells
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import PartnerOrganisationFactory, PartnershipFactory, SafetyAssessmentFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.reports.helpers import pdf_text, values_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings", "media_root")]

KYIV = ZoneInfo("Europe/Kyiv")
# The parties of the 2025 incidents: (sex, age group, vulnerable group); "" is not recorded.
PARTIES = (
    [("female", "30-59", "none")] * 6
    + [("male", "18-29", "displaced")] * 2
    + [("", "", "")] * 3
    + [("female", "0-17", "none")] * 1
)


def negotiator(community, gender, *, certified_on=None):
    found = NegotiatorFactory(community=community, certified_on=certified_on, contact=None)
    if gender is not None:
        NegotiatorContact.objects.create(negotiator=found, full_name="Тест", gender=gender)
    return found


@pytest.fixture
def world(community):
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    for _ in range(3):
        negotiator(community, Gender.FEMALE, certified_on=date(2025, 5, 1))
    negotiator(community, Gender.MALE, certified_on=date(2025, 5, 1))
    negotiator(community, Gender.MALE)
    negotiator(community, Gender.UNSPECIFIED)
    negotiator(community, None)  # no contact record
    OutreachEventFactory(
        community=community, date=date(2025, 3, 1), participants_total=20, participants_women=8, participants_men=0
    )
    OutreachEventFactory(
        community=community, date=date(2025, 4, 1), participants_total=11, participants_women=6, participants_men=1
    )
    first = IncidentFactory(community=community, occurred_at=datetime(2025, 3, 10, 12, tzinfo=KYIV))
    second = IncidentFactory(community=community, occurred_at=datetime(2025, 9, 10, 12, tzinfo=KYIV))
    for index, (sex, age_group, group) in enumerate(PARTIES):
        IncidentParty.objects.create(
            incident=first if index % 2 else second,
            role="affected",
            full_name=f"Особа {index}",
            sex=sex,
            age_group=age_group,
            vulnerable_group=group,
        )
    # A party of an incident of 2024: outside the period.
    old = IncidentFactory(community=community, occurred_at=datetime(2024, 3, 10, 12, tzinfo=KYIV))
    IncidentParty.objects.create(incident=old, role="affected", full_name="Стара", sex="male")
    SafetyAssessmentFactory(
        community=community,
        year=2025,
        half=2,
        assessed_on=date(2025, 12, 1),
        respondents=24,
        method="telephone",
        identified_risks="Темні вулиці біля школи",
        safety_resources="Активна рада ветеранів",
    )
    return community


def figures(community):
    return compute_indicators(period=Period(2025), communities=scope_communities(scope=ReportScope.PROGRAMME))


def sql_counts(field: str) -> dict[str, int]:
    """The 2025 incidents' parties by ``field``, counted in SQL apart from the ORM code."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.{field}, COUNT(*) FROM incidents_incidentparty p
                JOIN incidents_incident i ON i.id = p.incident_id
                WHERE i.occurred_at >= %s AND i.occurred_at < %s GROUP BY p.{field}""",
            [datetime(2025, 1, 1, tzinfo=KYIV), datetime(2026, 1, 1, tzinfo=KYIV)],
        )
        return {value or "not_recorded": count for value, count in cursor.fetchall()}


def current(breakdown):
    return {key: figure["current"] for key, figure in breakdown.items() if figure["current"]}


def test_the_parties_by_sex_age_and_group_match_an_independent_count(world):
    parties = figures(world)["incidents"]["people_involved"]
    assert parties["total"]["current"] == len(PARTIES) == 12
    assert current(parties["by_sex"]) == sql_counts("sex") == {"female": 7, "male": 2, "not_recorded": 3}
    assert current(parties["by_age_group"]) == sql_counts("age_group")
    assert current(parties["by_vulnerable_group"]) == sql_counts("vulnerable_group")
    assert parties["by_sex"]["male"]["to_date"] == 3  # with 2024's
    for breakdown in ("by_sex", "by_age_group", "by_vulnerable_group"):
        assert sum(figure["current"] for figure in parties[breakdown].values()) == parties["total"]["current"]


def test_negotiators_by_sex_count_no_contact_and_unspecified_as_not_recorded(world):
    negotiators = figures(world)["negotiators"]
    assert current(negotiators["by_sex"]) == {"female": 3, "male": 2, "not_recorded": 2}
    assert current(negotiators["certified_by_sex"]) == {"female": 3, "male": 1}
    assert sum(figure["current"] for figure in negotiators["by_sex"].values()) == sum(
        figure["current"] for figure in negotiators["by_cohort"].values()
    )


def test_participants_neither_women_nor_men_are_not_recorded(world):
    document = figures(world)
    breakdown = document["events"]["participant_breakdown"]
    # 31 participants, 14 women and 1 man: 16 not recorded.
    assert (breakdown["women"]["current"], breakdown["men"]["current"]) == (14, 1)
    assert breakdown["not_recorded"]["current"] == 31 - 14 - 1 == 16
    own = document["community_rows"][0]["figures"]["participant_breakdown"]
    assert own["not_recorded"]["current"] == 16
    assert own["women"]["current"] == 14


def test_a_community_row_has_its_latest_assessments_notes(world):
    row = figures(world)["community_rows"][0]
    assert row["latest_assessment"] == {
        "assessed": "2025-H2",
        "respondents": 24,
        "method": "telephone",
        "identified_risks": "Темні вулиці біля школи",
        "safety_resources": "Активна рада ветеранів",
    }


def test_outside_the_case_team_small_counts_of_parties_are_hidden(world):
    parties = suppress_small_cells(figures(world))["incidents"]["people_involved"]
    by_sex = current(parties["by_sex"])
    # 2 men and 3 not recorded are "<5": the 7 women and the total of 12 give only their sum.
    assert by_sex == {"female": 7, "male": SMALL, "not_recorded": SMALL}
    assert parties["total"]["current"] == 12
    for breakdown in ("by_sex", "by_age_group", "by_vulnerable_group"):
        for figure in parties[breakdown].values():
            assert not isinstance(figure["current"], int) or not 0 < figure["current"] < 5


def test_a_partner_gets_the_parties_suppressed_through_the_api(world):
    partner = PartnerOrganisationFactory(communities=[world])
    body = key_client(issue_key(partner)).get("/api/v1/indicators/", {"period": "2025"}).json()
    parties = body["incidents"]["people_involved"]
    assert parties["by_sex"]["male"]["current"] == SMALL
    assert parties["by_age_group"]["0-17"]["current"] == SMALL
    assert body["data_quality"]["not_recorded"]["people_involved_without_sex"] == SMALL
    counts = [
        figure[moment]
        for breakdown in ("by_sex", "by_age_group", "by_vulnerable_group")
        for figure in parties[breakdown].values()
        for moment in ("current", "previous", "to_date")
    ]
    assert not [count for count in counts if isinstance(count, int) and 0 < count < 5]
    # The negotiators and participants are not people in case work: exact.
    assert body["negotiators"]["by_sex"]["male"]["current"] == 2


def test_the_pdf_shows_the_breakdowns_with_not_recorded_rows_and_hidden_small_counts(world):
    from reports.pdf import render_report_pdf
    from reports.services import report_document

    partner = PartnerOrganisationFactory(communities=[world])
    report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PARTNER, partner=partner, language="en")
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    assert "Negotiators registered by the end of the period, by sex" in text
    assert values_after(text, "Female", ["3"])
    assert "People involved in the incidents" in text
    assert values_after(text, "Parties of the incidents reported", ["12"])
    assert f"Male {SMALL}" in text
    assert f"Under 18 {SMALL}" in text
    # The outreach chapter's and the community page's "sex not recorded" rows.
    assert values_after(text, "Sex not recorded", ["16"])
    assert text.count("Sex not recorded") >= 2
    assert "Темні вулиці біля школи" in text
    assert "Активна рада ветеранів" in text
    assert "survey method: Telephone interviews" in text


def test_a_lone_small_count_of_parties_takes_a_second_cell_with_it():
    def figure(value):
        return {"current": value, "previous": 0, "change": value, "to_date": value}

    def breakdown(values, keys):
        return {key: figure(values.get(key, 0)) for key in keys}

    from reports.indicators import PARTY_FIELDS

    parties = {
        "total": figure(20),
        "by_sex": breakdown({"female": 12, "male": 6, "not_recorded": 2}, [*PARTY_FIELDS["sex"], "not_recorded"]),
        "by_age_group": breakdown({"30-59": 20}, [*PARTY_FIELDS["age_group"], "not_recorded"]),
        "by_vulnerable_group": breakdown({"none": 20}, [*PARTY_FIELDS["vulnerable_group"], "not_recorded"]),
    }
    shown = suppress_parties({"people_involved": parties})["people_involved"]
    # 2 not recorded alone would be 20 - 12 - 6: the smaller other cell goes with it.
    assert current(shown["by_sex"]) == {"female": 12, "male": WITHHELD, "not_recorded": SMALL}
    assert current(shown["by_age_group"]) == {"30-59": 20}
