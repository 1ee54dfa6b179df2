"""Safety planning in the admin, where staff think in one screen: an analysis with its risks,
resources and stakeholders (and the risk matrix), a plan with its measures and its status log."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from incidents.models import Incident
from planning.matrix import matrix_table
from planning.models import (
    PLAN_STATUS_MOVES,
    Analysis,
    Initiative,
    Measure,
    Plan,
    PlanStatus,
    PlanStatusChange,
    Regulation,
    Resource,
    Risk,
    Stakeholder,
)
from planning.services import analysis_save, plan_create, plan_move, risk_incidents_errors


class RiskFormSet(forms.BaseInlineFormSet):
    """The risks of one analysis: only the incidents of the analysis's community can be linked."""

    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        community_id = getattr(self.instance, "community_id", None)
        form.fields["incidents"].queryset = (
            Incident.objects.filter(community_id=community_id).order_by("-occurred_at")
            if community_id
            else Incident.objects.none()
        )

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            incidents = getattr(form, "cleaned_data", {}).get("incidents") or []
            error = risk_incidents_errors(analysis=self.instance, incidents=incidents)
            if error:
                form.add_error("incidents", error)


class RiskInline(LabelledTabularInline):
    model = Risk
    formset = RiskFormSet
    fields = ["category", "description", "likelihood", "impact", "trend", "groups_affected", "incidents"]
    extra = 1
    formfield_overrides = {
        # A short box in a table row: the description is a sentence or two.
        Risk._meta.get_field("description").__class__: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }


class ResourceInline(LabelledTabularInline):
    model = Resource
    fields = ["kind", "description", "held_by"]
    extra = 1
    formfield_overrides = {
        Resource._meta.get_field("description").__class__: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }


class StakeholderInline(LabelledTabularInline):
    model = Stakeholder
    fields = ["kind", "name", "influence", "interest"]
    extra = 1


