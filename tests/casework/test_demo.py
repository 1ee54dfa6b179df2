"""The demo's case work (``reports.demo_casework``): seed 004's volunteers in Central Asia with
about sixty cases and a hundred and twenty referrals in every status, seed 001's veterans, seed
003's mediation agreements; the demo case worker's and supervisor's logins, and the issue's walk
on the case worker's first case. Seeding is slow: every demo assertion of case work is here."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from access.roles import Role
from access.viewer import Viewer
from casework.models import (
    Agency,
    AgencyKind,
    AgreementStatus,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseContact,
    CaseStatus,
    Consent,
    Goal,
    MediationAgreement,
    Need,
    NeedsAssessment,
    PlanAction,
    Referral,
    ReferralStatus,
)
from casework.selectors import visible_cases
from casework.services import referral_create, referral_move
from casework.todo import overdue_referrals, tasks_for, team_overdue
from communities.models import Community, CommunityKind, Country
from incidents.models import Incident, IncidentStatus

pytestmark = pytest.mark.django_db

CASEWORK = list(apps.get_app_config("casework").get_models())


@pytest.fixture
def seeded(demo_programme):
    return demo_programme


def counts():
    return {model._meta.label: model.objects.count() for model in CASEWORK}


def test_seed_004s_programme_has_sixty_cases_across_the_life_cycle(seeded):
    cases = Case.objects.filter(programme__code="VS-CA")
    assert 55 <= cases.count() <= 65
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    countries = set(cases.values_list("community__region__country", flat=True))
    assert countries == {Country.KAZAKHSTAN, Country.KYRGYZSTAN, Country.UZBEKISTAN}
    mahallas = Community.objects.filter(kind=CommunityKind.MAHALLA, participations__programme__code="VS-CA")
    assert mahallas.count() >= 2
    closed = cases.filter(status=CaseStatus.CLOSED)
    assert closed.exclude(outcome="").count() == closed.count() > 0
    # Plans, needs, contacts: every case agreed on a plan has goals with actions.
    agreed = cases.filter(status__in=[CaseStatus.PLAN_AGREED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED])
    assert not agreed.filter(goals__isnull=True).exists()
    assert not Goal.objects.filter(case__in=agreed, actions__isnull=True).exists()
    assert Need.objects.filter(assessment__case__in=cases).count() >= 2 * cases.exclude(status="opened").count()
    assert CaseContact.objects.filter(case__in=cases).count() >= 2 * cases.count()
    # Volunteers work them, supervised.
    workers = User.objects.filter(cases_worked__in=cases).distinct()
    assert workers.count() >= 5
    assert all(worker.groups.filter(name=Role.CASE_WORKER).exists() for worker in workers)
    assert not cases.filter(supervisor__isnull=True).exists()


def test_referrals_are_in_every_status_and_some_are_overdue(seeded):
    referrals = Referral.objects.all()
    assert 100 <= referrals.count() <= 150
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert overdue_referrals(referrals).count() >= 3
    assert referrals.filter(incident__isnull=False, case__isnull=True).count() >= 5
    # The directory: each Central Asian country has its passport office, migration service,
    # school, clinic, employment centre, social protection, insurance and legal aid.
    needed = {
        AgencyKind.PASSPORT_OFFICE,
        AgencyKind.MIGRATION_SERVICE,
        AgencyKind.SCHOOL,
        AgencyKind.CLINIC,
        AgencyKind.EMPLOYMENT_CENTRE,
        AgencyKind.SOCIAL_PROTECTION,
        AgencyKind.INSURANCE,
        AgencyKind.LEGAL_AID,
    }
    for country in (Country.KAZAKHSTAN, Country.KYRGYZSTAN, Country.UZBEKISTAN):
        assert needed <= set(Agency.objects.filter(country=country).values_list("kind", flat=True)), country
    # Every referral goes to an agency of its case's (or incident's) country.
    assert not referrals.exclude(agency__country=F("community__region__country")).exists()


def test_the_referred_incidents_stay_open_or_were_resolved_after_the_agency_answered(seeded):
    referred = Incident.objects.filter(referrals__isnull=False).distinct()
    assert referred.exists()
    assert not Incident.objects.filter(status=IncidentStatus.REFERRED).exists()
    assert set(referred.values_list("status", flat=True)) <= {IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED}


def test_veterans_cases_of_seed_001_and_the_czech_agreements(seeded):
    veterans = Case.objects.filter(programme__code="RP-2017", beneficiary__vulnerable_veteran=True)
    assert veterans.count() >= 8
    assert set(veterans.values_list("status", flat=True)) == {CaseStatus.CLOSED}
    agreements = MediationAgreement.objects.filter(programme__code="OPV-CZ")
    statuses = set(agreements.values_list("status", flat=True))
    assert {AgreementStatus.KEPT, AgreementStatus.PARTLY_KEPT, AgreementStatus.BROKEN} <= statuses
    signed = agreements.exclude(signed_on=None)
    assert not signed.filter(sessions__isnull=True).exists()
    assert all(session.mediator.is_active for agreement in signed for session in agreement.sessions.all())
    assert signed.filter(visits__isnull=False).exists()
    assert agreements.filter(parties__beneficiary__isnull=False).exists()


def test_the_seeded_rows_are_valid(seeded):
    """The demo writes in bulk: a sample of each kind of row passes the model's own validation."""
    for model in (
        Beneficiary,
        BeneficiaryIdentity,
        Consent,
        Case,
        NeedsAssessment,
        Need,
        Goal,
        PlanAction,
        CaseContact,
        Agency,
        Referral,
    ):
        rows = list(model.objects.order_by("pk"))
        assert rows, model
        for row in rows[:: max(1, len(rows) // 12)]:
            row.full_clean()


def test_the_case_worker_and_the_supervisor_log_in_and_see_their_cases(seeded):
    assert "caseworker  zlagoda-caseworker" in seeded
    assert "supervisor  zlagoda-supervisor" in seeded
    for username, password in (("caseworker", "zlagoda-caseworker"), ("supervisor", "zlagoda-supervisor")):
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password}, follow=True)
        # No second factor for volunteers: straight to the field app.
        assert response.redirect_chain[-1][0] == "/field/", username
        assert response.status_code == 200
        assert int(client.session["_auth_user_id"]) == User.objects.get(username=username).pk
    worker = User.objects.get(username="caseworker")
    supervisor = User.objects.get(username="supervisor")
    mine = visible_cases(Viewer.for_user(worker))
    assert mine.count() >= 5
    assert set(mine.values_list("case_worker", flat=True)) == {worker.pk}
    supervised = visible_cases(Viewer.for_user(supervisor))
    assert supervised.count() > mine.count()
    assert set(supervised.values_list("supervisor", flat=True)) == {supervisor.pk}
    assert tasks_for(worker)
    assert team_overdue(supervisor)
    assert Referral.objects.filter(case__case_worker=worker).count() < Referral.objects.count()


def test_the_issues_walk_refers_the_case_workers_first_case_to_the_passport_office(seeded):
    worker = User.objects.get(username="caseworker")
    case = Case.objects.filter(case_worker=worker).order_by("pk").first()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.goals.filter(domain="documents", status="open", actions__status="todo").exists()
    assert not case.referrals.filter(agency__kind=AgencyKind.PASSPORT_OFFICE).exists()
    office = Agency.objects.get(
        kind=AgencyKind.PASSPORT_OFFICE, country=case.community.region.country, community=case.community
    )
    today = timezone.localdate()
    referral = referral_create(agency=office, sent_on=today, case=case, reason="Паспорт", by=worker)
    referral = referral_move(referral, ReferralStatus.COMPLETED, on=today, feedback="Паспорт выдан.", by=worker)
    assert (referral.status, referral.completed_on) == ("completed", today)


def test_seeding_again_changes_no_case_work(seeded):
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
