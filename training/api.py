"""The API's collections of the School: the module catalogue and the sessions that delivered it.
Trainers' names and session notes stay inside the NGO."""

from django.db.models import Count, Q
from rest_framework import serializers

from api.changes import Collection, Part, track, track_part
from api.serializers import AudienceSerializer
from api.viewsets import ReadOnlyCollection
from training.filters import TrainingModuleFilter, TrainingSessionFilter
from training.models import Attendance, TrainingModule, TrainingSession
from training.selectors import visible_modules, visible_sessions

TIMESTAMPS = ("created_at", "updated_at")


class TrainingModuleSerializer(AudienceSerializer):
    class Meta:
        model = TrainingModule
        fields = (
            "id",
            "code",
            "title",
            "title_en",
            "title_cs",
            "title_ru",
            "level",
            "order",
            "hours",
            "description",
            "is_active",
            *TIMESTAMPS,
        )
        partner_fields = fields


class TrainingSessionSerializer(AudienceSerializer):
    module_code = serializers.CharField(source="module.code", read_only=True)
    attendees = serializers.IntegerField(read_only=True, help_text="Negotiators present.")
    completions = serializers.IntegerField(read_only=True, help_text="Negotiators who completed the module here.")

    class Meta:
        model = TrainingSession
        fields = (
            "id",
            "programme",
            "module",
            "module_code",
            "starts_on",
            "ends_on",
            "place",
            "host_community",
            "attendees",
            "completions",
            "trainers",
            "notes",
            *TIMESTAMPS,
        )
        partner_fields = tuple(name for name in fields if name not in ("trainers", "notes"))


class TrainingModuleViewSet(ReadOnlyCollection):
    """The School's modules: basic ones lead to certification, advanced ones after it."""

    selector = visible_modules
    serializer_class = TrainingModuleSerializer
    filterset_class = TrainingModuleFilter


class TrainingSessionViewSet(ReadOnlyCollection):
    """Sessions that delivered a module, with how many negotiators attended and completed it."""

    selector = visible_sessions
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilter

    def optimise(self, queryset):
        return queryset.select_related("module").annotate(
            attendees=Count("attendances", filter=Q(attendances__present=True)),
            completions=Count("attendances", filter=Q(attendances__completed=True)),
        )


def track_changes() -> None:
    """Log this app's collections for the change feed (``api.changes``). A session belongs to
    its host community and to those of the negotiators who attended it."""
    track(Collection("training/modules", TrainingModule, TrainingModuleViewSet, communities=()))
    track(
        Collection(
            "training/sessions",
            TrainingSession,
            TrainingSessionViewSet,
            communities=("host_community", "attendances__negotiator__community"),
        )
    )
    track_part(Part(Attendance, parent="session", communities=("negotiator__community",)))
