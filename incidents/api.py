"""The API's collection of incidents, with their action log and workflow.

Parties (``IncidentParty``) have no read serializer: they never leave the portal. For partner
organisations an incident is generalised to its community: no description, place or coordinates,
only the community's own location. Writes go through ``incidents.services``.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from access.capabilities import Capability
from api.changes import Collection, track
from api.principal import viewer_for
from api.serializers import (
    ACCURACY_HELP,
    LOCATION_HELP,
    AudienceSerializer,
    CommunityNameField,
    PhoneLocationField,
    PhonePositionInput,
    RegionIdField,
)
from api.viewsets import ReadOnlyCollection, stable_order, with_community
from communities.models import Community
from communities.selectors import writable_communities
from incidents.filters import IncidentFilter
from incidents.models import (
    MANUAL_ACTION_KINDS,
    PARTY_AGE_GROUPS,
    PARTY_VULNERABLE_GROUPS,
    Incident,
    IncidentAction,
    IncidentCategory,
    IncidentStatus,
    PartyRole,
    ReportSource,
    ResponseMode,
    Severity,
)
from incidents.selectors import visible_incidents
from incidents.services import incident_action_add, incident_report, incident_transition
from negotiators.models import Negotiator
from negotiators.selectors import visible_negotiators
from privacy.categories import Sex
from programmes.models import Programme
from programmes.selectors import visible_programmes

TIMESTAMPS = ("created_at", "updated_at")
# The phone's position (latitude, longitude, location_accuracy_m) is among them: partners get the
# community's location instead.
INTERNAL_FIELDS = (
    "description",
    "location",
    "latitude",
    "longitude",
    "location_accuracy_m",
    "internal_notes",
    "created_by",
)


class IncidentSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text="As typed; or, when reported without one, the category in the language of Accept-Language.",
    )
    region = RegionIdField()
    community_latitude = serializers.FloatField(
        source="community.latitude",
        read_only=True,
        allow_null=True,
        help_text="Where it happened, generalised to the community.",
    )
    community_longitude = serializers.FloatField(source="community.longitude", read_only=True, allow_null=True)
    latitude = PhoneLocationField("latitude", help_text=LOCATION_HELP)
    longitude = PhoneLocationField("longitude", help_text=LOCATION_HELP)
    location_accuracy_m = PhoneLocationField("accuracy_m", help_text=ACCURACY_HELP)

    class Meta:
        model = Incident
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "community_latitude",
            "community_longitude",
            "category",
            "severity",
            "status",
            "response_mode",
            "referred_to",
            "occurred_at",
            "closed_at",
            "title",
            "source",
            "police_involved",
            "negotiator",
            *INTERNAL_FIELDS,
            *TIMESTAMPS,
        )
        partner_fields = tuple(name for name in fields if name not in INTERNAL_FIELDS)


class IncidentActionSerializer(AudienceSerializer):
    class Meta:
        model = IncidentAction
        fields = (
            "id",
            "incident",
            "kind",
            "performed_at",
            "from_status",
            "to_status",
            "description",
            "actor",
            "created_at",
            "updated_at",
        )
        # What was done may name people; who did it is a user account.
        partner_fields = tuple(name for name in fields if name not in ("description", "actor"))


class PartySerializer(serializers.Serializer):
    """A person involved. Write-only: parties are personal data and never come back out."""

    role = serializers.ChoiceField(choices=PartyRole.choices)
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=32, allow_blank=True, default="")
    is_minor = serializers.BooleanField(default=False)
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True, default="", help_text="Blank: not recorded.")
    age_group = serializers.ChoiceField(
        choices=PARTY_AGE_GROUPS, allow_blank=True, default="", help_text="Blank: not recorded."
    )
    vulnerable_group = serializers.ChoiceField(
        choices=PARTY_VULNERABLE_GROUPS, allow_blank=True, default="", help_text="Blank: not recorded."
    )
    notes = serializers.CharField(allow_blank=True, default="")


class IncidentReportSerializer(PhonePositionInput):
    """A new case, reported in a community the caller may log in."""

    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.none())
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    occurred_at = serializers.DateTimeField()
    title = serializers.CharField(max_length=200, help_text="Short and without names: it is shared with partners.")
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    description = serializers.CharField(allow_blank=True, default="")
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=ReportSource.choices, default=ReportSource.RESIDENT)  # type: ignore[assignment]
    police_involved = serializers.BooleanField(default=False)
    negotiator = serializers.PrimaryKeyRelatedField(
        queryset=Negotiator.objects.none(),
        allow_null=True,
        default=None,
        help_text="The negotiator in charge; default: you, if you are a negotiator of the community.",
    )
    internal_notes = serializers.CharField(allow_blank=True, default="")
    parties = PartySerializer(many=True, default=list)
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(),
        allow_null=True,
        default=None,
        help_text="The programme it belongs to; default: the one the community takes part in on that date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        viewer = viewer_for(request) if request is not None else None
        if viewer is not None:
            self.fields["community"].queryset = writable_communities(viewer)
            self.fields["negotiator"].queryset = visible_negotiators(viewer)
            self.fields["programme"].queryset = visible_programmes(viewer)


PERFORMED_AT_HELP = "Default: now. Neither before the incident happened nor in the future."


class IncidentActionAddSerializer(serializers.Serializer):
    """Something done on a case that does not change its status: a meeting, a call, a note."""

    kind = serializers.ChoiceField(choices=MANUAL_ACTION_KINDS)
    description = serializers.CharField(allow_blank=True, default="")
    performed_at = serializers.DateTimeField(allow_null=True, default=None, help_text=PERFORMED_AT_HELP)


class IncidentTransitionSerializer(serializers.Serializer):
    """Move a case along its workflow: reported → in progress → resolved or closed unresolved; a
    closed case may be reopened (back to in progress). Referring a case is no move: it gets a
    referral (``referrals/``) and stays open."""

    to_status = serializers.ChoiceField(choices=IncidentStatus.choices)
    note = serializers.CharField(allow_blank=True, default="")
    response_mode = serializers.ChoiceField(choices=ResponseMode.choices, allow_blank=True, default="")
    performed_at = serializers.DateTimeField(allow_null=True, default=None, help_text=PERFORMED_AT_HELP)


class IncidentViewSet(ReadOnlyCollection):
    """Safety incidents (cases) with their workflow. For partner organisations they are
    generalised to the community: no description, place, coordinates or notes. Negotiators (in
    their community) and staff report cases, log actions and move them along the workflow."""

    selector = visible_incidents
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    paginated_actions: tuple[str, ...] = ("list", "actions")
    write_capability = Capability.LOGS_RECORDS

    def get_serializer_class(self):
        if self.action == "create":
            return IncidentReportSerializer
        if self.action == "transition":
            return IncidentTransitionSerializer
        if self.action == "actions":
            return IncidentActionAddSerializer if self.request.method == "POST" else IncidentActionSerializer
        return IncidentSerializer

    def optimise(self, queryset):
        return with_community(queryset)

    def _read(self, serializer_class, instance, **kwargs):
        return serializer_class(instance, context=self.get_serializer_context(), **kwargs).data

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def create(self, request, *args, **kwargs):
        def write(data):
            incident = incident_report(actor=self.viewer.user, **data)
            return 201, self._read(IncidentSerializer, incident)

        return self.respond_once(request, write)

    @extend_schema(methods=["GET"], responses=IncidentActionSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=IncidentActionAddSerializer, responses={201: IncidentActionSerializer})
    @action(detail=True, methods=["get", "post"])
    def actions(self, request, *args, **kwargs):
        """The case's log (GET), or log an action that does not change its status (POST)."""
        incident = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(stable_order(incident.actions.all()))
            return self.get_paginated_response(self._read(IncidentActionSerializer, page, many=True))

        def write(data):
            logged = incident_action_add(incident=incident, actor=self.viewer.user, **data)
            return 201, self._read(IncidentActionSerializer, logged)

        return self.respond_once(request, write)

    @extend_schema(request=IncidentTransitionSerializer, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        """Move the case to another status; the log records who did it and why."""
        incident = self.get_object()

        def write(data):
            moved = incident_transition(incident=incident, actor=self.viewer.user, **data)
            return 200, self._read(IncidentSerializer, moved)

        return self.respond_once(request, write)


def track_changes() -> None:
    """Log this app's collection for the change feed (``api.changes``)."""
    track(Collection("incidents", Incident, IncidentViewSet))
