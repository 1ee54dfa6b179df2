from datetime import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from incidents.models import Incident, IncidentCategory
from tests.communities.factories import CommunityFactory, programme_of


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    community = factory.SubFactory(CommunityFactory)
    category = IncidentCategory.NEIGHBOUR_DISPUTE
    occurred_at = datetime(2025, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    title = factory.Sequence(lambda n: f"Спір сусідів {n}")
    programme = factory.LazyAttribute(lambda o: programme_of(_day(o.occurred_at), o.community))


def _day(moment: datetime | str):
    """The local day of ``moment`` (tests give it as a datetime or an ISO string)."""
    return timezone.localdate(parse_datetime(moment) if isinstance(moment, str) else moment)
