"""Activity records got a programme: a populated database keeps every row, each attributed to the
programme its community took part in on its date (or, without one, to a programme of its own)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from communities.models import Engagement, SafetyAssessment
from incidents.models import Incident
from negotiators.models import MediaMention, OutreachEvent
from programmes.models import Participation, Programme
from tests.api.test_migrations import latest, migrate, old_community
from training.models import TrainingSession

pytestmark = pytest.mark.migrations

BEFORE = [
    ("communities", "0003_api_models_move_to_api"),
    ("negotiators", "0005_contacts_encrypted"),
    ("training", "0001_initial"),
    ("incidents", "0003_parties_encrypted"),
    ("programmes", "0002_document"),
]
SCORES = {
    name: Decimal("3.00")
    for name in (
        "perceived_safety",
        "trust_in_police",
        "police_interaction",
        "cohesion",
        "stakeholder_communication",
        "inclusion",
        "infrastructure_safety",
    )
}


def _records(old, community, day: date) -> None:
    """One record of each of the six kinds in ``community`` (the media mention: without one)."""
    old.get_model("negotiators", "OutreachEvent").objects.create(
        community=community,
        kind="information_session",
        title="Old event",
        date=day,
        topic="housing",
        participants_total=5,
    )
    old.get_model("negotiators", "MediaMention").objects.create(
        outlet="Old outlet", medium="online", published_on=day, title="Old mention"
    )
    module = old.get_model("training", "TrainingModule").objects.create(
        code=f"M-{day.isoformat()}", title="Old module", level="basic", order=day.toordinal() % 1000, hours=8
    )
    old.get_model("training", "TrainingSession").objects.create(
        module=module, starts_on=day, ends_on=day, place="Old place", host_community=community
    )
    old.get_model("incidents", "Incident").objects.create(
        community=community,
        category="youth",
        occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        title="Old case",
    )
    old.get_model("communities", "Engagement").objects.create(
        community=community, mode="acute", topic="housing", starts_on=day
    )
    old.get_model("communities", "SafetyAssessment").objects.create(
        community=community, year=day.year, half=1, assessed_on=day, respondents=10, **SCORES
    )


MODELS = (OutreachEvent, MediaMention, TrainingSession, Incident, Engagement, SafetyAssessment)


@pytest.mark.django_db(transaction=True)
def test_records_of_a_portal_without_programmes_go_to_one_new_programme():
    try:
        old = migrate(BEFORE)
        _user, community = old_community(old)
        _records(old, community, date(2024, 3, 5))
        _records(old, community, date(2025, 7, 9))

        migrate(latest())

        main = Programme.objects.get()
        assert (main.code, main.starts_on, main.ends_on) == ("MAIN", date(2024, 3, 5), date(2025, 12, 31))
        assert list(Participation.objects.values_list("programme", "community", "joined_on")) == [
            (main.pk, community.pk, date(2024, 3, 5))
        ]
        for model in MODELS:
            assert list(model.objects.values_list("programme", flat=True)) == [main.pk, main.pk], model
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_records_go_to_the_programme_their_community_takes_part_in_on_their_date():
    try:
        old = migrate(BEFORE)
        _user, community = old_community(old)
        region = old.get_model("communities", "Region").objects.get()
        outsider = old.get_model("communities", "Community").objects.create(name="Outsider", region=region)
        programmes = old.get_model("programmes", "Programme").objects
        fields = {"implementing_organisation": "NGO", "countries": ["UA"], "currency": "UAH", "budget": 0}
        early = programmes.create(
            code="EARLY",
            name="Early",
            name_en="Early",
            starts_on=date(2023, 1, 1),
            ends_on=date(2026, 12, 31),
            **fields,
        )
        late = programmes.create(
            code="LATE", name="Late", name_en="Late", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), **fields
        )
        participations = old.get_model("programmes", "Participation").objects
        participations.create(programme=early, community=community, joined_on=date(2023, 1, 1))
        participations.create(programme=late, community=community, joined_on=date(2025, 1, 1))
        _records(old, community, date(2024, 3, 5))  # only EARLY then
        _records(old, community, date(2025, 7, 9))  # both: the most recently started
        _records(old, outsider, date(2025, 8, 1))  # none: MAIN, which it then takes part in

        migrate(latest())

        def attributed(model):
            return sorted(
                (str(day)[:10], code)
                for day, code in model.objects.values_list(
                    {
                        OutreachEvent: "date",
                        MediaMention: "published_on",
                        TrainingSession: "starts_on",
                        Incident: "occurred_at",
                        Engagement: "starts_on",
                        SafetyAssessment: "assessed_on",
                    }[model],
                    "programme__code",
                )
            )

        for model in (OutreachEvent, TrainingSession, Incident, Engagement, SafetyAssessment):
            assert attributed(model) == [("2024-03-05", "EARLY"), ("2025-07-09", "LATE"), ("2025-08-01", "MAIN")]
        # Without a community: the most recently started programme running that day.
        assert attributed(MediaMention) == [("2024-03-05", "EARLY"), ("2025-07-09", "LATE"), ("2025-08-01", "LATE")]
        main = Programme.objects.get(code="MAIN")
        assert (main.starts_on, main.ends_on) == (date(2025, 8, 1), date(2025, 12, 31))
        assert list(main.participations.values_list("community__name", "joined_on")) == [("Outsider", date(2025, 8, 1))]
        # Every record stays editable: its attribution passes the portal's own rules.
        for model in MODELS:
            for record in model.objects.all():
                record.full_clean()
    finally:
        migrate(latest())
