from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from incidents.models import Incident, IncidentCategory
from tests.communities.factories import CommunityFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    community = factory.SubFactory(CommunityFactory)
    category = IncidentCategory.NEIGHBOUR_DISPUTE
    occurred_at = datetime(2025, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    title = factory.Sequence(lambda n: f"Спір сусідів {n}")
