"""The rules of a programme and its rows, as the admin's forms and the services check them:
each a translated message naming the field; the database refuses what slips past."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from programmes.models import Participation, Programme
from tests.programmes.factories import (
    ConsortiumMemberFactory,
    ParticipationFactory,
    ProgrammeFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors_of(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_a_programme_ends_after_it_starts():
    programme = ProgrammeFactory.build(starts_on=date(2025, 1, 1), ends_on=date(2024, 12, 31))
    assert errors_of(programme)["ends_on"] == ["A programme ends after it starts."]


@pytest.mark.parametrize(
    ("countries", "message"),
    [
        ([], "This field cannot be blank."),
        ({"country": "UA"}, 'Give the countries as a list of codes, e.g. ["UA", "CZ"].'),
        (["UA", "PL"], "Unknown country codes: PL. Use UA, CZ, KZ, KG, UZ."),
        (["UA", "UA"], "A country is listed twice."),
    ],
)
def test_countries_are_a_list_of_known_codes(countries, message):
    assert errors_of(ProgrammeFactory.build(countries=countries))["countries"] == [message]


def test_several_countries_are_fine():
    ProgrammeFactory.build(code="VS-CA", countries=["KZ", "KG", "UZ"]).full_clean()


@pytest.mark.parametrize(("field", "value"), [("budget", Decimal("-1")), ("currency", "uah"), ("code", "ISN 2018")])
def test_budget_currency_and_code_are_checked(field, value):
    assert field in errors_of(ProgrammeFactory.build(**{field: value}))


def test_the_database_refuses_a_negative_budget_and_a_backward_period():
    for fields in ({"budget": Decimal("-5")}, {"ends_on": date(2023, 1, 1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgrammeFactory(**fields)


def test_a_tranche_is_never_negative():
    assert "amount" in errors_of(TrancheFactory.build(programme=ProgrammeFactory(), amount=Decimal("-10")))


def test_a_consortium_member_cannot_leave_before_it_joined():
    member = ConsortiumMemberFactory.build(
        programme=ProgrammeFactory(), partner=ConsortiumMemberFactory().partner, left_on=date(2023, 12, 1)
    )
    assert errors_of(member)["left_on"] == ["The leaving date is before the joining date."]


def test_a_participation_starts_and_ends_within_the_programme(community):
    programme = ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    early = Participation(programme=programme, community=community, joined_on=date(2023, 6, 1))
    assert errors_of(early)["joined_on"] == ["The programme runs from 2024-01-01 to 2024-12-31: join within it."]
    late = Participation(programme=programme, community=community, joined_on=date(2024, 6, 1), left_on=date(2025, 2, 1))
    assert errors_of(late)["left_on"] == ["The programme runs from 2024-01-01 to 2024-12-31: leave within it."]


def test_the_message_is_in_the_users_language(community):
    programme = ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    early = Participation(programme=programme, community=community, joined_on=date(2023, 6, 1))
    with translation.override("uk"):
        message = errors_of(early)["joined_on"][0]
    assert "2024-01-01" in message
    assert message != "The programme runs from 2024-01-01 to 2024-12-31: join within it."


def test_periods_of_one_community_in_one_programme_may_not_overlap(community):
    first = ParticipationFactory(community=community, joined_on=date(2024, 2, 1), left_on=date(2024, 8, 31))
    overlapping = Participation(programme=first.programme, community=community, joined_on=date(2024, 8, 1))
    assert errors_of(overlapping)["joined_on"] == [
        "This period overlaps another period of the same community in this programme."
    ]
    Participation(programme=first.programme, community=community, joined_on=date(2024, 9, 1)).full_clean()


def test_a_community_may_take_part_in_several_programmes_at_once(community):
    ParticipationFactory(community=community, joined_on=date(2024, 2, 1))
    elsewhere = Participation(programme=ProgrammeFactory(), community=community, joined_on=date(2024, 2, 1))
    elsewhere.full_clean()
    elsewhere.save()
    assert Programme.objects.filter(participations__community=community).count() == 2


def test_two_open_periods_are_refused_by_the_database(community):
    first = ParticipationFactory(community=community)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(programme=first.programme, community=community, joined_on=date(2025, 1, 1))
