"""Staff record an engagement's activities and move its recommendations on the engagement's page;
the roster shows the hours each mediator delivered."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from support.models import Activity, RecommendationStatus
from tests.accounts.support import verified_login
from tests.communities.factories import EngagementFactory
from tests.support.factories import ActivityFactory, MediatorFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user):
    client = Client()
    verified_login(client, staff_user)
    return client


def engagement_form(engagement, *, activities=(), recommendations=()) -> dict:
    data = {
        "community": engagement.community_id,
        "programme": engagement.programme_id,
        "partner": "",
        "mode": engagement.mode,
        "topic": engagement.topic,
        "starts_on": engagement.starts_on.isoformat(),
        "ends_on": engagement.ends_on.isoformat(),
        "trigger": "",
        "outcome": "",
        "activities-TOTAL_FORMS": len(activities),
        "activities-INITIAL_FORMS": sum(1 for row in activities if row.get("id")),
        "recommendations-TOTAL_FORMS": len(recommendations),
        "recommendations-INITIAL_FORMS": sum(1 for row in recommendations if row.get("id")),
    }
    for prefix, rows in (("activities", activities), ("recommendations", recommendations)):
        for index, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{index}-{field}"] = value
            data[f"{prefix}-{index}-engagement"] = engagement.pk
    return data


def test_staff_add_an_activity_on_the_engagements_page(staff_client, staff_user):
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1), line_mediation=False)
    mediator = MediatorFactory()
    activity = {
        "line": "mediation",
        "step": "mediation_session",
        "date": "2025-03-20",
        "hours": "2.5",
        "mediators": [mediator.pk],
        "notes": "Strany: paní Dušková a pan Bartoš.",
    }
    response = staff_client.post(
        f"/admin/communities/engagement/{engagement.pk}/change/", engagement_form(engagement, activities=[activity])
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][-2].formset.errors
    saved = Activity.objects.get(engagement=engagement)
    assert (saved.hours, list(saved.mediators.all())) == (Decimal("2.5"), [mediator])
    assert saved.history.first().history_user == staff_user
    engagement.refresh_from_db()
    assert engagement.line_mediation is True


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"step": "seminar"}, "step"),
        ({"date": "2025-06-01"}, "date"),
        ({"mediators": []}, "staff"),
        ({"hours": "0"}, "hours"),
    ],
)
def test_a_wrong_activity_is_refused_with_its_field_named(staff_client, change, error):
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    activity = {"line": "mediation", "step": "mediation_session", "date": "2025-03-20", "hours": "2"}
    activity |= {"mediators": [MediatorFactory().pk]} | change
    response = staff_client.post(
        f"/admin/communities/engagement/{engagement.pk}/change/", engagement_form(engagement, activities=[activity])
    )
    assert response.status_code == 200
    assert error in response.context["inline_admin_formsets"][-2].formset.errors[0]
    assert not Activity.objects.exists()


def test_staff_move_a_recommendation_and_the_history_says_who(staff_client, staff_user):
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    recommendation = RecommendationFactory(engagement=engagement, status="accepted", made_on=date(2025, 4, 1))
    row = {
        "id": recommendation.pk,
        "line": recommendation.line,
        "text": recommendation.text,
        "made_on": "2025-04-01",
        "status": "implemented",
        "status_on": "2025-09-15",
        "evidence": "Usnesení rady obce č. 45/2025",
    }
    response = staff_client.post(
        f"/admin/communities/engagement/{engagement.pk}/change/", engagement_form(engagement, recommendations=[row])
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.status_on) == (RecommendationStatus.IMPLEMENTED, date(2025, 9, 15))
    assert recommendation.history.first().history_user == staff_user


def test_a_recommendation_cannot_skip_a_step_in_the_admin(staff_client):
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    recommendation = RecommendationFactory(engagement=engagement, made_on=date(2025, 4, 1))
    row = {
        "id": recommendation.pk,
        "line": recommendation.line,
        "text": recommendation.text,
        "made_on": "2025-04-01",
        "status": "implemented",
        "status_on": "2025-09-15",
        "evidence": "Usnesení",
    }
    response = staff_client.post(
        f"/admin/communities/engagement/{engagement.pk}/change/", engagement_form(engagement, recommendations=[row])
    )
    assert response.status_code == 200
    assert "status" in response.context["inline_admin_formsets"][-1].formset.errors[0]
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.PROPOSED


def test_the_roster_shows_the_hours_delivered(staff_client):
    mediator = MediatorFactory(person__full_name="Mgr. Lucie Nováková")
    for hours in ("2.5", "3"):
        ActivityFactory(hours=Decimal(hours)).mediators.add(mediator)
    page = staff_client.get("/admin/support/mediator/").content.decode()
    assert "Mgr. Lucie Nováková" in page
    assert "5,5" in page or "5.5" in page
