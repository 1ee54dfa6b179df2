"""The collections of safety planning: analyses (with their risks, resources and stakeholders),
plans (with their measures and status log), initiatives and regulations. Partners see no user,
no stakeholder's name, no note on a status change and no internal evidence."""

from typing import Any

from django.db.models import Prefetch, signals
from rest_framework import serializers

from api.changes import Collection, Part, touch, track, track_part
from api.serializers import AudienceSerializer, CommunityNameField, RegionIdField
from api.viewsets import ReadOnlyCollection, with_community
from incidents.models import Incident
from planning.filters import AnalysisFilter, InitiativeFilter, PlanFilter, RegulationFilter
from planning.models import (
    Analysis,
    Initiative,
    Measure,
    Plan,
    PlanStatusChange,
    Regulation,
    Resource,
    Risk,
    Stakeholder,
)
from planning.selectors import visible_analyses, visible_initiatives, visible_plans, visible_regulations

TIMESTAMPS = ("created_at", "updated_at")


class RiskSerializer(AudienceSerializer):
    score = serializers.IntegerField(read_only=True, help_text="Likelihood times impact, 1 to 25.")
    incidents = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Linked incidents, by id.")  # type: ignore[var-annotated]

    class Meta:
        model = Risk
        fields = (
            "id",
            "category",
            "description",
            "likelihood",
            "impact",
            "score",
            "trend",
            "groups_affected",
            "incidents",
        )
        partner_fields = fields


class ResourceSerializer(AudienceSerializer):
    class Meta:
        model = Resource
        fields = ("id", "kind", "description", "held_by")
        partner_fields = ("id", "kind", "description")


class StakeholderSerializer(AudienceSerializer):
    class Meta:
        model = Stakeholder
        fields = ("id", "kind", "name", "influence", "interest")
        partner_fields = ("id", "kind", "influence", "interest")


class AnalysisSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()
    risks = RiskSerializer(many=True, read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)
    stakeholders = StakeholderSerializer(many=True, read_only=True)

    class Meta:
        model = Analysis
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "analysed_on",
            "conflict_potential",
            "conflict_needs",
            "summary",
            "risks",
            "resources",
            "stakeholders",
            *TIMESTAMPS,
        )
        partner_fields = fields


class MeasureSerializer(AudienceSerializer):
    class Meta:
        model = Measure
        fields = (
            "id",
            "title",
            "risk",
            "responsible",
            "budget",
            "currency",
            "budget_source",
            "due_on",
            "status",
            "done_on",
            "evidence",
            "evidence_link",
        )
        partner_fields = (
            "id",
            "title",
            "risk",
            "responsible",
            "budget",
            "currency",
            "budget_source",
            "due_on",
            "status",
            "done_on",
        )


class PlanStatusChangeSerializer(AudienceSerializer):
    class Meta:
        model = PlanStatusChange
        fields = ("from_status", "to_status", "at")
        partner_fields = fields


class PlanSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()
    measures = MeasureSerializer(many=True, read_only=True)
    status_changes = PlanStatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "analysis",
            "adopted_by",
            "adopted_on",
            "decision_number",
            "document",
            "measures",
            "status_changes",
            *TIMESTAMPS,
        )
        partner_fields = fields


class InitiativeSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()

    class Meta:
        model = Initiative
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "title",
            "description",
            "started_on",
            "status",
            "run_by",
            "negotiator",
            *TIMESTAMPS,
        )
        partner_fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "title",
            "description",
            "started_on",
            "status",
            "run_by",
            *TIMESTAMPS,
        )


class RegulationSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()

    class Meta:
        model = Regulation
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "title",
            "kind",
            "adopted_by",
            "adopted_on",
            "number",
            "document",
            *TIMESTAMPS,
        )
        partner_fields = fields


class AnalysisViewSet(ReadOnlyCollection):
    """Risk and potential analyses of communities: risks on a likelihood × impact matrix (1 to 5
    each), resources, stakeholders (by kind, influence and interest) and the conflict potential
    (1 calm to 5 open conflict likely)."""

    selector = visible_analyses
    serializer_class = AnalysisSerializer
    filterset_class = AnalysisFilter

    def optimise(self, queryset):
        return with_community(queryset).prefetch_related(
            Prefetch("risks", queryset=Risk.objects.order_by("pk").prefetch_related("incidents")),
            Prefetch("resources", queryset=Resource.objects.order_by("pk")),
            Prefetch("stakeholders", queryset=Stakeholder.objects.order_by("pk")),
        )


class PlanViewSet(ReadOnlyCollection):
    """Community strategies and plans with their life cycle (draft, public consultation, submitted,
    adopted, in implementation, evaluated or expired), the council's decision and their measures."""

    selector = visible_plans
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def optimise(self, queryset):
        return with_community(queryset).prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("due_on", "pk")),
            Prefetch("status_changes", queryset=PlanStatusChange.objects.order_by("at", "pk")),
        )


class InitiativeViewSet(ReadOnlyCollection):
    """Community safety initiatives the communities run themselves."""

    selector = visible_initiatives
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter

    def optimise(self, queryset):
        return with_community(queryset)


class RegulationViewSet(ReadOnlyCollection):
    """Regulations local bodies adopted, e.g. the social negotiator's status."""

    selector = visible_regulations
    serializer_class = RegulationSerializer
    filterset_class = RegulationFilter

    def optimise(self, queryset):
        return with_community(queryset)


def track_changes() -> None:
    """Log this app's collections for the change feed (``api.changes``)."""
    track(Collection("analyses", Analysis, AnalysisViewSet))
    track(Collection("plans", Plan, PlanViewSet))
    track(Collection("initiatives", Initiative, InitiativeViewSet))
    track(Collection("regulations", Regulation, RegulationViewSet))
    # An analysis's risks, resources and stakeholders, a plan's measures and status log are part
    # of it.
    for of_analysis in (Risk, Resource, Stakeholder):
        track_part(Part(of_analysis, parent="analysis", communities=("analysis__community",)))
    for of_plan in (Measure, PlanStatusChange):
        track_part(Part(of_plan, parent="plan", communities=("plan__community",)))
    # A risk's linked incidents are part of its analysis: linking one, or deleting a linked
    # incident (which drops the link without a signal of its own), changes the analysis.
    signals.m2m_changed.connect(
        _risk_incidents_changed, sender=Risk.incidents.through, dispatch_uid="changes:risk-incidents"
    )
    signals.pre_delete.connect(_linked_incident_deleted, sender=Incident, dispatch_uid="changes:risk-incident-deleted")


def _risk_incidents_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        # From the incident's side: the analyses of the risks it was linked to or unlinked from.
        risks = Risk.objects.filter(pk__in=pk_set) if pk_set else Risk.objects.filter(incidents=instance)
        touch(Analysis, risks.values_list("analysis_id", flat=True))
    else:
        touch(Analysis, [instance.analysis_id])


def _linked_incident_deleted(sender: Any, instance: Incident, **kwargs: Any) -> None:
    touch(Analysis, Risk.objects.filter(incidents=instance).values_list("analysis_id", flat=True))
