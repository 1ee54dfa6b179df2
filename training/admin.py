from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from communities.admin_site import LabelledTabularInline
from negotiators import admin as negotiators_admin
from negotiators.models import Negotiator
from privacy.admin import AdminLogWithoutPersonalDataMixin
from privacy.search import BlindIndexSearchMixin
from training.models import Attendance, TrainingModule, TrainingSession
from training.services import (
    attendance_change,
    attendance_delete,
    module_delete,
    module_save,
    negotiator_refresh_status,
    session_delete,
)


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "title_en", "level", "order", "hours", "is_active", "session_count"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "title", "title_en", "title_cs", "title_ru"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, obj):
        return obj.session_count

    def save_model(self, request, obj, form, change):
        module_save(module=obj, actor=request.user)

    def delete_model(self, request, obj):
        module_delete(modules=TrainingModule.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        module_delete(modules=queryset, actor=request.user)


class AttendanceInline(LabelledTabularInline):
    model = Attendance
    extra = 0
    fields = ["negotiator", "present", "completed"]
    autocomplete_fields = ["negotiator"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(AdminLogWithoutPersonalDataMixin, admin.ModelAdmin):
    list_display = ["module", "starts_on", "ends_on", "place", "host_community", "present_count", "completed_count"]
    list_filter = ["programme", "module__level", "module", "host_community__region"]
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

    def save_model(self, request, obj, form, change):
        """Saved in :meth:`save_related`, together with its attendance."""

    def save_related(self, request, form, formsets, change):
        # The session's module and dates decide what its attendance earns, as its attendance rows
        # do: both are saved inside the training service's change, so a certification read from
        # them before is reconsidered after.
        session = form.instance

        def attendees() -> set[int]:
            if session.pk is None:
                return set()
            return set(Attendance.objects.filter(session=session).values_list("negotiator_id", flat=True))

        with attendance_change(negotiator_ids=attendees(), actor=request.user) as changed:
            super().save_model(request, session, form, change)
            super().save_related(request, form, formsets, change)
            changed.negotiator_ids |= attendees()
            changed.session_ids.add(session.pk)

    def delete_model(self, request, obj):
        session_delete(sessions=TrainingSession.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        session_delete(sessions=queryset, actor=request.user)


@admin.register(Attendance)
class AttendanceAdmin(AdminLogWithoutPersonalDataMixin, BlindIndexSearchMixin, admin.ModelAdmin):
    list_display = ["negotiator", "session", "present", "completed"]
    list_filter = ["present", "completed", "session__module"]
    # Names are encrypted: found through the contact's blind index.
    search_fields = ["session__module__code"]
    blind_index_fields = ("negotiator__contact__search_index",)
    autocomplete_fields = ["session", "negotiator"]
    list_select_related = ["negotiator__contact", "session__module"]

    def save_model(self, request, obj, form, change):
        # Through the training service, so the session(s) and the certification follow; the
        # row's session or negotiator may have been changed, so the previous ones too.
        previous = Attendance.objects.filter(pk=obj.pk).values_list("negotiator_id", "session_id").first()
        previous_negotiator, previous_session = previous or (None, None)
        with attendance_change(
            negotiator_ids={obj.negotiator_id, previous_negotiator},
            session_ids={obj.session_id, previous_session},
            actor=request.user,
        ):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        attendance_delete(attendances=Attendance.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        attendance_delete(attendances=queryset, actor=request.user)


class NegotiatorAttendanceInline(LabelledTabularInline):
    model = Attendance
    extra = 0
    fields = ["session", "present", "completed"]
    readonly_fields = ["session", "present", "completed"]
    can_delete = False
    verbose_name_plural = _("training attended (edit it on the session)")

    def has_add_permission(self, request, obj=None):
        return False


class NegotiatorAdmin(negotiators_admin.NegotiatorAdmin):
    """The negotiator's page with the training attended: the School is above negotiators, so it
    adds its part to their page."""

    inlines = [*negotiators_admin.NegotiatorAdmin.inlines, NegotiatorAttendanceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A certification date typed in (pilot graduates) changes the status that follows from it.
        negotiator_refresh_status(negotiators=[form.instance])


admin.site.unregister(Negotiator)
admin.site.register(Negotiator, NegotiatorAdmin)
