"""The case-work figures of compute_indicators against values counted by hand on a small world,
and the small-cell suppression every output outside the case team goes through."""

from datetime import date

import pytest

from casework.models import (
    AgeGroup,
    AgencyKind,
    CaseOutcome,
    CaseStatus,
    Compliance,
    GoalStatus,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    ReferralStatus,
    Sex,
)
from reports.indicators import Period, compute_indicators
from reports.suppression import SMALL, WITHHELD, Derived, Sum, hidden_cells, suppress_section, suppress_small_cells
from tests.casework.factories import (
    AgencyFactory,
    AgreementItemFactory,
    BeneficiaryFactory,
    CaseFactory,
    CaseWorkerUserFactory,
    GoalFactory,
    MediationAgreementFactory,
    PlanActionFactory,
    ReferralFactory,
)
from tests.communities.factories import CommunityFactory

NO_VULNERABILITY = {"vulnerable_displaced": False}


def person(community, sex, age_group, **flags):
    return BeneficiaryFactory(community=community, sex=sex, age_group=age_group, **{**NO_VULNERABILITY, **flags})


def closed_case(beneficiary, opened_on, closed_on, outcome):
    return CaseFactory(
        beneficiary=beneficiary, opened_on=opened_on, status=CaseStatus.CLOSED, closed_on=closed_on, outcome=outcome
    )


def assess(case, on, **levels):
    assessment = NeedsAssessment.objects.create(case=case, assessed_on=on)
    for domain, level in levels.items():
        assessment.needs.create(domain=domain, level=level)


def ended(referral_case, agency, sent_on, status, on, **extra):
    return ReferralFactory(case=referral_case, agency=agency, sent_on=sent_on, status=status, completed_on=on, **extra)


@pytest.fixture
def world(db):
    home, elsewhere = CommunityFactory(), CommunityFactory()
    c1 = closed_case(
        person(home, Sex.FEMALE, AgeGroup.ADULT, vulnerable_refugee=True),
        date(2025, 2, 1),
        date(2025, 5, 1),
        CaseOutcome.GOALS_MET,
    )
    c2 = CaseFactory(
        beneficiary=person(home, Sex.MALE, AgeGroup.YOUNG, vulnerable_disability=True, vulnerable_veteran=True),
        opened_on=date(2025, 3, 1),
        status=CaseStatus.IN_PROGRESS,
    )
    c3 = closed_case(person(home, Sex.FEMALE, AgeGroup.OLDER), date(2024, 10, 1), date(2025, 1, 15), "person_left")
    closed_case(person(home, Sex.MALE, AgeGroup.ADULT), date(2024, 8, 1), date(2024, 12, 1), CaseOutcome.GOALS_MET)
    CaseFactory(beneficiary=person(home, Sex.MALE, AgeGroup.ADULT), opened_on=date(2025, 7, 10))
    CaseFactory(beneficiary=person(elsewhere, Sex.FEMALE, AgeGroup.ADULT), opened_on=date(2025, 3, 1))

    assess(c1, date(2025, 2, 10), documents=NeedLevel.HIGH, health=NeedLevel.NONE)
    assess(c1, date(2025, 4, 1), documents=NeedLevel.LOW, employment=NeedLevel.MEDIUM)
    assess(c2, date(2025, 3, 5), housing=NeedLevel.HIGH)
    assess(c2, date(2025, 8, 1), education=NeedLevel.HIGH)  # after the period

    passport = AgencyFactory(kind=AgencyKind.PASSPORT_OFFICE)
    clinic = AgencyFactory(kind=AgencyKind.CLINIC)
    completed, declined = ReferralStatus.COMPLETED, ReferralStatus.DECLINED
    ended(c1, passport, date(2025, 2, 15), completed, date(2025, 3, 1))  # 14 days
    ended(c1, passport, date(2025, 3, 1), completed, date(2025, 3, 31))  # 30 days
    ended(c2, clinic, date(2025, 3, 10), declined, date(2025, 4, 1))
    ReferralFactory(case=c2, agency=passport, sent_on=date(2025, 4, 1), follow_up_on=date(2025, 5, 1))
    ended(c2, passport, date(2025, 5, 1), completed, date(2025, 5, 11))  # 10 days

    for status in (GoalStatus.MET, GoalStatus.PARTLY_MET, GoalStatus.DROPPED):
        GoalFactory(case=c1, status=status)
    GoalFactory(case=c3, status=GoalStatus.NOT_MET)

    agreement = MediationAgreementFactory(community=home, responsible=CaseWorkerUserFactory())
    for due_on, compliance in (
        (date(2025, 3, 1), Compliance.KEPT),
        (date(2025, 4, 1), Compliance.NOT_KEPT),
        (date(2025, 5, 1), Compliance.KEPT),
    ):
        AgreementItemFactory(agreement=agreement, due_on=due_on, compliance=compliance, checked_on=due_on)
    AgreementItemFactory(agreement=agreement, due_on=date(2025, 5, 15))  # not checked: overdue

    goal = GoalFactory(case=c2)
    PlanActionFactory(goal=goal, due_on=date(2025, 6, 1))  # overdue at the period's end
    PlanActionFactory(goal=goal, due_on=date(2025, 6, 10), status="done", done_on=date(2025, 6, 5))
    PlanActionFactory(goal=GoalFactory(case=c1, status=GoalStatus.DROPPED), due_on=date(2025, 4, 1))  # case closed
    return home


