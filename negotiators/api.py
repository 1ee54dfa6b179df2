"""The API's collections of negotiators, outreach events and media mentions.

Negotiators' names and contacts (``NegotiatorContact``) have no serializer here: they never
leave the portal. Events are logged through ``negotiators.services.event_log``.
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from access.capabilities import Capability
from api.changes import Collection, Part, track, track_part
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
from api.viewsets import ReadOnlyCollection, with_community
from communities.models import EARLIEST_RECORD_DATE, Community, Topic
from communities.selectors import visible_communities, writable_communities
from negotiators.filters import MediaMentionFilter, NegotiatorFilter, OutreachEventFilter
from negotiators.models import (
    EventFormat,
    EventKind,
    EventLanguage,
    EventSeries,
    EventStatus,
    MediaMention,
    Negotiator,
    OutreachEvent,
)
from negotiators.selectors import visible_events, visible_media_mentions, visible_negotiators
from negotiators.services import event_log
from programmes.models import Programme
from programmes.selectors import visible_programmes

TIMESTAMPS = ("created_at", "updated_at")
# PostgreSQL's integer: a larger count is a 400, not a database error.
MAX_COUNT = 2_147_483_647
# The latest year an event may be planned in.
LATEST_START_YEAR = 2100


class NegotiatorSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    region = RegionIdField()

    class Meta:
        model = Negotiator
        fields = (
            "id",
            "community",
            "community_name",
            "region",
            "cohort",
            "status",
            "certified_on",
            "joined_on",
            "is_active",
            "user",
            *TIMESTAMPS,
        )
        partner_fields = tuple(name for name in fields if name != "user")


PARTICIPANT_FIELDS = (
    "participants_total",
    "participants_women",
    "participants_men",
    "participants_youth",
    "participants_idps",
    "participants_veterans",
    "participants_vulnerable",
)


# Staff only: the meeting link goes to registrants alone, never to partners.
# The phone's position too: partners get the community's location instead.
EVENT_INTERNAL_FIELDS = (
    "internal_notes",
    "created_by",
    "meeting_link",
    "latitude",
    "longitude",
    "location_accuracy_m",
)


def registration_path(slug: str) -> str:
    """The public registration page of an event (``events:register``, served by the events app,
    which this app may not import)."""
    return f"/e/{slug}/"


class OutreachEventSerializer(AudienceSerializer):
    community_name = CommunityNameField()
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text="As typed; or, when logged without one, the kind and the place in the language of Accept-Language.",
    )
    region = RegionIdField()
    organisers = serializers.SerializerMethodField(help_text="Ids of the organising negotiators.")
    languages = serializers.ListField(child=serializers.ChoiceField(choices=EventLanguage.choices))
    series_title = serializers.CharField(source="series.title", allow_null=True, help_text="The series' title.")
    series_parts = serializers.IntegerField(
        source="series.parts", allow_null=True, help_text="How many parts the series has."
    )
    audience_communities = serializers.SerializerMethodField(
        help_text="Ids of the communities the audience came from, when not only the host."
    )
    registration_url = serializers.SerializerMethodField(
        help_text="The public registration page, while the event is open for registration; else null."
    )
    latitude = PhoneLocationField("latitude", help_text=LOCATION_HELP)
    longitude = PhoneLocationField("longitude", help_text=LOCATION_HELP)
    location_accuracy_m = PhoneLocationField("accuracy_m", help_text=ACCURACY_HELP)

    class Meta:
        model = OutreachEvent
        fields = (
            "id",
            "programme",
            "community",
            "community_name",
            "region",
            "kind",
            "title",
            "status",
            "date",
            "starts_at",
            "duration_minutes",
            "time_zone",
            "format",
            "place",
            "latitude",
            "longitude",
            "location_accuracy_m",
            "meeting_link",
            "stream_link",
            "languages",
            "interpretation",
            "series",
            "series_title",
            "series_parts",
            "part",
            "audience_communities",
            "agenda",
            "registration_open",
            "capacity",
            "registration_url",
            "topic",
            "organisers",
            *PARTICIPANT_FIELDS,
            "police_present",
            "local_government_present",
            "ngos_present",
            "summary",
            "internal_notes",
            "created_by",
            *TIMESTAMPS,
        )
        partner_fields = tuple(name for name in fields if name not in EVENT_INTERNAL_FIELDS)

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_organisers(self, event) -> list[int]:
        ids = getattr(event, "organiser_ids", None)
        return ids if ids is not None else sorted(event.organisers.values_list("pk", flat=True))

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_audience_communities(self, event) -> list[int]:
        ids = getattr(event, "audience_community_ids", None)
        return ids if ids is not None else sorted(event.audience_communities.values_list("pk", flat=True))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_registration_url(self, event) -> str | None:
        if not (event.registration_open and event.slug):
            return None
        request = self.context.get("request")
        path = registration_path(event.slug)
        return request.build_absolute_uri(path) if request is not None else path


def attach_organiser_ids(events: list) -> list:
    """``organiser_ids`` and ``audience_community_ids`` on each event, in one query of each link
    table (what prefetch_related would do with an object and a manager per row, at twice the cost
    of the page)."""
    organisers = defaultdict(list)
    links = OutreachEvent.organisers.through.objects.filter(outreachevent_id__in=[event.pk for event in events])
    for event_id, negotiator_id in links.order_by("negotiator_id").values_list("outreachevent_id", "negotiator_id"):
        organisers[event_id].append(negotiator_id)
    audience = defaultdict(list)
    heard = OutreachEvent.audience_communities.through.objects.filter(
        outreachevent_id__in=[event.pk for event in events]
    )
    for event_id, community_id in heard.order_by("community_id").values_list("outreachevent_id", "community_id"):
        audience[event_id].append(community_id)
    for event in events:
        event.organiser_ids = organisers[event.pk]
        event.audience_community_ids = audience[event.pk]
    return events


class EventLogSerializer(PhonePositionInput):
    """An outreach event, as a negotiator (in their community) or staff log it: held (the default,
    once it has taken place) or planned ahead."""

    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.none())
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=200)
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in (EventStatus.HELD, EventStatus.PLANNED)],
        default=EventStatus.HELD.value,
        help_text="held (the default): it took place, not in the future; planned: ahead, not yet over.",
    )
    date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A held event's is not in the future. Follows from starts_at when that is given.",
    )
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="The start, with its offset (ISO 8601)."
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 7, allow_null=True, default=None)
    time_zone = serializers.CharField(
        max_length=64, allow_blank=True, default="", help_text="IANA name, e.g. Europe/Kyiv; empty for the portal's."
    )
    format = serializers.ChoiceField(choices=EventFormat.choices, default=EventFormat.IN_PERSON.value)
    meeting_link = serializers.URLField(
        max_length=500, allow_blank=True, default="", help_text="Given only to registrants; never shown to partners."
    )
    stream_link = serializers.URLField(max_length=500, allow_blank=True, default="")
    languages = serializers.ListField(child=serializers.ChoiceField(choices=EventLanguage.choices), default=list)
    interpretation = serializers.BooleanField(default=False)
    series = serializers.PrimaryKeyRelatedField(queryset=EventSeries.objects.none(), allow_null=True, default=None)
    part = serializers.IntegerField(min_value=1, max_value=50, allow_null=True, default=None)
    audience_communities = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Community.objects.none(),
        default=list,
        help_text="Ids of the communities the audience came from, when not only the host.",
    )
    agenda = serializers.CharField(allow_blank=True, default="")
    registration_open = serializers.BooleanField(
        default=False, help_text="A planned event with starts_at and slug takes registrations on its public page."
    )
    slug = serializers.SlugField(
        max_length=80, allow_null=True, default=None, help_text="The address of the public page, /e/<slug>/."
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, allow_null=True, default=None)
    topic = serializers.ChoiceField(choices=Topic.choices)
    participants_total = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    participants_women = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    participants_men = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    participants_youth = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    participants_idps = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    participants_veterans = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    participants_vulnerable = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    police_present = serializers.BooleanField(default=False)
    local_government_present = serializers.BooleanField(default=False)
    ngos_present = serializers.BooleanField(default=False)
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    summary = serializers.CharField(allow_blank=True, default="", help_text="Shared with partners: no names.")
    internal_notes = serializers.CharField(allow_blank=True, default="", help_text="Never shared outside the NGO.")
    organisers = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Negotiator.objects.none(),
        default=list,
        help_text="Ids of negotiators of the event's community; default: you, if you are one.",
    )
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
        # Communities outside the caller's reach do not exist as far as this form is concerned.
        if viewer is not None:
            self.fields["community"].queryset = writable_communities(viewer)
            self.fields["organisers"].child_relation.queryset = visible_negotiators(viewer)
            self.fields["programme"].queryset = visible_programmes(viewer)
            self.fields["series"].queryset = EventSeries.objects.filter(programme__in=visible_programmes(viewer))
            self.fields["audience_communities"].child_relation.queryset = visible_communities(viewer)

    def validate_starts_at(self, value):
        # Within the years records may have, so that it converts to any time zone.
        if value is not None and not (EARLIEST_RECORD_DATE.year <= value.year <= LATEST_START_YEAR):
            raise serializers.ValidationError(
                _("Give a start between %(first)d and %(last)d.")
                % {"first": EARLIEST_RECORD_DATE.year, "last": LATEST_START_YEAR}
            )
        return value

    def validate(self, attrs):
        if attrs.get("date") is None and attrs.get("starts_at") is None:
            raise serializers.ValidationError({"date": _("Give the date or the start (starts_at).")})
        return attrs


class NegotiatorViewSet(ReadOnlyCollection):
    """Social negotiators: cohort, status and community; never their names or contacts."""

    selector = visible_negotiators
    serializer_class = NegotiatorSerializer
    filterset_class = NegotiatorFilter

    def optimise(self, queryset):
        return with_community(queryset)


class OutreachEventViewSet(ReadOnlyCollection):
    """Outreach events: held, planned, cancelled or postponed (only held ones count in the
    figures). Negotiators (in their community) and staff log held events and plan new ones with
    POST. An event open for registration gives its public ``registration_url``; its registrants
    are never in the API."""

    selector = visible_events
    serializer_class = OutreachEventSerializer
    filterset_class = OutreachEventFilter
    write_capability = Capability.LOGS_RECORDS

    def get_serializer_class(self):
        return EventLogSerializer if self.action == "create" else OutreachEventSerializer

    def optimise(self, queryset):
        return with_community(queryset).select_related("series")

    def attach(self, events):
        return attach_organiser_ids(events)

    @extend_schema(request=EventLogSerializer, responses={201: OutreachEventSerializer})
    def create(self, request, *args, **kwargs):
        def write(data):
            event = event_log(actor=self.viewer.user, **data)
            return 201, OutreachEventSerializer(event, context=self.get_serializer_context()).data

        return self.respond_once(request, write)


class MediaMentionSerializer(AudienceSerializer):
    community_name = CommunityNameField(allow_null=True)

    class Meta:
        model = MediaMention
        fields = (
            "id",
            "programme",
            "outlet",
            "medium",
            "published_on",
            "title",
            "url",
            "reach",
            "community",
            "community_name",
            "event",
            *TIMESTAMPS,
        )
        partner_fields = fields


class MediaMentionViewSet(ReadOnlyCollection):
    """Mentions of the programme in the media, with estimated reach; those without a community
    are about the whole programme."""

    selector = visible_media_mentions
    serializer_class = MediaMentionSerializer
    filterset_class = MediaMentionFilter

    def optimise(self, queryset):
        return with_community(queryset)


def track_changes() -> None:
    """Log this app's collections for the change feed (``api.changes``)."""
    track(Collection("negotiators", Negotiator, NegotiatorViewSet))
    track(Collection("events", OutreachEvent, OutreachEventViewSet))
    track(Collection("media-mentions", MediaMention, MediaMentionViewSet, everyone_without_community=True))
    # A campaign (programmes) lists the ids of its events and media mentions: linking, unlinking
    # or deleting one changes the campaign.
    track_part(Part(OutreachEvent, parent="campaign", communities=()))
    track_part(Part(MediaMention, parent="campaign", communities=()))
