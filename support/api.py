"""The engagement's activities and recommendations in ``engagements/``.

``communities`` cannot know this app (it is a layer below), so its engagement collection is
extended here by subclassing: :class:`EngagementViewSet` adds ``activities`` and
``recommendations`` and takes the communities one's place in ``config/api_urls.py`` and in the
change log (:func:`track_changes`). Partners see the steps, dates, hours and how many mediators
took part, never who they were, nor the internal notes.
"""

from django.db.models import Count, Prefetch
from rest_framework import serializers

from api.changes import Collection, Part, track, track_part
from api.serializers import AudienceSerializer
from communities import api as communities_api
from communities.models import Engagement
from support.models import Activity, Recommendation


class ActivitySerializer(AudienceSerializer):
    hours = serializers.FloatField(read_only=True)
    mediators = serializers.IntegerField(
        source="mediator_count", read_only=True, help_text="How many mediators or facilitators took part."
    )

    class Meta:
        model = Activity
        fields = ("id", "line", "step", "date", "hours", "mediators")
        partner_fields = fields


class RecommendationSerializer(AudienceSerializer):
    class Meta:
        model = Recommendation
        fields = ("id", "line", "text", "made_on", "status", "status_on")
        partner_fields = fields


class EngagementSerializer(communities_api.EngagementSerializer):
    activities = ActivitySerializer(many=True, read_only=True, help_text="The steps delivered, in date order.")
    recommendations = RecommendationSerializer(
        many=True, read_only=True, help_text="The recommendations made, with their current status."
    )

    class Meta(communities_api.EngagementSerializer.Meta):
        fields = (*communities_api.EngagementSerializer.Meta.fields, "activities", "recommendations")  # type: ignore[assignment]
        partner_fields = fields  # type: ignore[assignment]


class EngagementViewSet(communities_api.EngagementViewSet):
    """Support engagements with municipalities: acute communication or systematic cooperation, with
    the activities delivered per service line and the recommendations made."""

    serializer_class = EngagementSerializer

    def optimise(self, queryset):
        activities = Activity.objects.annotate(mediator_count=Count("mediators")).order_by("date", "pk")
        return (
            super()
            .optimise(queryset)
            .prefetch_related(
                Prefetch("activities", queryset=activities),
                Prefetch("recommendations", queryset=Recommendation.objects.order_by("made_on", "pk")),
            )
        )


def track_changes() -> None:
    """The engagements' collection is this app's view of them from now on; a change to an activity
    or a recommendation changes its engagement."""
    track(Collection("engagements", Engagement, EngagementViewSet))
    track_part(Part(Activity, parent="engagement", communities=("engagement__community",)))
    track_part(Part(Recommendation, parent="engagement", communities=("engagement__community",)))
