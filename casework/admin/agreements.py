"""Mediation agreements with their parties, sessions, items and visits."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.admin.base import SMALL_TEXT, CaseworkAdminMixin, case_workers
from casework.models import AgreementItem, AgreementParty, FollowUpVisit, MediationAgreement, MediationSession
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin


class AgreementScopeMixin(CaseworkAdminMixin):
    """Agreements are followed up by their ``responsible``; staff who read personal data see all."""

    agreement_path = "agreement"

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        if viewer.user is None:
            return queryset.none()
        prefix = f"{self.agreement_path}__" if self.agreement_path else ""
        return queryset.filter(**{f"{prefix}responsible": viewer.user})


class PartyInline(LabelledTabularInline):
    model = AgreementParty
    fields = ["side", "beneficiary", "incident_party"]
    autocomplete_fields = ["beneficiary"]
    raw_id_fields = ["incident_party"]
    extra = 0


class SessionInline(LabelledTabularInline):
    model = MediationSession
    fields = ["held_on", "mediator", "notes"]
    extra = 0
    formfield_overrides = SMALL_TEXT


class ItemInline(LabelledTabularInline):
    model = AgreementItem
    fields = ["text", "due_on", "compliance", "checked_on"]
    extra = 0
    formfield_overrides = SMALL_TEXT


class VisitInline(LabelledTabularInline):
    model = FollowUpVisit
    fields = ["visited_on", "notes"]
    extra = 0
    formfield_overrides = SMALL_TEXT


@admin.register(MediationAgreement)
class MediationAgreementAdmin(AgreementScopeMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """A mediation and its agreement: parties, sessions, the items checked one by one, visits."""

    agreement_path = ""
    list_display = ["title", "community", "status", "started_on", "signed_on", "responsible", "items_pending"]
    list_filter = ["status", "programme", "community__region__country"]
    search_fields = ["title", "community__name"]
    autocomplete_fields = ["community", "incident"]
    date_hierarchy = "started_on"
    list_select_related = ["community", "responsible"]
    inlines = [PartyInline, SessionInline, ItemInline, VisitInline]
    formfield_overrides = SMALL_TEXT
    fields = [
        "title",
        "community",
        "programme",
        "incident",
        "started_on",
        "signed_on",
        "status",
        "responsible",
        "notes",
    ]

    @admin.display(description=_("items to check"))
    def items_pending(self, obj: MediationAgreement) -> int:
        return sum(1 for item in obj.items.all() if item.compliance == "pending")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("items")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "responsible":
            kwargs["queryset"] = case_workers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            if isinstance(instance, FollowUpVisit) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()


class AgreementPartAdmin(AgreementScopeMixin, admin.ModelAdmin):
    search_fields = ["agreement__title"]
    autocomplete_fields = ["agreement"]
    list_select_related = ["agreement"]
    formfield_overrides = SMALL_TEXT


@admin.register(AgreementParty)
class AgreementPartyAdmin(AgreementPartAdmin):
    list_display = ["agreement", "side", "beneficiary"]
    autocomplete_fields = ["agreement", "beneficiary"]
    raw_id_fields = ["incident_party"]


@admin.register(MediationSession)
class MediationSessionAdmin(AgreementPartAdmin):
    list_display = ["agreement", "held_on", "mediator"]
    date_hierarchy = "held_on"


@admin.register(AgreementItem)
class AgreementItemAdmin(AgreementPartAdmin):
    list_display = ["agreement", "due_on", "compliance", "checked_on"]
    list_filter = ["compliance"]
    date_hierarchy = "due_on"


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(AgreementPartAdmin):
    list_display = ["agreement", "visited_on", "recorded_by"]
    date_hierarchy = "visited_on"
    readonly_fields = ["recorded_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
