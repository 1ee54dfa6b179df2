"""The API's read serializers render exactly what DRF's own ``to_representation`` would, for both
audiences, on every record of the demo programme (the fast reading plan is an optimisation, not a
second definition of the output); and partner fields name only real fields."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from access.viewer import Viewer, remember_viewer
from api.principal import Audience
from api.serializers import AudienceSerializer
from communities.models import PartnerOrganisation
from config.api_urls import COLLECTIONS

pytestmark = pytest.mark.django_db


def all_serializers(base=AudienceSerializer):
    for subclass in base.__subclasses__():
        yield subclass
        yield from all_serializers(subclass)


def drf_representation(serializer, instance):
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.mark.parametrize("serializer_class", list(all_serializers()), ids=lambda cls: cls.__name__)
def test_partner_fields_are_fields_of_the_serializer(serializer_class):
    assert set(serializer_class.Meta.partner_fields) <= set(serializer_class.Meta.fields)


def test_the_fast_rendering_is_drfs_rendering(demo_programme):
    partner = PartnerOrganisation.objects.order_by("pk").first()
    request = APIRequestFactory().get("/api/v1/")
    remember_viewer(request, Viewer.for_partner(partner))
    staff = Viewer.for_user(get_user_model().objects.get(username="staff"))
    # The querysets the API itself reads (with their annotations and prefetches), else all rows.
    querysets = {
        viewset.serializer_class: viewset().optimise(viewset.selector(staff)) for _prefix, viewset, _ in COLLECTIONS
    }
    compared = 0
    for serializer_class in all_serializers():
        queryset = querysets.get(serializer_class, serializer_class.Meta.model.objects.all())
        for audience in Audience:
            context = {"audience": audience, "request": request}
            for instance in queryset[:60]:
                serializer = serializer_class(context=context)
                assert serializer.to_representation(instance) == drf_representation(serializer, instance), (
                    serializer_class.__name__,
                    audience,
                    instance.pk,
                )
                compared += 1
    assert compared > 800
