"""What every read serializer of the API shares: partners see only the fields a serializer lists
in ``Meta.partner_fields``, so a field added later stays internal until someone decides to share
it."""

from rest_framework import serializers

from communities.api.principal import Audience


class AudienceSerializer(serializers.ModelSerializer):
    """A ``ModelSerializer`` whose fields depend on who reads.

    ``Meta.partner_fields`` names the fields partner organisations may see; the others (personal
    data, internal notes, user links) are only for NGO users. The audience comes from the
    serializer context (set by :class:`~communities.api.viewsets.ScopedViewSet`); without one, as
    when the schema is generated, every field is shown.
    """

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Read serializers only (writes have input serializers that call a service): every
            # field is read-only, which the schema shows as always present. Set here rather than
            # through extra_kwargs, which would drop allow_blank and with it the blank choice.
            field.read_only, field.required = True, False
        if self.context.get("audience") == Audience.PARTNER:
            shared = set(self.Meta.partner_fields)
            return {name: field for name, field in fields.items() if name in shared}
        return fields


class CommunityNameField(serializers.CharField):
    """The name of the record's community (``source`` defaults to ``community.name``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "community.name")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class RegionIdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("source", "community.region_id")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