@pytest.fixture
def casework(world):
    document = compute_indicators(period=Period.parse("2025-H1"), communities=type(world).objects.filter(pk=world.pk))
    return document["casework"]


def moments(figure):
    return (figure["current"], figure["previous"], figure["to_date"])


def test_cases_opened_open_at_the_end_and_closed_by_outcome(casework):
    assert moments(casework["opened"]) == (2, 2, 4)
    assert moments(casework["active_at_end"]) == (1, 1, 1)
    assert moments(casework["closed"]) == (2, 1, 3)
    assert casework["closed"]["change"] == 1
    outcomes = casework["closed_by_outcome"]
    assert (outcomes["goals_met"]["current"], outcomes["person_left"]["current"]) == (1, 1)
    assert outcomes["goals_met"]["to_date"] == 2


def test_people_supported_by_sex_age_group_and_vulnerability(casework):
    assert casework["people"]["current"] == 3
    assert {sex: figure["current"] for sex, figure in casework["people_by_sex"].items()} == {
        "female": 2,
        "male": 1,
        "other": 0,
        "undisclosed": 0,
    }
    assert casework["people_by_age_group"]["60+"]["current"] == 1
    assert casework["people_by_age_group"]["0-17"]["current"] == 0
    vulnerable = casework["people_by_vulnerability"]
    assert (vulnerable["refugee"]["current"], vulnerable["veteran"]["current"]) == (1, 1)
    assert vulnerable["displaced"]["current"] == 0


def test_needs_come_from_each_cases_latest_assessment_by_the_end(casework):
    needs = {domain: figure["current"] for domain, figure in casework["needs_by_domain"].items()}
    assert needs == {**dict.fromkeys(NeedDomain.values, 0), "documents": 1, "employment": 1, "housing": 1}
    assert casework["cases_assessed"]["current"] == 2


def test_referrals_by_how_they_ended_and_by_the_agencys_kind(casework):
    assert casework["referrals_sent"]["current"] == 5
    assert casework["referrals_ended"]["current"] == 4
    assert (casework["referrals_completed"]["current"], casework["referrals_declined"]["current"]) == (3, 1)
    assert casework["referral_completion_rate"]["current"] == 0.75
    assert casework["median_days_to_completion"]["current"] == 14.0
    passport = casework["referrals_by_agency_kind"]["passport_office"]
    assert (passport["sent"]["current"], passport["completed"]["current"]) == (4, 3)
    assert (passport["completion_rate"]["current"], passport["median_days_to_completion"]["current"]) == (1.0, 14.0)
    clinic = casework["referrals_by_agency_kind"]["clinic"]
    assert (clinic["completion_rate"]["current"], clinic["median_days_to_completion"]["current"]) == (0.0, None)
    assert casework["referrals_by_agency_kind"]["school"]["completion_rate"]["current"] is None


def test_goals_met_and_agreement_items_kept(casework):
    assert (casework["goals_set"]["current"], casework["goals_met"]["current"]) == (3, 1)
    assert casework["goals_met_rate"]["current"] == 0.3333
    assert (casework["agreement_items_checked"]["current"], casework["agreement_items_kept"]["current"]) == (3, 2)
    assert casework["agreement_items_kept_rate"]["current"] == 0.6667


def test_tasks_overdue_at_the_end_of_the_period(casework):
    assert casework["overdue_tasks"]["current"] == 3
    assert {kind: figure["current"] for kind, figure in casework["overdue_tasks_by_kind"].items()} == {
        "plan_actions": 1,
        "referral_follow_ups": 1,
        "agreement_checks": 1,
    }
    # Nothing was overdue at the end of 2024.
    assert casework["overdue_tasks"]["previous"] == 0


def test_the_programme_filter_counts_only_its_cases(world):
    from tests.programmes.factories import programme_in

    other = programme_in(world)
    document = compute_indicators(
        period=Period.parse("2025-H1"), communities=type(world).objects.filter(pk=world.pk), programme=other
    )
    assert document["casework"]["opened"]["to_date"] == 0


