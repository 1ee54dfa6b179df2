from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from negotiators.models import Negotiator
from training.models import Attendance, TrainingModule, TrainingSession
from training.services import negotiator_refresh_status


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "level", "order", "hours", "is_active", "session_count"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["negotiator", "present", "completed"]
    autocomplete_fields = ["negotiator"]


class _RefreshesNegotiatorStatus:
    """Attendance decides certification: after it changes, recompute the negotiators' status."""

    def _refresh(self, negotiator_ids):
        negotiator_refresh_status(negotiators=Negotiator.objects.filter(pk__in=negotiator_ids))


@admin.register(TrainingSession)
class TrainingSessionAdmin(_RefreshesNegotiatorStatus, admin.ModelAdmin):
    list_display = ["module", "starts_on", "ends_on", "place", "host_community", "present_count", "completed_count"]
    list_filter = ["module__level", "module", "host_community__region"]
    search_fields = ["module__code", "module__title", "place", "trainers"]
    autocomplete_fields = ["module", "host_community"]
    date_hierarchy = "starts_on"
    inlines = [AttendanceInline]
    list_select_related = ["module", "host_community"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                present_count=Count("attendances", filter=Q(attendances__present=True)),
                completed_count=Count("attendances", filter=Q(attendances__completed=True)),
            )
        )

    @admin.display(description=_("present"), ordering="present_count")
    def present_count(self, obj):
        return obj.present_count

    @admin.display(description=_("completed"), ordering="completed_count")
    def completed_count(self, obj):
        return obj.completed_count

    def save_related(self, request, form, formsets, change):
        before = set(Attendance.objects.filter(session=form.instance).values_list("negotiator_id", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(Attendance.objects.filter(session=form.instance).values_list("negotiator_id", flat=True))
        self._refresh(before | after)


@admin.register(Attendance)
class AttendanceAdmin(_RefreshesNegotiatorStatus, admin.ModelAdmin):
    list_display = ["negotiator", "session", "present", "completed"]
    list_filter = ["present", "completed", "session__module"]
    search_fields = ["negotiator__contact__full_name", "session__module__code"]
    autocomplete_fields = ["session", "negotiator"]
    list_select_related = ["negotiator__contact", "session__module"]

    def save_model(self, request, obj, form, change):
        previous = Attendance.objects.filter(pk=obj.pk).values_list("negotiator_id", flat=True).first()
        super().save_model(request, obj, form, change)
        self._refresh({obj.negotiator_id, previous} - {None})

    def delete_model(self, request, obj):
        negotiator_id = obj.negotiator_id
        super().delete_model(request, obj)
        self._refresh({negotiator_id})

    def delete_queryset(self, request, queryset):
        negotiator_ids = set(queryset.values_list("negotiator_id", flat=True))
        super().delete_queryset(request, queryset)
        self._refresh(negotiator_ids)
