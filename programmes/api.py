"""The collection of programmes: their donors, consortium and participating communities; the
budget and the tranches for NGO users only."""

from django.db.models import Prefetch
from rest_framework import serializers

from api.changes import Collection, Part, track, track_part
from api.serializers import AudienceSerializer
from api.viewsets import ReadOnlyCollection
from programmes.filters import ProgrammeFilter
from programmes.models import ConsortiumMember, Funding, Participation, Programme, Tranche
from programmes.selectors import visible_programmes

TIMESTAMPS = ("created_at", "updated_at")


class FundingSerializer(AudienceSerializer):
    name = serializers.CharField(source="donor.name", read_only=True)
    kind = serializers.CharField(source="donor.kind", read_only=True)
    country = serializers.CharField(source="donor.country", read_only=True)

    class Meta:
        model = Funding
        fields = ("donor", "name", "kind", "country", "instrument", "grant_reference", "amount")
        partner_fields = ("donor", "name", "kind", "country", "instrument", "grant_reference")


class ConsortiumMemberSerializer(AudienceSerializer):
    class Meta:
        model = ConsortiumMember
        fields = ("partner", "role", "joined_on", "left_on")
        partner_fields = fields


class ParticipationSerializer(AudienceSerializer):
    class Meta:
        model = Participation
        fields = ("community", "joined_on", "left_on")
        partner_fields = fields


class TrancheSerializer(AudienceSerializer):
    class Meta:
        model = Tranche
        fields = ("amount", "expected_on", "received_on", "condition")
        partner_fields = ()


class ProgrammeSerializer(AudienceSerializer):
    countries = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Country codes (UA, CZ, KZ, KG, UZ)."
    )
    donors = FundingSerializer(source="fundings", many=True, read_only=True)
    consortium = ConsortiumMemberSerializer(many=True, read_only=True)
    participations = ParticipationSerializer(
        many=True, read_only=True, help_text="The communities taking part, with their periods (left_on null: still)."
    )
    tranches = TrancheSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = (
            "id",
            "code",
            "name",
            "name_en",
            "implementing_organisation",
            "starts_on",
            "ends_on",
            "countries",
            "currency",
            "status",
            "donors",
            "consortium",
            "participations",
            "budget",
            "tranches",
            *TIMESTAMPS,
        )
        # Budget and tranches are the NGO's finances, not partners' business.
        partner_fields = tuple(name for name in fields if name not in ("budget", "tranches"))


class ProgrammeViewSet(ReadOnlyCollection):
    """Funded programmes with their donors, consortium and participating communities."""

    selector = visible_programmes
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter

    def optimise(self, queryset):
        return queryset.prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.select_related("donor").order_by("pk")),
            Prefetch("consortium", queryset=ConsortiumMember.objects.order_by("pk")),
            Prefetch("participations", queryset=Participation.objects.order_by("pk")),
            Prefetch("tranches", queryset=Tranche.objects.order_by("expected_on", "pk")),
        )


def track_changes() -> None:
    """Log the collection for the change feed (``api.changes``). A programme belongs to the
    communities taking part in it, and is seen by the members of its consortium whatever their
    communities; its funding, tranches, consortium and participations are part of it."""
    track(
        Collection(
            "programmes",
            Programme,
            ProgrammeViewSet,
            communities=("participations__community",),
            partners=("consortium__partner",),
        )
    )
    track_part(Part(Participation, parent="programme", communities=("community",)))
    track_part(Part(ConsortiumMember, parent="programme", communities=(), partners=("partner",)))
    track_part(Part(Funding, parent="programme", communities=()))
    track_part(Part(Tranche, parent="programme", communities=()))
