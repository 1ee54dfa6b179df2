"""`seed_demo` builds the Institute of Social Negotiators programme (seed 000) over 2024-2025,
the same every time."""

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, Sum
from django.urls import reverse

from access.roles import DOMAIN_APPS
from communities.models import (
    AssessmentInstrument,
    Community,
    Engagement,
    PartnerOrganisation,
    Partnership,
    SafetyAssessment,
)
from incidents.models import Incident
from negotiators.models import MediaMention, Negotiator, OutreachEvent
from photos.models import Photo
from privacy.models import PersonalDataView
from programmes.models import Participation
from tests.accounts.support import verified_login
from training.models import TrainingModule, TrainingSession

pytestmark = pytest.mark.django_db


def snapshot():
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in (*DOMAIN_APPS, "auth", "privacy")
    }
    counts["participants"] = OutreachEvent.objects.aggregate(total=Sum("participants_total"))["total"]
    counts["statuses"] = sorted(Incident.objects.values_list("status", flat=True))
    counts["event_dates"] = sorted(OutreachEvent.objects.values_list("date", flat=True))
    return counts


@pytest.fixture
def seeded(demo_programme):
    return demo_programme


def test_seeding_twice_leaves_the_same_contents(seeded):
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


def test_demo_mirrors_the_institute_of_social_negotiators(seeded):
    ukrainian = Community.objects.filter(region__name="Хмельницька область")
    assert ukrainian.count() == 25
    assert Negotiator.objects.count() == 50
    assert Negotiator.objects.filter(cohort="pilot").count() == 25
    assert dict(TrainingModule.objects.values_list("level").annotate(n=Count("id"))) == {"basic": 4, "advanced": 2}
    assert TrainingSession.objects.count() == 6
    events = OutreachEvent.objects.filter(community__in=ukrainian, programme__code="ISN-2023", status="held")
    assert 190 <= events.count() <= 210
    assert 1400 <= events.aggregate(total=Sum("participants_total"))["total"] <= 1600
    assert events.filter(kind="press_conference").count() == 3
    assert events.filter(kind="round_table").count() == 1
    forum = events.get(kind="forum")
    assert 90 <= forum.participants_total <= 110
    assert MediaMention.objects.count() >= 80
    assert 9_500_000 <= MediaMention.objects.aggregate(reach=Sum("reach"))["reach"] <= 10_500_000
    # Referring no longer closes a case: the referred ones are open, with their referrals.
    assert set(Incident.objects.values_list("status", flat=True)) == {
        "reported",
        "in_progress",
        "resolved",
        "closed_unresolved",
    }
    assert Incident.objects.values("category").distinct().count() >= 6


def test_one_community_left_after_elections(seeded):
    left = Partnership.objects.get(left_on__isnull=False)
    assert left.leave_reason == "elections"
    assert date(2024, 1, 1) <= left.left_on <= date(2025, 12, 31)


def test_every_community_is_assessed_each_half_year_it_was_a_partner(seeded):
    for community in Community.objects.filter(region__name="Хмельницька область"):
        periods = set(community.assessments.filter(instrument__code="SAFETY").values_list("year", "half"))
        expected = {(2024, 1), (2024, 2), (2025, 1), (2025, 2)}
        if community.partnerships.filter(left_on__isnull=False).exists():
            expected.discard((2025, 2))
        assert periods == expected, community.name


def test_seed_001s_broad_instrument_assessed_the_restorative_practices_communities(seeded):
    broad = AssessmentInstrument.objects.get(code="RP-BROAD", version=1)
    codes = set(broad.dimensions.values_list("code", flat=True))
    assert {"leadership_potential", "residents_involvement", "cctv", "patrols", "fire_safety"} <= codes
    assert {"road_safety", "access_to_health_care"} <= codes
    assessments = SafetyAssessment.objects.filter(instrument=broad)
    assert set(assessments.values_list("programme__code", flat=True)) == {"RP-2017"}
    taking_part = Participation.objects.filter(programme__code="RP-2017")
    for assessment in assessments:
        period = taking_part.get(community=assessment.community)
        assert period.joined_on <= assessment.assessed_on <= period.left_on
        assert assessment.scores.count() == len(codes)
    assert assessments.values("community").distinct().count() == 3