@admin.register(Analysis)
class AnalysisAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["community", "analysed_on", "conflict_potential", "programme", "risk_count"]
    list_filter = ["programme", "conflict_potential", "community__region"]
    search_fields = ["community__name", "summary", "conflict_needs"]
    autocomplete_fields = ["community"]
    date_hierarchy = "analysed_on"
    list_select_related = ["community", "programme"]
    readonly_fields = ["risk_matrix", "made_by"]
    inlines = [RiskInline, ResourceInline, StakeholderInline]
    fieldsets = [
        (None, {"fields": ["community", "programme", "analysed_on", "made_by"]}),
        (_("Conflict potential"), {"fields": ["conflict_potential", "conflict_needs"]}),
        (_("Summary"), {"fields": ["summary"]}),
        (_("Risk matrix"), {"fields": ["risk_matrix"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("risks")

    @admin.display(description=_("risks"))
    def risk_count(self, obj: Analysis) -> int:
        return len(obj.risks.all())

    @admin.display(description=_("risk matrix"))
    def risk_matrix(self, obj: Analysis) -> Any:
        cells: dict[tuple[int, int], list[str]] = {}
        if obj.pk is not None:
            for risk in obj.risks.order_by("pk"):
                cells.setdefault((risk.likelihood, risk.impact), []).append(str(risk.get_category_display()))
        return matrix_table(cells)

    def save_model(self, request: HttpRequest, obj: Analysis, form: Any, change: bool) -> None:
        analysis_save(analysis=obj, actor=request.user)  # type: ignore[arg-type]


class MeasureInline(LabelledTabularInline):
    model = Measure
    fields = [
        "title",
        "risk",
        "responsible",
        "budget",
        "currency",
        "budget_source",
        "due_on",
        "status",
        "done_on",
        "evidence_link",
    ]
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "risk":
            # The risks of the plan's community (its analyses), not every community's.
            plan_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
            kwargs["queryset"] = (
                Risk.objects.filter(analysis__community_id=plan.community_id).select_related("analysis")
                if plan is not None
                else Risk.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlanStatusChangeInline(admin.TabularInline):
    """The plan's life so far, as logged: read only."""

    model = PlanStatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = ["at", "from_status", "to_status", "by", "note"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("status log")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanAdminForm(forms.ModelForm):
    """The plan with its status limited to where its life cycle may go next; the note goes to the
    status log with the move."""

    move_note = forms.CharField(
        label=_("note on the status change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the status log with the move."),
    )

    class Meta:
        model = Plan
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.stored_status() if self.instance.pk else None
        if stored and "status" in self.fields:
            reachable = {stored, *PLAN_STATUS_MOVES[stored]}
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in PlanStatus.choices if value in reachable
            ]
            self.fields["status"].help_text = _(
                "Moves along the life cycle: draft, public consultation, submitted, adopted, in implementation, "
                "evaluated or expired. Adopting needs the body, the date and the decision number below."
            )


@admin.register(Plan)
class PlanAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    form = PlanAdminForm
    list_display = ["title", "community", "kind", "status", "starts_on", "ends_on", "adopted_on", "decision_number"]
    list_filter = ["programme", "kind", "status", "community__region"]
    search_fields = ["title", "community__name", "decision_number", "adopted_by"]
    autocomplete_fields = ["community", "consultation_events", "document"]
    date_hierarchy = "starts_on"
    list_select_related = ["community"]
    inlines = [MeasureInline, PlanStatusChangeInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "community", "programme", ("starts_on", "ends_on"), "analysis"]}),
        (_("Life cycle"), {"fields": ["status", "move_note", "consultation_events"]}),
        (_("Council's decision"), {"fields": ["adopted_by", "adopted_on", "decision_number", "document"]}),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "analysis":
            kwargs["queryset"] = Analysis.objects.select_related("community")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        note = form.cleaned_data.get("move_note", "")
        user: Any = request.user
        if not change:
            plan_create(plan=obj, actor=user, note=note)
            return
        target, stored = obj.status, obj.stored_status()
        with transaction.atomic():
            if stored is not None and target != stored:
                # Every other edit first, then the move through the one path that logs it.
                obj.status = stored
                obj.save()
                plan_move(plan=obj, to_status=target, actor=user, note=note)
            else:
                obj.save()


@admin.register(Measure)
class MeasureAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["title", "plan", "responsible", "due_on", "status", "done_on", "budget", "currency"]
    list_filter = ["status", "plan__kind", "plan__community__region"]
    search_fields = ["title", "plan__title", "responsible"]
    autocomplete_fields = ["plan"]
    raw_id_fields = ["risk"]
    date_hierarchy = "due_on"
    list_select_related = ["plan"]


@admin.register(Risk)
class RiskAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["category", "analysis", "likelihood", "impact", "trend"]
    list_filter = ["category", "likelihood", "impact", "trend"]
    search_fields = ["description", "analysis__community__name"]
    raw_id_fields = ["analysis", "incidents"]
    list_select_related = ["analysis__community"]


@admin.register(Resource)
class ResourceAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["kind", "analysis", "held_by"]
    list_filter = ["kind"]
    search_fields = ["description", "held_by", "analysis__community__name"]
    raw_id_fields = ["analysis"]
    list_select_related = ["analysis__community"]


@admin.register(Stakeholder)
class StakeholderAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "analysis", "influence", "interest"]
    list_filter = ["kind"]
    search_fields = ["name", "analysis__community__name"]
    raw_id_fields = ["analysis"]
    list_select_related = ["analysis__community"]


@admin.register(PlanStatusChange)
class PlanStatusChangeAdmin(admin.ModelAdmin):
    """The log of every plan's moves: written by the moves, never by hand."""

    list_display = ["plan", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["plan__title", "note"]
    date_hierarchy = "at"
    list_select_related = ["plan", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["title", "community", "started_on", "status", "run_by"]
    list_filter = ["programme", "status", "community__region"]
    search_fields = ["title", "description", "community__name", "run_by"]
    autocomplete_fields = ["community"]
    raw_id_fields = ["negotiator"]
    date_hierarchy = "started_on"
    list_select_related = ["community"]


@admin.register(Regulation)
class RegulationAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["title", "community", "kind", "adopted_by", "adopted_on", "number"]
    list_filter = ["programme", "kind", "community__region"]
    search_fields = ["title", "community__name", "number", "adopted_by"]
    autocomplete_fields = ["community", "document"]
    date_hierarchy = "adopted_on"
    list_select_related = ["community"]
