"""A case on one page, its status log and its contacts."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.admin.base import (
    KEEP,
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
from casework.models import (
    CASE_MOVES,
    Case,
    CaseContact,
    CaseOutcome,
    CaseStatus,
    CaseStatusChange,
    Goal,
    GoalStatus,
    NeedsAssessment,
    Referral,
)
from casework.privacy import CASE
from casework.services import case_assign, case_move, case_open, contact_log, goal_add, goal_set_status, goal_update
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from privacy.admin import RedactionAdminMixin


class CaseOpenForm(forms.ModelForm):
    user: Any = None

    class Meta:
        model = Case
        fields = [
            "beneficiary",
            "community",
            "programme",
            "case_worker",
            "supervisor",
            "opened_on",
            "origin_incident",
            "summary",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("case_worker", "supervisor"):
            if name in self.fields:
                self.fields[name].queryset = case_workers()  # type: ignore[attr-defined]
        if "opened_on" in self.fields:
            self.fields["opened_on"].initial = timezone.localdate

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "beneficiary",
                "community",
                "programme",
                "case_worker",
                "supervisor",
                "opened_on",
                "origin_incident",
            )
        } | {"summary": data.get("summary") or "", "by": self.user}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            service_errors(self, lambda: case_open(**self.arguments()))
        return cleaned


class CaseForm(forms.ModelForm):
    """A stored case: its summary, who works it, and its next move along the life cycle."""

    user: Any = None
    move_to = forms.ChoiceField(label=_("Move the case to"), required=False)
    move_on = forms.DateField(label=_("on"), required=False, initial=timezone.localdate)
    move_outcome = forms.ChoiceField(
        label=_("outcome"), required=False, choices=[("", "---------"), *CaseOutcome.choices]
    )
    move_reason = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    MOVE_FIELDS = {"status": "move_to", "on": "move_on", "outcome": "move_outcome", "reason": "move_reason"}

    class Meta:
        model = Case
        fields = ["case_worker", "supervisor", "summary"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("case_worker", "supervisor"):
            if name in self.fields:
                self.fields[name].queryset = case_workers()  # type: ignore[attr-defined]
        allowed = CASE_MOVES[CaseStatus(self.instance.status)]
        self.fields["move_to"].choices = KEEP + [(status, CaseStatus(status).label) for status in allowed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        case = self.instance
        if {"case_worker", "supervisor"} & set(self.changed_data):
            service_errors(
                self,
                lambda: case_assign(
                    case, case_worker=cleaned["case_worker"], supervisor=cleaned.get("supervisor"), by=self.user
                ),
            )
        if cleaned.get("move_to"):
            cleaned["move_on"] = cleaned.get("move_on") or timezone.localdate()
            service_errors(self, lambda: case_move(case, **self.move_arguments()), self.MOVE_FIELDS)
        return cleaned

    def move_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_status": data["move_to"],
            "on": data["move_on"],
            "outcome": data.get("move_outcome") or "",
            "reason": data.get("move_reason") or "",
            "by": self.user,
        }


class StatusChangeInline(ReadOnlyInline):
    model = CaseStatusChange
    fields = ["changed_on", "from_status", "to_status", "outcome", "reason", "changed_by"]
    verbose_name_plural = _("life cycle")


class AssessmentInline(ReadOnlyInline):
    model = NeedsAssessment
    fields = ["assessed_on", "need_list", "notes", "recorded_by"]
    show_change_link = True

    @admin.display(description=_("needs"))
    def need_list(self, obj: NeedsAssessment) -> str:
        return "; ".join(str(need) for need in obj.needs.all())


class GoalForm(forms.ModelForm):
    user: Any = None

    class Meta:
        model = Goal
        fields = ["domain", "description", "status"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not self.has_changed():
            return cleaned
        if self.instance.pk is None:
            case = self.instance.case
            service_errors(
                self,
                lambda: goal_add(case, domain=cleaned["domain"], description=cleaned["description"], by=self.user),
            )
        elif "domain" in self.changed_data:
            self.add_error("domain", gettext("A goal keeps its domain: add another goal instead."))
        return cleaned


def save_goal(request: HttpRequest, form: GoalForm, case: Case) -> Goal:
    data, goal = form.cleaned_data, form.instance
    if goal.pk is None:
        goal = goal_add(case, domain=data["domain"], description=data["description"], by=actor(request))
        if data.get("status") and data["status"] != GoalStatus.OPEN:
            goal = goal_set_status(goal, data["status"], by=actor(request))
        return goal
    if "description" in form.changed_data:
        goal = goal_update(goal, description=data["description"], by=actor(request))
    if "status" in form.changed_data:
        goal = goal_set_status(goal, data["status"], by=actor(request))
    return goal


class GoalInline(LabelledTabularInline):
    model = Goal
    form = GoalForm
    fields = ["domain", "description", "status"]
    extra = 0
    can_delete = False
    show_change_link = True
    formfield_overrides = SMALL_TEXT
    verbose_name_plural = _("individual plan")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_request(formset.form, request)
        return formset


class ContactForm(forms.ModelForm):
    user: Any = None

    class Meta:
        model = CaseContact
        fields = ["happened_on", "kind", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and self.instance.pk is None and self.has_changed():
            case = self.instance.case
            service_errors(
                self,
                lambda: contact_log(
                    case,
                    kind=cleaned["kind"],
                    happened_on=cleaned["happened_on"],
                    note=cleaned.get("note") or "",
                    by=self.user,
                ),
            )
        return cleaned


class ContactInline(LabelledTabularInline):
    """The log of contacts: past ones read-only, a new one logged through the service."""

    model = CaseContact
    form = ContactForm
    fields = ["happened_on", "kind", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]
    extra = 0
    can_delete = False
    formfield_overrides = SMALL_TEXT

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_request(formset.form, request)
        return formset

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReferralOfCaseInline(ReadOnlyInline):
    model = Referral
    fk_name = "case"
    fields = ["agency", "status", "sent_on", "follow_up_on", "completed_on"]
    show_change_link = True


@admin.register(Case)
class CaseAdmin(CaseworkAdminMixin, RedactionAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """A case on one page: the person (by case code, the identity for who reads it), the life
    cycle with its moves, needs, the individual plan, contacts and referrals."""

    case_path = ""
    redaction_kind = CASE
    list_display = ["__str__", "status", "community", "case_worker", "supervisor", "opened_on", "closed_on", "outcome"]
    list_filter = ["status", "outcome", "programme", "community__region__country", "opened_on"]
    search_fields = ["beneficiary__code"]
    autocomplete_fields = ["beneficiary", "community", "origin_incident"]
    date_hierarchy = "opened_on"
    list_select_related = ["beneficiary", "community", "case_worker", "supervisor"]
    formfield_overrides = SMALL_TEXT

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = CaseOpenForm if obj is None else CaseForm
        if obj is not None:
            kwargs["fields"] = None
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": CaseOpenForm.Meta.fields})]
        readonly = [
            ("beneficiary", "person"),
            ("community", "programme"),
            ("opened_on", "origin_incident"),
        ]
        tools = ["redact_free_text"] if self.shows_redaction(request, obj) else []
        return [
            (None, {"fields": [*readonly, ("case_worker", "supervisor"), "summary", *tools]}),
            (
                _("Status"),
                {
                    "fields": [
                        ("status", "closed_on", "outcome"),
                        ("plan_approved_by", "plan_approved_on"),
                        ("closure_approved_by", "closure_approved_on"),
                        ("move_to", "move_on", "move_outcome"),
                        "move_reason",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        frozen = ["summary", "case_worker", "supervisor"] if obj.anonymised_at else []
        tools = ["redact_free_text"] if self.shows_redaction(request, obj) else []
        return [
            *frozen,
            *tools,
            "beneficiary",
            "person",
            "community",
            "programme",
            "opened_on",
            "origin_incident",
            "status",
            "closed_on",
            "outcome",
            "plan_approved_by",
            "plan_approved_on",
            "closure_approved_by",
            "closure_approved_on",
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        if obj is None:
            return []
        return [StatusChangeInline, AssessmentInline, GoalInline, ContactInline, ReferralOfCaseInline]

    @admin.display(description=_("identifying data"))
    def person(self, obj: Case) -> str:
        # Whoever opens a case reads its person's identity (the same rule in casework.selectors:
        # the case worker, the supervisor, staff who read personal data); the page logs it.
        identity = getattr(obj.beneficiary, "identity", None)
        if identity is None:
            return "—"
        parts = [identity.full_name, identity.year_of_birth, identity.phone, identity.email]
        return " · ".join(part for part in parts if part) or "—"

    def personal_records(self, objects: Iterable[Any]) -> list[Any]:
        return [
            record
            for case in objects
            for record in (case, getattr(case.beneficiary, "identity", None))
            if record is not None
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            become(obj, case_open(**form.arguments()))
            return
        data = form.cleaned_data
        if {"case_worker", "supervisor"} & set(form.changed_data):
            case_assign(obj, case_worker=data["case_worker"], supervisor=data.get("supervisor"), by=actor(request))
        if "summary" in form.changed_data:
            obj._history_user = request.user
            obj.save(update_fields=["summary", "updated_at"])
        if data.get("move_to"):
            case_move(obj, **form.move_arguments())
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        case = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            if formset.model is Goal:
                formset.new_objects.append(save_goal(request, inline_form, case))
            elif formset.model is CaseContact and inline_form.instance.pk is None:
                data = inline_form.cleaned_data
                formset.new_objects.append(
                    contact_log(
                        case,
                        kind=data["kind"],
                        happened_on=data["happened_on"],
                        note=data.get("note") or "",
                        by=actor(request),
                    )
                )


@admin.register(CaseStatusChange)
class CaseStatusChangeAdmin(RecordAdminMixin, CaseworkAdminMixin, admin.ModelAdmin):
    """Every move of every case (written by ``casework.services.case_move``)."""

    list_display = ["case", "changed_on", "from_status", "to_status", "outcome", "changed_by"]
    list_filter = ["to_status", "outcome"]
    search_fields = ["case__beneficiary__code"]
    list_select_related = ["case__beneficiary", "changed_by"]
    date_hierarchy = "changed_on"


class ContactAddForm(ContactForm):
    class Meta(ContactForm.Meta):
        fields = ["case", "happened_on", "kind", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned = forms.ModelForm.clean(self) or {}
        if not self.errors:
            service_errors(
                self,
                lambda: contact_log(
                    cleaned["case"],
                    kind=cleaned["kind"],
                    happened_on=cleaned["happened_on"],
                    note=cleaned.get("note") or "",
                    by=self.user,
                ),
            )
        return cleaned


@admin.register(CaseContact)
class CaseContactAdmin(KeptRecordMixin, CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Contacts across cases; a new one is logged through the service, a logged one stays."""

    form = ContactAddForm
    list_display = ["case", "happened_on", "kind", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["case__beneficiary__code"]
    autocomplete_fields = ["case"]
    list_select_related = ["case__beneficiary", "recorded_by"]
    date_hierarchy = "happened_on"
    formfield_overrides = SMALL_TEXT

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["fields"] = ["case", "happened_on", "kind", "note"]
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["case", "happened_on", "kind", "note"]
        return ["case", "happened_on", "kind", "note", "recorded_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        contact = contact_log(
            data["case"],
            kind=data["kind"],
            happened_on=data["happened_on"],
            note=data.get("note") or "",
            by=actor(request),
        )
        become(obj, contact)
