"""The collections of this app: regions, communities, partners, assessments, engagements."""

from typing import Any

from django.db.models import Prefetch
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.changes import Collection, Part, track, track_part
from api.principal import Audience, viewer_for
from api.serializers import AudienceSerializer, CommunityNameField, RegionIdField
from api.viewsets import ReadOnlyCollection, with_community
from communities.filters import (
    CommunityFilter,
    EngagementFilter,
    PartnerOrganisationFilter,
    RegionFilter,
    SafetyAssessmentFilter,
)
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    FIRST_INSTRUMENT,
    AssessmentScore,
    Community,
    Engagement,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
)
from communities.selectors import (
    visible_assessments,
    visible_communities,
    visible_engagements,
    visible_partners,
    visible_regions,
    with_partnership_state,
)

TIMESTAMPS = ("created_at", "updated_at")


class RegionSerializer(AudienceSerializer):
    class Meta:
        model = Region
        fields = ("id", "name", "country", *TIMESTAMPS)
        partner_fields = fields


class PartnershipSerializer(AudienceSerializer):
    class Meta:
        model = Partnership
        fields = ("joined_on", "left_on", "leave_reason", "note")
        partner_fields = ("joined_on", "left_on", "leave_reason")


class CommunitySerializer(AudienceSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    country = serializers.CharField(source="region.country", read_only=True)
    is_partner = serializers.BooleanField(read_only=True, help_text="Has an open partnership today.")
    partnerships = PartnershipSerializer(many=True, read_only=True)

    class Meta:
        model = Community
        fields = (
            "id",
            "name",
            "region",
            "region_name",
            "country",
            "kind",
            "population",
            "latitude",
            "longitude",
            "is_partner",
            "partnerships",
            *TIMESTAMPS,
        )
        partner_fields = fields


class PartnerOrganisationSerializer(AudienceSerializer):
    communities = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Communities covered, by id.")  # type: ignore[var-annotated]

    class Meta:
        model = PartnerOrganisation
        fields = ("id", "name", "short_name", "country", "website", "is_active", "communities", *TIMESTAMPS)
        partner_fields = fields


def _scores_by_code(assessment: SafetyAssessment) -> dict[str, Any]:
    # From the prefetched scores (SafetyAssessmentViewSet.optimise): no query per row.
    return {score.dimension.code: score.value for score in assessment.scores.all()}


class FirstInstrumentScoreField(serializers.DecimalField):
    """One of the seven scores of the first instrument (1 to 5), as before instruments existed;
    ``null`` for an assessment made with another instrument (see ``scores``)."""

    def __init__(self, code: str, **kwargs: Any) -> None:
        self.code = code
        kwargs.update(source="*", read_only=True, allow_null=True, max_digits=5, decimal_places=2)
        kwargs.setdefault("help_text", "First instrument only (1 to 5); null for another instrument.")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        instrument = value.instrument
        if (instrument.code, instrument.version) != FIRST_INSTRUMENT:
            return None
        score = _scores_by_code(value).get(self.code)
        return None if score is None else super().to_representation(score)


class InstrumentReferenceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class AssessmentScoreSerializer(serializers.Serializer[Any]):
    dimension = serializers.CharField(source="dimension.code", read_only=True, help_text="The dimension's code.")
    group = serializers.CharField(source="dimension.group", read_only=True)
    value = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    scale_min = serializers.DecimalField(source="dimension.scale_min", max_digits=5, decimal_places=2, read_only=True)
    scale_max = serializers.DecimalField(source="dimension.scale_max", max_digits=5, decimal_places=2, read_only=True)
    direction = serializers.CharField(source="dimension.direction", read_only=True, help_text="higher or lower.")


class SafetyAssessmentSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()
    period = serializers.SerializerMethodField(help_text="The half-year assessed, e.g. 2025-H1.")
    instrument = InstrumentReferenceSerializer(read_only=True, help_text="The instrument (code and version).")
    scores = AssessmentScoreSerializer(many=True, read_only=True, help_text="A score per dimension, on its scale.")
    perceived_safety = FirstInstrumentScoreField("perceived_safety")
    trust_in_police = FirstInstrumentScoreField("trust_in_police")
    police_interaction = FirstInstrumentScoreField("police_interaction")
    cohesion = FirstInstrumentScoreField("cohesion")
    stakeholder_communication = FirstInstrumentScoreField("stakeholder_communication")
    inclusion = FirstInstrumentScoreField("inclusion")
    infrastructure_safety = FirstInstrumentScoreField("infrastructure_safety")

    class Meta:
        model = SafetyAssessment
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "year",
            "half",
            "period",
            "assessed_on",
            "respondents",
            "instrument",
            *ASSESSMENT_DIMENSIONS,
            "scores",
            "identified_risks",
            "safety_resources",
            "method",
            *TIMESTAMPS,
        )
        partner_fields = fields

    def get_period(self, assessment) -> str:
        return f"{assessment.year}-H{assessment.half}"


class EngagementSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()
    partner = serializers.SerializerMethodField(
        help_text="The partner organisation that led it; for partners, only when it is their own."
    )

    class Meta:
        model = Engagement
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "partner",
            "mode",
            "topic",
            "starts_on",
            "ends_on",
            "trigger",
            "line_communication",
            "line_process_mapping",
            "line_participation",
            "line_mediation",
            "outcome",
            "trigger_incident",
            "follows",
            "events",
            *TIMESTAMPS,
        )
        partner_fields = fields
        extra_kwargs = {
            "trigger_incident": {"help_text": "The incident (by id) that led to an acute engagement."},
            "follows": {"help_text": "The acute engagement (by id) a systematic one grew out of."},
            "events": {"help_text": "The events of the engagement, by id."},
        }

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_partner(self, engagement) -> int | None:
        # Partners see nothing of each other: another organisation's engagement shows no partner.
        if self.context.get("audience") != Audience.PARTNER:
            return engagement.partner_id
        return engagement.partner_id if engagement.partner_id in self._own_partner_ids else None

    @cached_property
    def _own_partner_ids(self) -> set[int]:
        # The organisation of the key, or those the session user is a member of: once a request.
        return set(visible_partners(viewer_for(self.context["request"])).values_list("pk", flat=True))


class RegionViewSet(ReadOnlyCollection):
    """Regions (oblast, kraj, province) of the communities you can see."""

    selector = visible_regions
    serializer_class = RegionSerializer
    filterset_class = RegionFilter


class CommunityViewSet(ReadOnlyCollection):
    """Communities (hromada, obec, mahalla) with their partnership history."""

    selector = visible_communities
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilter

    def optimise(self, queryset):
        return with_partnership_state(queryset).select_related("region").prefetch_related("partnerships")


class PartnerOrganisationViewSet(ReadOnlyCollection):
    """Partner organisations of the network; a partner sees only itself."""

    selector = visible_partners
    serializer_class = PartnerOrganisationSerializer
    filterset_class = PartnerOrganisationFilter

    def optimise(self, queryset):
        # By id: a list that followed the communities' names would change with a rename.
        return queryset.prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("pk")))


class SafetyAssessmentViewSet(ReadOnlyCollection):
    """Half-yearly safety assessments with an instrument: a score per dimension, on the
    dimension's scale (the first instrument's seven also as fields, 1 worst to 5 best)."""

    selector = visible_assessments
    serializer_class = SafetyAssessmentSerializer
    filterset_class = SafetyAssessmentFilter

    def optimise(self, queryset):
        scores = AssessmentScore.objects.select_related("dimension").order_by("dimension__position", "dimension__code")
        return with_community(queryset).select_related("instrument").prefetch_related(Prefetch("scores", scores))


class EngagementViewSet(ReadOnlyCollection):
    """Support engagements with municipalities: acute communication or systematic cooperation."""

    selector = visible_engagements
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter

    def optimise(self, queryset):
        # The events by id, in id order: a list that followed their dates would move with an edit.
        events = Prefetch("events", queryset=Engagement._meta.get_field("events").related_model.objects.order_by("pk"))
        return with_community(queryset).prefetch_related(events)


def track_changes() -> None:
    """Log this app's collections for the change feed (``api.changes``)."""
    track(Collection("regions", Region, RegionViewSet, communities=("communities",)))
    track(Collection("communities", Community, CommunityViewSet, communities=("pk",)))
    track(
        Collection(
            "partners",
            PartnerOrganisation,
            PartnerOrganisationViewSet,
            communities=(),
            own_partner=True,
            coverage="communities",
        )
    )
    track(Collection("assessments", SafetyAssessment, SafetyAssessmentViewSet))
    # An assessment's scores are part of it.
    track_part(Part(AssessmentScore, parent="assessment", communities=("assessment__community",)))
    track(Collection("engagements", Engagement, EngagementViewSet))
    # A community's partnerships are part of it; a community is part of its region's scope.
    track_part(Part(Partnership, parent="community", communities=("community",)))
    track_part(Part(Community, parent="region", communities=("pk",), scope_only=True))
