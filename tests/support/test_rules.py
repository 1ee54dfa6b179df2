"""The rules of activities, recommendations and the engagement's links."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from communities.models import EngagementMode
from support.models import LINE_OF_STEP, LINE_STEPS, Activity, Mediator, RecommendationStatus, ServiceLine, Step
from support.selectors import with_hours_delivered
from support.services import activity_save, recommendation_make, recommendation_move, recommendation_save
from tests.communities.factories import CommunityFactory, EngagementFactory
from tests.incidents.factories import IncidentFactory
from tests.support.factories import ActivityFactory, MediatorFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def test_every_step_belongs_to_exactly_one_line():
    assert set(LINE_OF_STEP) == set(Step.values)
    assert sum(len(steps) for steps in LINE_STEPS.values()) == len(Step.values)
    assert set(LINE_STEPS) == set(ServiceLine.values)


def test_a_step_of_another_line_is_refused():
    activity = ActivityFactory.build(engagement=EngagementFactory(), line=ServiceLine.MEDIATION, step=Step.SEMINAR)
    with pytest.raises(ValidationError) as error:
        activity.full_clean(exclude=["staff", "mediators", "events"])
    assert "step" in error.value.message_dict


def test_an_activity_outside_the_engagements_dates_is_refused():
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    activity = ActivityFactory.build(engagement=engagement, date=date(2025, 5, 2))
    with pytest.raises(ValidationError) as error:
        activity.full_clean(exclude=["staff", "mediators", "events"])
    assert "date" in error.value.message_dict


def test_hours_must_be_positive_in_the_database():
    with pytest.raises(IntegrityError):
        ActivityFactory(hours=Decimal("0"))


def test_an_activity_needs_someone_who_did_it(staff_user):
    activity = ActivityFactory.build(engagement=EngagementFactory())
    with pytest.raises(ValidationError) as error:
        activity_save(activity=activity, actor=staff_user, staff=[], mediators=[])
    assert "staff" in error.value.message_dict
    assert not Activity.objects.exists()


def test_an_activity_ticks_its_line_on_the_engagement(staff_user):
    engagement = EngagementFactory(line_mediation=False)
    activity = ActivityFactory.build(engagement=engagement, line=ServiceLine.MEDIATION, step=Step.MEDIATION_SESSION)
    activity_save(activity=activity, actor=staff_user, mediators=[MediatorFactory()])
    engagement.refresh_from_db()
    assert engagement.line_mediation is True
    assert activity.history.first().history_user == staff_user


def test_an_activity_event_must_be_in_the_engagements_community(staff_user):
    from tests.negotiators.factories import OutreachEventFactory

    engagement = EngagementFactory()
    elsewhere = OutreachEventFactory(community=CommunityFactory())
    activity = ActivityFactory.build(engagement=engagement)
    with pytest.raises(ValidationError) as error:
        activity_save(activity=activity, actor=staff_user, staff=[staff_user], events=[elsewhere])
    assert "events" in error.value.message_dict


def test_hours_delivered_are_counted_from_the_activities(staff_user):
    mediator, idle = MediatorFactory(), MediatorFactory()
    engagement = EngagementFactory()
    for hours in ("2.5", "1.5"):
        activity_save(
            activity=ActivityFactory.build(engagement=engagement, hours=Decimal(hours)),
            actor=staff_user,
            mediators=[mediator],
        )
    hours = dict(with_hours_delivered(Mediator.objects.all()).values_list("pk", "hours_delivered"))
    assert (hours[mediator.pk], hours[idle.pk]) == (Decimal("4.0"), Decimal("0"))


def test_a_recommendation_moves_along_its_life_cycle_and_logs_who(staff_user):
    engagement = EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    recommendation = recommendation_make(
        engagement=engagement,
        line=ServiceLine.PROCESS_MAPPING,
        text="Jedno kontaktní místo",
        made_on=date(2025, 4, 1),
        actor=staff_user,
    )
    recommendation_move(recommendation=recommendation, status="accepted", on=date(2025, 4, 10), actor=staff_user)
    recommendation_move(recommendation=recommendation, status="in_progress", on=date(2025, 5, 10), actor=staff_user)
    moved = recommendation_move(
        recommendation=recommendation,
        status="implemented",
        on=date(2025, 9, 1),
        evidence="Usnesení rady obce č. 12/2025",
        actor=staff_user,
    )
    assert (moved.status, moved.status_on) == (RecommendationStatus.IMPLEMENTED, date(2025, 9, 1))
    statuses = [row.status for row in moved.history.order_by("history_date")]
    assert statuses == ["proposed", "accepted", "in_progress", "implemented"]
    assert {row.history_user for row in moved.history.all()} == {staff_user}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("proposed", "implemented"),
        ("implemented", "in_progress"),
        ("rejected", "accepted"),
        ("in_progress", "proposed"),
    ],
)
def test_a_recommendation_cannot_skip_or_go_back(staff_user, start, target):
    recommendation = RecommendationFactory(status=start, evidence="Usnesení" if start == "implemented" else "")
    with pytest.raises(ValidationError) as error:
        recommendation_move(recommendation=recommendation, status=target, on=recommendation.status_on, actor=staff_user)
    assert "status" in error.value.message_dict


def test_implemented_needs_evidence_and_a_date_not_before_the_current_one(staff_user):
    recommendation = RecommendationFactory(status="accepted")
    with pytest.raises(ValidationError) as error:
        recommendation_move(
            recommendation=recommendation, status="implemented", on=recommendation.status_on, actor=staff_user
        )
    assert "evidence" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        recommendation_move(recommendation=recommendation, status="rejected", on=date(2000, 1, 1), actor=staff_user)
    assert "status_on" in error.value.message_dict


def test_editing_a_recommendation_does_not_change_its_status(staff_user):
    recommendation = RecommendationFactory()
    recommendation.status = RecommendationStatus.ACCEPTED
    with pytest.raises(ValidationError):
        recommendation_save(recommendation=recommendation, actor=staff_user)


@pytest.mark.parametrize("wrong", ["other community", "acute follower", "starts earlier"])
def test_a_systematic_engagement_follows_an_acute_one_of_the_same_community(wrong):
    acute = EngagementFactory(mode=EngagementMode.ACUTE, starts_on=date(2025, 1, 10), ends_on=date(2025, 3, 1))
    follower = EngagementFactory.build(
        community=acute.community,
        mode=EngagementMode.SYSTEMATIC,
        starts_on=date(2025, 3, 2),
        ends_on=date(2025, 12, 1),
        follows=acute,
    )
    follower.clean()
    if wrong == "other community":
        follower.community = CommunityFactory()
    elif wrong == "acute follower":
        follower.mode, follower.ends_on = EngagementMode.ACUTE, date(2025, 4, 1)
    else:
        follower.starts_on = date(2025, 1, 1)
    with pytest.raises(ValidationError) as error:
        follower.clean()
    assert "follows" in error.value.message_dict


def test_the_trigger_incident_is_of_the_same_community():
    engagement = EngagementFactory()
    engagement.trigger_incident = IncidentFactory(community=CommunityFactory())
    with pytest.raises(ValidationError) as error:
        engagement.clean()
    assert "trigger_incident" in error.value.message_dict
    engagement.trigger_incident = IncidentFactory(community=engagement.community)
    engagement.clean()


def test_the_existing_limits_of_an_engagement_stay():
    engagement = EngagementFactory.build(
        community=CommunityFactory(), mode=EngagementMode.ACUTE, starts_on=date(2025, 1, 1), ends_on=date(2025, 4, 15)
    )
    with pytest.raises(ValidationError) as error:
        engagement.clean()
    assert "ends_on" in error.value.message_dict