def test_czech_municipality_has_acute_and_systematic_engagements(seeded):
    modes = set(Engagement.objects.filter(community__region__country="CZ").values_list("mode", flat=True))
    assert modes == {"acute", "systematic"}


@pytest.mark.parametrize(
    ("username", "password", "lands_on"),
    [
        # Staff and managers have no second factor in the demo: their first login sets one up.
        ("staff", "zlagoda-staff", "/accounts/two-factor/enrol/?next=%2F"),
        ("manager", "zlagoda-manager", "/accounts/two-factor/enrol/?next=%2F"),
        ("negotiator", "zlagoda-negotiator", "/field/"),
        ("partner", "zlagoda-partner", "/"),
        ("dpo", "zlagoda-dpo", "/accounts/two-factor/enrol/?next=%2F"),
    ],
)
def test_demo_logins_work_and_are_printed(seeded, client, username, password, lands_on):
    assert f"{username} " in seeded
    assert password in seeded
    assert "другий фактор" in seeded  # the demo says who enrols at first login
    response = client.post("/accounts/login/", {"username": username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == lands_on


def test_the_demo_programme_is_where_the_readme_says(seeded):
    assert Negotiator.objects.get(user__username="negotiator").community.name == "Хмельницька міська громада"
    assert PartnerOrganisation.objects.filter(members__username="partner").count() == 1


def test_the_data_protection_officer_finds_views_in_the_log(seeded, client):
    assert set(PersonalDataView.objects.values_list("username", "channel")) == {
        ("staff", "admin"),
        ("negotiator", "field"),
    }
    verified_login(client, User.objects.get(username="dpo"))
    response = client.get(reverse("admin:privacy_personaldataview_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == PersonalDataView.objects.count()


def test_demo_has_the_five_programmes_of_the_seeds(seeded):
    from programmes.models import Programme

    assert set(Programme.objects.values_list("code", flat=True)) == {
        "ISN-2023",
        "RP-2017",
        "DOBRE-2023",
        "OPV-CZ",
        "VS-CA",
    }
    isn = Programme.objects.get(code="ISN-2023")
    ukrainian = Community.objects.filter(region__name="Хмельницька область")
    assert set(isn.participations.values_list("community", flat=True)) == set(ukrainian.values_list("pk", flat=True))
    assert isn.participations.filter(left_on__isnull=False).count() == 1
    demo_partner = PartnerOrganisation.objects.get(members__username="partner")
    assert isn.consortium.filter(partner=demo_partner, role="lead").exists()
    assert isn.fundings.get().donor.name == "Міжнародний фонд «Відродження»"
    assert isn.tranches.count() == 3
    central_asia = Programme.objects.get(code="VS-CA")
    assert central_asia.countries == ["KZ", "KG", "UZ"]
    countries = set(central_asia.participations.values_list("community__region__country", flat=True))
    assert countries == {"KZ", "KG", "UZ"}


def test_the_isn_library_has_a_document_of_each_access_level(seeded):
    from programmes.models import Document

    documents = Document.objects.filter(programme__code="ISN-2023")
    assert set(documents.values_list("access", flat=True)) == {"partners", "public", "staff"}
    # Besides the PDFs, one photo: a case story's in the 2025 annual report (reports.demo_reports).
    assert documents.filter(content_type="image/png").count() == 1
    for document in documents.exclude(content_type="image/png"):
        assert document.content_type == "application/pdf"
        assert document.file.read().startswith(b"%PDF-1.4")


def test_the_isn_programme_records_its_outputs_coalition_campaign_and_agreements(seeded):
    from programmes.models import Agreement, Deliverable, Programme

    isn = Programme.objects.get(code="ISN-2023")
    handbook = isn.deliverables.get(kind="publication")
    assert (handbook.quantity, handbook.status, handbook.document.access) == (50, "delivered", "public")
    course = isn.deliverables.get(kind="online_course")
    assert course.link
    assert course.quantity
    assert Deliverable.objects.filter(kind="map", programme__code="RP-2017", status="delivered").exists()
    assert isn.network.values("partner").distinct().count() >= 4
    campaign = isn.campaigns.get()
    assert campaign.milestones.count() == 3
    assert campaign.events.filter(kind="round_table").exists()
    assert campaign.media_mentions.count() >= 3
    agreements = Agreement.objects.filter(programme=isn)
    assert agreements.count() == 2
    assert agreements.get(kind="memorandum").communities.count() == 15
    assert agreements.get(kind="cooperation").partners.count() == 1
    assert all(agreement.document is not None for agreement in agreements)


def test_every_demo_programme_has_a_logframe_and_isn_has_its_2025_targets(seeded):
    from programmes.models import Indicator, Programme, ReportedValue, Target
    from reports.indicators import Period
    from reports.results import programme_results

    for programme in Programme.objects.all():
        assert Indicator.objects.filter(result__programme=programme).exists(), programme.code
    isn = Programme.objects.get(code="ISN-2023")
    targets = {
        target.indicator.figure or target.indicator.name: target.value
        for target in Target.objects.filter(indicator__result__programme=isn, period="2025").select_related("indicator")
    }
    assert targets["communities.active"] == 25
    assert targets["negotiators.certified_by_cohort.new"] == 25
    assert targets["events.count"] == 200
    assert targets["events.participants"] == 1500
    assert targets["media.mentions"] == 80
    assert targets["media.reach"] == 10_000_000
    assert targets["events.by_kind.press_conference.events"] == 3
    assert targets["events.by_kind.round_table.events"] == 1
    assert targets["events.by_kind.forum.participants"] == 100
    assert targets["Handbook copies printed"] == 50
    values = ReportedValue.objects.filter(indicator__result__programme=isn)
    assert values.exists()
    assert all(value.approved_at and value.approved_by_id != value.entered_by_id for value in values)
    assert all(value.evidence_document_id or value.evidence_link for value in values)
    rows = programme_results(isn, Period(2025))
    assert all(row.target is not None for row in rows)
    assert {row.status for row in rows} - {None} <= {"on_track", "at_risk", "off_track"}
    assert sum(row.actual is not None for row in rows) >= 12


def test_demo_has_seed_001s_safety_planning_and_seed_000s_regulation(seeded):
    from planning.models import Analysis, Plan, PlanKind, Regulation

    rp = Analysis.objects.filter(programme__code="RP-2017")
    assert rp.values("community").distinct().count() == 20
    plans = Plan.objects.filter(programme__code="RP-2017")
    assert plans.count() == 30
    strategies = plans.filter(kind=PlanKind.SAFETY_STRATEGY, adopted_on__isnull=False)
    assert strategies.count() == 10
    assert plans.filter(kind=PlanKind.VETERANS_REINTEGRATION).values("community").distinct().count() == 8
    assert len(set(plans.values_list("status", flat=True))) == 7
    # Every record belongs to a programme its community takes part in on its date.
    for plan in plans:
        plan.programme.check_attribution(plan.community, plan.starts_on)
    regulation = Regulation.objects.get(kind="negotiator_status")
    assert regulation.programme.code == "ISN-2023"
    assert regulation.community.negotiators.filter(user__username="negotiator").exists()


def test_the_demo_negotiators_latest_open_case_has_a_photo_and_the_phones_location(seeded, client):
    photo = Photo.objects.select_related("incident").get()
    incident = photo.incident
    assert incident.community.negotiators.filter(user__username="negotiator").exists()
    assert incident.latitude is not None
    assert incident.location_accuracy_m == 14
    with default_storage.open(photo.file.name, "rb") as handle:
        assert handle.read(2) == b"\xff\xd8"
    event = OutreachEvent.objects.filter(community=incident.community).order_by("-date", "-pk").first()
    assert event.latitude is not None
    client.force_login(User.objects.get(username="negotiator"))
    page = client.get(reverse("field:incident_detail", args=[incident.pk])).content.decode()
    assert f"/field/photos/{photo.pk}/" in page
    assert client.get(f"/field/photos/{photo.pk}/").status_code == 200
