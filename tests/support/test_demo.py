"""The Czech demo engagement (seed 003, Obrnice) shows its activities and recommendations in the
admin, the API and the PDF, and the figures count them as the seeded rows say."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from communities.models import Engagement, EngagementMode, PartnerOrganisation
from programmes.models import Programme
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport
from reports.pdf import render_report_pdf
from reports.selectors import scope_communities
from reports.services import report_document
from support.models import Activity, Mediator, Recommendation
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.reports.helpers import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def systematic(demo_programme):
    return Engagement.objects.get(community__name="Obrnice", mode=EngagementMode.SYSTEMATIC)


def test_the_demo_fills_both_czech_engagements_on_all_four_lines(systematic):
    acute = Engagement.objects.get(community__name="Obrnice", mode=EngagementMode.ACUTE)
    lines = set(Activity.objects.filter(engagement__in=[acute, systematic]).values_list("line", flat=True))
    assert lines == {"communication", "process_mapping", "participation", "mediation"}
    assert systematic.follows == acute
    assert acute.events.count() == 1
    assert systematic.events.count() == 1
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert statuses == {"proposed", "in_progress", "implemented", "rejected"}
    mediators = Mediator.objects.filter(activities__step="mediation_session").distinct()
    assert mediators.count() == 3
    assert Mediator.objects.count() == 4


def test_the_admin_shows_the_engagements_activities_and_recommendations(systematic):
    client = Client()
    verified_login(client, get_user_model().objects.get(username="staff"))
    response = client.get(f"/admin/communities/engagement/{systematic.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zavést jedno kontaktní místo pro žádosti o bydlení" in page
    assert '<option value="process_map" selected>' in page  # a step in the activities' table
    assert "Rozhovory: vedoucí sociálního odboru" in page  # staff read the internal notes
    assert response.context["inline_admin_formsets"][-2].formset.total_form_count() == 13
    assert response.context["inline_admin_formsets"][-1].formset.total_form_count() == 5


def test_the_api_shows_them_to_the_czech_partner_without_names_or_notes(systematic):
    partner = PartnerOrganisation.objects.get(short_name="Inkluzivní obec")
    response = key_client(issue_key(partner)).get(f"/api/v1/engagements/{systematic.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["follows"] is not None
    assert len(body["events"]) == 1
    assert len(body["activities"]) == 13
    assert set(body["activities"][0]) == {"id", "line", "step", "date", "hours", "mediators"}
    session = next(row for row in body["activities"] if row["step"] == "mediation_session")
    assert (session["date"], session["mediators"]) == ("2025-02-25", 2)
    assert {row["status"] for row in body["recommendations"]} == {"proposed", "in_progress", "implemented", "rejected"}
    text = response.content.decode()
    for never in ("Nováková", "Kučera", "Šimková", "Gáborových", "@inkluzivniobec", "notes", "evidence"):
        assert never not in text


def test_the_pdf_shows_them(systematic):
    report = MonitoringReport(
        kind="annual", year=2025, scope="programme", language="en", programme=Programme.objects.get(code="OPV-CZ")
    )
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    assert "Support to municipalities" in text
    assert "Consultation on implementation" in text  # a step of 2025
    assert "Jmenovat mluvčí obce pro citlivá témata." in text
    assert "Nováková" not in text


def test_the_figures_count_the_demo_rows(demo_programme):
    czech = Programme.objects.get(code="OPV-CZ")
    document = compute_indicators(
        period=Period(2025), communities=scope_communities(scope="programme"), programme=czech
    )
    engagements = document["engagements"]
    # 2025: seven activities of the systematic engagement; 2024: ten acute ones and six systematic.
    assert (engagements["activities"]["current"], engagements["activities"]["previous"]) == (7, 16)
    assert engagements["activities"]["to_date"] == 23
    assert (engagements["mediation_sessions"]["current"], engagements["mediation_sessions"]["previous"]) == (1, 3)
    assert engagements["activities_by_line"]["mediation"]["activities"]["to_date"] == 6
    # Made in 2025: two; implemented: the published rules (March) and the meetings (October);
    # rejected: the 30-day limit (January). By the end of 2025: 4 implemented of 7 made less 1.
    assert engagements["recommendations_made"]["current"] == 2
    assert engagements["recommendations_implemented"]["current"] == 2
    assert engagements["recommendations_rejected"]["current"] == 1
    assert engagements["implementation_rate"]["current"] == round(4 / 6, 4)
    # By the end of 2024: made 5 (two acute, three systematic), implemented 2, none rejected yet.
    assert engagements["implementation_rate"]["previous"] == round(2 / 5, 4)
    rows = {row["mode"]: row for row in document["engagement_rows"]}
    assert set(rows) == {"systematic"}  # the acute one ended in 2024
    assert len(rows["systematic"]["activities"]) == 7
    assert len(rows["systematic"]["recommendations"]) == 5
