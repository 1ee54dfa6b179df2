"""Needs assessments and the individual plan (goals and their actions)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.admin.base import (
    SMALL_TEXT,
    CaseworkAdminMixin,
    KeptRecordMixin,
    ReadOnlyInline,
    RecordAdminMixin,
    actor,
    become,
    case_workers,
    service_errors,
    with_request,
)
from casework.admin.cases import GoalForm, save_goal
from casework.models import ActionStatus, Goal, Need, NeedDomain, NeedLevel, NeedsAssessment, PlanAction
from casework.services import (
    ACTION_FIELDS,
    action_add,
    action_cancel,
    action_done,
    action_update,
    goal_add,
    needs_assess,
)
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin


class NeedsAssessmentForm(forms.ModelForm):
    """An assessment: a level (and a few words) for each domain assessed."""

    user: Any = None

    class Meta:
        model = NeedsAssessment
        fields = ["case", "assessed_on", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in NeedDomain:
            self.fields[f"level_{domain.value}"] = forms.TypedChoiceField(
                label=domain.label,
                choices=[("", _("not assessed")), *NeedLevel.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"description_{domain.value}"] = forms.CharField(
                label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def needs(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {
            domain.value: (data[f"level_{domain.value}"], data.get(f"description_{domain.value}") or "")
            for domain in NeedDomain
            if data.get(f"level_{domain.value}") is not None
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            service_errors(
                self,
                lambda: needs_assess(
                    cleaned["case"],
                    assessed_on=cleaned["assessed_on"],
                    needs=self.needs(),
                    notes=cleaned.get("notes") or "",
                    by=self.user,
                ),
            )
        return cleaned


class NeedInline(ReadOnlyInline):
    model = Need
    fields = ["domain", "level", "description"]


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(KeptRecordMixin, CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Assessments are records: a new one for a change of needs, never an edit."""

    list_display = ["case", "assessed_on", "recorded_by"]
    search_fields = ["case__beneficiary__code"]
    autocomplete_fields = ["case"]
    list_select_related = ["case__beneficiary", "recorded_by"]
    date_hierarchy = "assessed_on"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = NeedsAssessmentForm
            kwargs["fields"] = None
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [(None, {"fields": ["case", "assessed_on", "notes", "recorded_by"]})]
        return [
            (None, {"fields": ["case", "assessed_on", "notes"]}),
            (_("needs"), {"fields": [(f"level_{d.value}", f"description_{d.value}") for d in NeedDomain]}),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else [NeedInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        assessment = needs_assess(
            data["case"],
            assessed_on=data["assessed_on"],
            needs=form.needs(),
            notes=data.get("notes") or "",
            by=actor(request),
        )
        become(obj, assessment)


@admin.register(Need)
class NeedAdmin(RecordAdminMixin, CaseworkAdminMixin, admin.ModelAdmin):
    case_path = "assessment__case"
    list_display = ["assessment", "domain", "level"]
    list_filter = ["domain", "level"]
    search_fields = ["assessment__case__beneficiary__code"]
    list_select_related = ["assessment__case__beneficiary"]


class ActionForm(forms.ModelForm):
    """A new action is added to the plan; a stored one is changed, done (on ``done_on``) or
    cancelled through the services."""

    user: Any = None

    class Meta:
        model = PlanAction
        fields = ["description", "responsible", "assignee", "due_on", "status", "done_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = case_workers()  # type: ignore[attr-defined]
        self.stored_status = self.instance.status if self.instance.pk else ActionStatus.TODO

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not self.has_changed():
            return cleaned
        service_errors(self, lambda: save_action(self.user, self, self.instance.goal), {"action": "description"})
        return cleaned


def save_action(user: Any, form: ActionForm, goal: Goal) -> PlanAction:
    data, action = form.cleaned_data, form.instance
    if action.pk is None:
        action = action_add(
            goal,
            description=data["description"],
            responsible=data["responsible"],
            assignee=data.get("assignee"),
            due_on=data.get("due_on"),
            by=user,
        )
    else:
        changed = {name: data.get(name) for name in ACTION_FIELDS if name in form.changed_data}
        if changed:
            action = action_update(action, by=user, **changed)
    status = data.get("status") or ActionStatus.TODO
    if status != form.stored_status:
        if status == ActionStatus.DONE:
            action = action_done(action, on=data.get("done_on") or timezone.localdate(), by=user)
        elif status == ActionStatus.CANCELLED:
            action = action_cancel(action, by=user)
        else:
            raise ValidationError({"status": gettext("A done or cancelled action stays so: add a new one.")})
    return action


class ActionInline(LabelledTabularInline):
    model = PlanAction
    form = ActionForm
    fields = ["description", "responsible", "assignee", "due_on", "status", "done_on"]
    extra = 0
    can_delete = False
    formfield_overrides = SMALL_TEXT

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_request(formset.form, request)
        return formset


class GoalAddForm(GoalForm):
    class Meta(GoalForm.Meta):
        fields = ["case", "domain", "description", "status"]

    def clean(self) -> dict[str, Any]:
        cleaned = forms.ModelForm.clean(self) or {}
        if not self.errors:
            service_errors(
                self,
                lambda: goal_add(
                    cleaned["case"], domain=cleaned["domain"], description=cleaned["description"], by=self.user
                ),
            )
        return cleaned


@admin.register(Goal)
class GoalAdmin(CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """A goal of an individual plan with its actions."""

    form = GoalForm
    list_display = ["case", "domain", "status"]
    list_filter = ["domain", "status"]
    search_fields = ["case__beneficiary__code"]
    list_select_related = ["case__beneficiary"]
    inlines = [ActionInline]
    formfield_overrides = SMALL_TEXT

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = GoalAddForm
            kwargs["fields"] = None
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["case", "domain", "description", "status"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["case"]

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        return ["case"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        become(obj, save_goal(request, form, form.cleaned_data.get("case") or obj.case))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for action_form in formset.forms:
            if action_form.has_changed():
                formset.new_objects.append(save_action(request.user, action_form, form.instance))


class OverdueActionFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", _("Overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(status=ActionStatus.TODO, due_on__lt=timezone.localdate())
        return queryset


@admin.register(PlanAction)
class PlanActionAdmin(CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Every action of every plan (added on its goal's page)."""

    case_path = "goal__case"
    form = ActionForm
    list_display = ["goal", "case_code", "responsible", "assignee", "due_on", "status", "done_on"]
    list_filter = [OverdueActionFilter, "status", "responsible", "goal__domain"]
    search_fields = ["goal__case__beneficiary__code"]
    list_select_related = ["goal__case__beneficiary", "assignee"]
    date_hierarchy = "due_on"
    readonly_fields = ["goal"]
    fields = ["goal", "description", "responsible", "assignee", "due_on", "status", "done_on"]
    formfield_overrides = SMALL_TEXT

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("case code"), ordering="goal__case__beneficiary__code")
    def case_code(self, obj: PlanAction) -> str:
        return obj.goal.case.beneficiary.code

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_action(request.user, form, obj.goal)
