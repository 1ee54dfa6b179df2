from datetime import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from incidents.models import Incident, IncidentCategory
from tests.communities.factories import CommunityFactory, programme_of


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    community = factory.SubFactory(CommunityFactory)
    category = IncidentCategory.NEIGHBOUR_DISPUTE
    occurred_at = datetime(2025, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    title = factory.Sequence(lambda n: f"Спір сусідів {n}")
    programme = factory.LazyAttribute(lambda o: programme_of(timezone.localdate(o.occurred_at), o.community))
