"""The services: every write validated, the programme counted as changed for the API's sync when
its rows change, and a programme with communities never deleted."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import translation

from api.models import Change
from programmes.models import Funding, Programme, Tranche
from programmes.services import (
    consortium_member_add,
    consortium_member_remove,
    donor_save,
    funding_add,
    participation_end,
    participation_start,
    programme_delete,
    programme_save,
    tranche_add,
)
from tests.communities.factories import PartnerOrganisationFactory
from tests.programmes.factories import DonorFactory, ParticipationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_programme_with_participating_communities_is_not_deleted(community):
    participation = ParticipationFactory(community=community)
    programme = participation.programme
    with pytest.raises(ValidationError) as caught:
        programme_delete(programme=programme)
    assert caught.value.messages == [
        f"{programme.code} has participating communities: remove their participation first."
    ]
    with pytest.raises(ProtectedError):
        programme.delete()
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_a_programme_without_communities_goes_with_its_funding_and_tranches():
    programme = ProgrammeFactory()
    funding_add(programme=programme, donor=DonorFactory(), instrument="grant", grant_reference="G-1")
    tranche_add(programme=programme, amount=Decimal("1000"), expected_on=date(2024, 5, 1))
    programme_delete(programme=programme)
    assert not Funding.objects.exists()
    assert not Tranche.objects.exists()


def test_new_dates_must_still_hold_the_participations(community):
    participation = ParticipationFactory(community=community, joined_on=date(2024, 2, 1))
    programme = participation.programme
    programme.starts_on = date(2024, 6, 1)
    with pytest.raises(ValidationError) as caught:
        programme_save(programme=programme)
    assert "starts_on" in caught.value.message_dict
    programme.refresh_from_db()
    assert programme.starts_on == date(2024, 1, 1)


def test_a_participation_outside_the_programme_is_refused_naming_the_field(community):
    programme = ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    with pytest.raises(ValidationError) as caught:
        participation_start(programme=programme, community=community, joined_on=date(2025, 1, 10))
    assert list(caught.value.message_dict) == ["joined_on"]


def test_ending_a_participation_checks_the_date(community):
    participation = participation_start(programme=ProgrammeFactory(), community=community, joined_on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as caught:
        participation_end(participation=participation, left_on=date(2024, 2, 1))
    assert list(caught.value.message_dict) == ["left_on"]
    participation_end(participation=participation, left_on=date(2024, 9, 30))
    participation.refresh_from_db()
    assert participation.left_on == date(2024, 9, 30)


def test_a_partner_is_in_a_consortium_once():
    programme, partner = ProgrammeFactory(), PartnerOrganisationFactory()
    consortium_member_add(programme=programme, partner=partner, joined_on=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        consortium_member_add(programme=programme, partner=partner, joined_on=date(2024, 6, 1))


def test_writes_to_a_programmes_rows_count_the_programme_as_changed(community):
    programme = ProgrammeFactory()
    Programme.objects.filter(pk=programme.pk).update(updated_at=programme.created_at)
    before = Programme.objects.get(pk=programme.pk).updated_at
    changes = Change.objects.filter(collection="programmes", object_id=programme.pk).count()
    member = consortium_member_add(
        programme=programme, partner=PartnerOrganisationFactory(), joined_on=date(2024, 1, 1)
    )
    consortium_member_remove(member=member)
    participation_start(programme=programme, community=community, joined_on=date(2024, 5, 1))
    assert Programme.objects.get(pk=programme.pk).updated_at > before
    assert Change.objects.filter(collection="programmes", object_id=programme.pk).count() >= changes + 3


def test_renaming_a_donor_counts_its_programmes_as_changed():
    programme = ProgrammeFactory()
    donor = DonorFactory()
    funding_add(programme=programme, donor=donor, instrument="grant")
    seen = Change.objects.filter(collection="programmes", object_id=programme.pk).count()
    donor.name = "Міжнародний фонд «Відродження»"
    donor_save(donor=donor)
    assert Change.objects.filter(collection="programmes", object_id=programme.pk).count() == seen + 1