# --- suppression ------------------------------------------------------------------------------------


def test_outside_the_case_team_small_counts_are_hidden_and_zero_stays(casework):
    shown = suppress_small_cells({"casework": casework})["casework"]
    assert shown["opened"] == {"current": SMALL, "previous": SMALL, "change": WITHHELD, "to_date": SMALL}
    assert shown["referrals_sent"]["current"] == 5
    assert shown["people_by_sex"]["other"]["current"] == 0
    # A rate or a median of hidden counts is withheld; so is a change with a hidden side.
    assert shown["referral_completion_rate"]["current"] == WITHHELD
    assert shown["median_days_to_completion"]["current"] == WITHHELD
    assert shown["goals_met_rate"]["current"] == WITHHELD
    # The exact document is left as it was.
    assert casework["opened"]["current"] == 2


def test_a_small_cell_takes_the_smallest_other_cell_of_its_sum_with_it():
    sums = [Sum("closed", ("a", "b", "c"))]
    assert hidden_cells({"closed": 20, "a": 3, "b": 9, "c": 8}, sums) == {"a": SMALL, "c": WITHHELD}
    # Two small cells already hide each other; a zero is no secret.
    assert hidden_cells({"closed": 12, "a": 3, "b": 4, "c": 5}, sums) == {"a": SMALL, "b": SMALL}
    assert hidden_cells({"closed": 9, "a": 0, "b": 9, "c": 0}, sums) == {}
    # The only other non-zero cell is the total: it goes.
    assert hidden_cells({"closed": 3, "a": 3, "b": 0, "c": 0}, sums) == {"closed": SMALL, "a": SMALL}
    assert hidden_cells({"closed": 8, "a": 2, "b": 6, "c": 0}, sums) == {"a": SMALL, "b": WITHHELD}


def test_a_remainder_left_out_is_protected_too():
    sums = [Sum("goals_set", ("goals_met",), remainder=True)]
    # 10 set, 7 met: the 3 not met would be 10 - 7.
    assert hidden_cells({"goals_set": 10, "goals_met": 7}, sums) == {"goals_met": WITHHELD}
    assert hidden_cells({"goals_set": 10, "goals_met": 3}, sums) == {"goals_met": SMALL}
    assert hidden_cells({"goals_set": 12, "goals_met": 5}, sums) == {}


def test_a_withheld_cell_opening_another_sum_is_followed_up():
    # A table by kind (rows x, y) and by outcome (columns c1, c2) with its margins.
    sums = [
        Sum("x", ("x1", "x2")),
        Sum("y", ("y1", "y2")),
        Sum("c1", ("x1", "y1")),
        Sum("c2", ("x2", "y2")),
    ]
    values = {"x": 12, "y": 18, "c1": 11, "c2": 19, "x1": 2, "x2": 10, "y1": 9, "y2": 9}
    hidden = hidden_cells(values, sums)
    # x2 went with x1 (row x); then column c2 had x2 alone hidden, so y2 followed.
    assert hidden == {"x1": SMALL, "x2": WITHHELD, "y1": WITHHELD, "y2": WITHHELD}
    for group in sums:
        assert len([cell for cell in group.cells if cell in hidden]) != 1


def test_every_moment_is_suppressed_on_its_own():
    section = {
        "n": {"current": 3, "previous": 8, "change": -5, "to_date": 11},
        "rate": {"current": 0.5, "previous": 0.25, "change": 0.25, "to_date": 0.4},
    }
    shown = suppress_section(section, [], [Derived("rate", ("n",))])
    assert shown["n"] == {"current": SMALL, "previous": 8, "change": WITHHELD, "to_date": 11}
    assert shown["rate"] == {"current": WITHHELD, "previous": 0.25, "change": WITHHELD, "to_date": 0.4}


# --- the PDF's chapter ------------------------------------------------------------------------------


def test_a_partners_report_shows_individual_support_with_small_cells_hidden(world, media_root):
    from reports.models import MonitoringReport, ReportScope
    from reports.pdf import render_report_pdf
    from reports.services import report_document
    from tests.communities.factories import PartnerOrganisationFactory
    from tests.reports.helpers import pdf_text, values_after

    partner = PartnerOrganisationFactory(communities=[world])
    report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PARTNER, partner=partner, language="en")
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    assert "Individual support" in text
    # 2025: 3 opened, 2 in 2024, 5 to date.
    assert values_after(text, "Cases opened", [SMALL, SMALL, WITHHELD, "5"])
    assert values_after(text, "Referrals sent", ["5", "0", "+5", "5"])
    assert values_after(text, "Share of ended referrals completed", [WITHHELD])
