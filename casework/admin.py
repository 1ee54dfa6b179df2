"""The staff side of case work. Case workers and volunteers work from the field app; staff who
read personal data keep every case here. Anyone else who uses the admin (a programme manager, the
data protection officer) finds no case work at all: every URL answers "not found" and the index
does not list it (``privacy.admin.PersonalDataAdminMixin``); only the directory of agencies, which
names offices and no person, is open to them.

Every page that opens a case-work record logs the opening (``privacy.viewlog``); every write goes
through ``casework.services``. The forms ask the service before saving (:func:`service_errors`
runs it and rolls it back), so a refusal is an error on the form with everything typed kept.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from access.capabilities import CAPABILITIES, Capability
from access.viewer import request_viewer
from casework.models import (
    CASE_MOVES,
    REFERRAL_MOVES,
    ActionStatus,
    Agency,
    AgreementItem,
    AgreementParty,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseContact,
    CaseOutcome,
    CaseStatus,
    CaseStatusChange,
    Consent,
    FollowUpVisit,
    Goal,
    GoalStatus,
    MediationAgreement,
    MediationSession,
    Need,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Vulnerability,
)
from casework.selectors import (
    reads_identity_of,
    sees_every_case,
    visible_beneficiaries,
    visible_cases,
    visible_referrals,
)
from casework.services import (
    ACTION_FIELDS,
    IDENTITY_FIELDS,
    action_add,
    action_cancel,
    action_done,
    action_update,
    beneficiary_register,
    case_assign,
    case_move,
    case_open,
    consent_record,
    consent_withdraw,
    contact_log,
    goal_add,
    goal_set_status,
    goal_update,
    identity_save,
    needs_assess,
    referral_create,
    referral_move,
    referral_update,
)
from casework.todo import overdue_referrals
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from privacy.admin import PersonAdminMixin, PersonalDataAdminMixin, PersonalDataInlineMixin, may_erase_in, redact_link
from privacy.models import ViewChannel
from privacy.search import BlindIndexSearchMixin
from privacy.viewlog import record_view

User = get_user_model()
SMALL_TEXT: dict[Any, Any] = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}
KEEP = [("", _("(keep the status)"))]


# --- asking the services --------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised to roll back a service run only to learn whether it would succeed."""


def service_errors(form: forms.BaseForm, run: Callable[[], Any], fields: dict[str, str] | None = None) -> None:
    """Run ``run`` (a service call) and roll it back; its refusals become errors of ``form``,
    on the form's field named by ``fields`` (the service's field -> the form's), on the field of
    the same name, or on the whole form."""
    try:
        with transaction.atomic():
            run()
            raise _DryRun
    except _DryRun:
        return
    except PermissionDenied as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        add_errors(form, error, fields or {})


def add_errors(form: forms.BaseForm, error: ValidationError, fields: dict[str, str]) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = fields.get(field, field)
        form.add_error(name if name in form.fields else None, messages)


def actor(request: HttpRequest) -> Any:
    """Who is working (signed in: the admin lets no one else in)."""
    return request.user


def with_request(form_class: type[Any], request: HttpRequest) -> type[Any]:
    """``form_class`` knowing who is working (the services need ``by``)."""
    return type(form_class.__name__, (form_class,), {"user": request.user})


def become(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved (the admin's messages, log and
    redirect read it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


def case_workers() -> QuerySet[Any]:
    """The users who may work or supervise a case (superusers count as staff)."""
    roles = [role.value for role, capabilities in CAPABILITIES.items() if Capability.WORKS_CASES in capabilities]
    return (
        User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=roles), is_active=True)
        .distinct()
        .order_by("username")
    )


# --- the shared shape of the case-work admins -----------------------------------------------------


class CaseworkAdminMixin(PersonalDataAdminMixin):
    """Object-level access and the view log for every case-work admin.

    ``case_path`` leads from the model to its ``Case`` (``""``: the model is the case); the
    queryset keeps the rows of the cases the viewer may open (staff who read personal data: all),
    so any other row is "not found". A change or history page logs the record it opened; a list
    shows case codes only and logs nothing unless ``lists_personal_data``.
    """

    case_path = "case"
    lists_personal_data = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        viewer = request_viewer(request)
        if sees_every_case(viewer):
            return queryset
        return self.scoped(queryset, viewer)

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        cases = visible_cases(viewer).values("pk")
        return queryset.filter(**{f"{self.case_path}__in" if self.case_path else "pk__in": cases})

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.lists_personal_data:
            return super().changelist_view(request, extra_context)
        # Skip the mixin's logging of every listed row: the list shows no personal data.
        return super(PersonalDataAdminMixin, self).changelist_view(request, extra_context)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # The history shows the old values: it is an opening too.
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        record = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if response.status_code == 200 and record is not None:
            record_view(request.user, self.personal_records([record]), ViewChannel.ADMIN, request)
        return response


class ReadOnlyInline(LabelledTabularInline):
    """Rows shown, every column read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeptRecordMixin:
    """Never deleted here: a record of what happened (a consent and its withdrawal, a contact, an
    assessment). A person's data goes by anonymisation, which keeps the counts."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdminMixin(KeptRecordMixin):
    """Read-only: a log written by the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- agencies -------------------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """The directory of offices people are referred to (their contacts are the offices')."""

    list_display = ["name", "kind", "country", "region", "community", "phone", "active"]
    list_filter = ["kind", "country", "active", "region"]
    search_fields = ["name", "address", "community__name", "region__name"]
    autocomplete_fields = ["region", "community"]
    list_select_related = ["region", "community"]


# --- the person -----------------------------------------------------------------------------------


class BeneficiaryRegisterForm(forms.ModelForm):
    """A new person: who they are, and the consent or other legal basis, in one go."""

    user: Any = None
    vulnerabilities = forms.MultipleChoiceField(
        label=_("vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    full_name = BeneficiaryIdentity._meta.get_field("full_name").formfield()
    year_of_birth = BeneficiaryIdentity._meta.get_field("year_of_birth").formfield()
    phone = BeneficiaryIdentity._meta.get_field("phone").formfield()
    email = BeneficiaryIdentity._meta.get_field("email").formfield()
    address = BeneficiaryIdentity._meta.get_field("address").formfield(widget=forms.Textarea(attrs={"rows": 2}))
    document_kind = BeneficiaryIdentity._meta.get_field("document_kind").formfield()
    document_number = BeneficiaryIdentity._meta.get_field("document_number").formfield()
    basis = Consent._meta.get_field("basis").formfield()
    purpose = Consent._meta.get_field("purpose").formfield(widget=forms.Textarea(attrs={"rows": 2}))
    given_on = Consent._meta.get_field("given_on").formfield()
    method = Consent._meta.get_field("method").formfield(required=False)

    class Meta:
        model = Beneficiary
        fields = ["community", "sex", "languages"]

    identity_fields = ("full_name", "year_of_birth", "phone", "email", "address", "document_kind", "document_number")
    consent_fields = ("basis", "purpose", "given_on", "method")

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        consent = {name: data.get(name) for name in self.consent_fields if data.get(name) not in (None, "")}
        return {
            "community": data.get("community"),
            "identity": {name: data.get(name) or "" for name in self.identity_fields},
            "consent": consent,
            "sex": data.get("sex") or "undisclosed",
            "vulnerabilities": data.get("vulnerabilities") or [],
            "languages": data.get("languages") or "",
            "by": self.user,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            service_errors(self, lambda: beneficiary_register(**self.arguments()))
        return cleaned


class BeneficiaryForm(forms.ModelForm):
    class Meta:
        model = Beneficiary
        fields = [
            "community",
            "sex",
            "vulnerable_refugee",
            "vulnerable_disability",
            "vulnerable_veteran",
            "vulnerable_displaced",
            "vulnerable_older_person",
            "vulnerable_single_parent",
            "vulnerable_other",
            "languages",
        ]


class IdentityForm(forms.ModelForm):
    user: Any = None

    class Meta:
        model = BeneficiaryIdentity
        fields = list(IDENTITY_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and self.has_changed() and not self.errors:
            values = {name: cleaned.get(name) or "" for name in self.changed_data if name in IDENTITY_FIELDS}
            service_errors(self, lambda: identity_save(self.instance.beneficiary, by=self.user, **values))
        return cleaned


class IdentityInline(PersonalDataInlineMixin, admin.StackedInline):
    """Who the person is: only for those who read this person's identity, and logged with the
    page."""

    model = BeneficiaryIdentity
    form = IdentityForm
    can_delete = False
    extra = 0
    max_num = 1

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_request(formset.form, request)
        return formset

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not reads_identity_of(request_viewer(request), obj):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConsentForm(forms.ModelForm):
    """A new consent is recorded; a stored one only gets its withdrawal."""

    user: Any = None

    class Meta:
        model = Consent
        fields = ["beneficiary", "basis", "purpose", "given_on", "method", "withdrawn_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored_withdrawn_on = self.instance.withdrawn_on if self.instance.pk else None
        if "method" in self.fields:
            self.fields["method"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if self.instance.pk is None:
            beneficiary = cleaned.get("beneficiary") or self.instance.beneficiary
            service_errors(self, lambda: consent_record(beneficiary, **self.record_arguments()))
            return cleaned
        if set(self.changed_data) - {"withdrawn_on"}:
            self.add_error(None, gettext("A recorded consent is not changed: record a new one."))
        elif cleaned.get("withdrawn_on") != self.stored_withdrawn_on:
            on = cleaned.get("withdrawn_on")
            if on is None:
                self.add_error("withdrawn_on", gettext("A withdrawal is recorded, never undone."))
            else:
                service_errors(self, lambda: consent_withdraw(self.instance, on=on, by=self.user))
        return cleaned

    def record_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "basis": data.get("basis"),
            "purpose": data.get("purpose") or "",
            "given_on": data.get("given_on"),
            "method": data.get("method") or "",
            "by": self.user,
        }


def save_consent(request: HttpRequest, form: ConsentForm) -> Consent:
    consent = form.instance
    if consent.pk is None:
        beneficiary = form.cleaned_data.get("beneficiary") or consent.beneficiary
        return consent_record(beneficiary, **form.record_arguments())
    if consent.withdrawn_on != form.stored_withdrawn_on and consent.withdrawn_on is not None:
        return consent_withdraw(consent, on=consent.withdrawn_on, by=actor(request))
    return consent


class ConsentInline(LabelledTabularInline):
    model = Consent
    form = ConsentForm
    fields = ["basis", "purpose", "given_on", "method", "withdrawn_on"]
    extra = 0
    can_delete = False
    formfield_overrides = SMALL_TEXT

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_request(formset.form, request)
        return formset


class CaseOfPersonInline(ReadOnlyInline):
    model = Case
    fields = ["status", "opened_on", "closed_on", "outcome", "community"]
    show_change_link = True


@admin.register(Beneficiary)
class BeneficiaryAdmin(
    CaseworkAdminMixin, PersonAdminMixin, BlindIndexSearchMixin, ReadableHistoryMixin, SimpleHistoryAdmin
):
    """The people, by case code. A new one is registered with their identity and consent; the
    identity is shown (and its opening logged) only to those who read it."""

    privacy_kind = "beneficiary"
    case_path = "cases"
    list_display = ["code", "community", "sex", "age_group", "vulnerability_list", "anonymised_at"]
    list_filter = [
        "sex",
        "age_group",
        "vulnerable_refugee",
        "vulnerable_disability",
        "vulnerable_veteran",
        "vulnerable_displaced",
        "community__region__country",
    ]
    search_fields = ["code"]
    blind_index_fields = ("identity__search",)
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
    readonly_fields = ["code", "age_group", "anonymised_at"]

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_beneficiaries(viewer).values("pk"))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = BeneficiaryRegisterForm
            kwargs["fields"] = None
            return with_request(super().get_form(request, obj, change=change, **kwargs), request)
        kwargs["form"] = BeneficiaryForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (None, {"fields": ["community", "sex", "vulnerabilities", "languages"]}),
                (_("identifying data"), {"fields": list(BeneficiaryRegisterForm.identity_fields)}),
                (_("consent or legal basis"), {"fields": list(BeneficiaryRegisterForm.consent_fields)}),
            ]
        tools = ["personal_data_tools"] if may_erase_in(request) else []
        return [
            (None, {"fields": ["code", "community", "sex", "age_group", "languages", "anonymised_at", *tools]}),
            (_("vulnerabilities"), {"fields": [f"vulnerable_{value}" for value in Vulnerability.values]}),
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else [IdentityInline, ConsentInline, CaseOfPersonInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return [name for name in fields if name not in ("code", "age_group", "anonymised_at")]
        return fields

    def personal_records(self, objects: Iterable[Any]) -> list[Any]:
        # Who opens a person reads their identity (the same rule: through their cases).
        return [
            record
            for beneficiary in objects
            for record in (beneficiary, getattr(beneficiary, "identity", None))
            if record is not None
        ]

    @admin.display(description=_("vulnerabilities"))
    def vulnerability_list(self, obj: Beneficiary) -> str:
        return ", ".join(str(Vulnerability(value).label) for value in obj.vulnerabilities())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj._history_user = request.user
            super().save_model(request, obj, form, change)
            return
        become(obj, beneficiary_register(**form.arguments()))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is BeneficiaryIdentity:
            for identity_form in formset.forms:
                if identity_form.instance.pk and identity_form.has_changed():
                    values = {
                        name: identity_form.cleaned_data.get(name) or ""
                        for name in identity_form.changed_data
                        if name in IDENTITY_FIELDS
                    }
                    identity_save(form.instance, by=actor(request), **values)
                    formset.changed_objects.append((identity_form.instance, identity_form.changed_data))
            return
        if formset.model is Consent:
            for consent_form in formset.forms:
                if consent_form.has_changed():
                    consent_form.instance.beneficiary = form.instance
                    consent = save_consent(request, consent_form)
                    formset.new_objects.append(consent)
            return
        super().save_formset(request, form, formset, change)


@admin.register(BeneficiaryIdentity)
class BeneficiaryIdentityAdmin(CaseworkAdminMixin, BlindIndexSearchMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Identifying data, by itself: searched through the blind index; every list and page logged.
    Created with the person (``Beneficiary``), never here."""

    case_path = "beneficiary__cases"
    lists_personal_data = True
    list_display = ["beneficiary", "name", "document_kind"]
    list_filter = ["document_kind"]
    search_fields = ["beneficiary__code"]
    blind_index_fields = ("search",)
    list_select_related = ["beneficiary"]
    form = IdentityForm
    readonly_fields = ["beneficiary"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("full name"))
    def name(self, obj: BeneficiaryIdentity) -> str:
        return obj.full_name

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data.get(name) or "" for name in form.changed_data if name in IDENTITY_FIELDS}
        if values:
            identity_save(obj.beneficiary, by=actor(request), **values)


@admin.register(Consent)
class ConsentAdmin(KeptRecordMixin, CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Consents and other legal bases: recorded, then only withdrawn."""

    case_path = "beneficiary__cases"
    form = ConsentForm
    list_display = ["beneficiary", "basis", "given_on", "method", "withdrawn_on", "recorded_by"]
    list_filter = ["basis", "method", "withdrawn_on"]
    search_fields = ["beneficiary__code"]
    autocomplete_fields = ["beneficiary"]
    list_select_related = ["beneficiary", "recorded_by"]
    formfield_overrides = SMALL_TEXT

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).distinct()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["beneficiary", "basis", "purpose", "given_on", "method"]
        return ["beneficiary", "basis", "purpose", "given_on", "method", "withdrawn_on", "recorded_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["beneficiary", "basis", "purpose", "given_on", "method", "recorded_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        become(obj, save_consent(request, form))


# --- the case -------------------------------------------------------------------------------------


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
class CaseAdmin(CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """A case on one page: the person (by case code, the identity for who reads it), the life
    cycle with its moves, needs, the individual plan, contacts and referrals."""

    case_path = ""
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
        tools = ["redact_free_text"] if may_erase_in(request) else []
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
        tools = ["redact_free_text"] if may_erase_in(request) else []
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

    @admin.display(description=_("redaction"))
    def redact_free_text(self, obj: Case) -> str:
        return redact_link("case", obj)

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


# --- needs and the plan ---------------------------------------------------------------------------


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


# --- referrals ------------------------------------------------------------------------------------


class ReferralAddForm(forms.ModelForm):
    user: Any = None

    class Meta:
        model = Referral
        fields = ["case", "incident", "agency", "programme", "sent_on", "reason", "follow_up_on"]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.Meta.fields} | {
            "reason": data.get("reason") or "",
            "by": self.user,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            service_errors(self, lambda: referral_create(**self.arguments()))
        return cleaned

    def _post_clean(self) -> None:
        # The model's own checks need the community, which the service takes from the case.
        pass


class ReferralForm(forms.ModelForm):
    """A stored referral: its reason and next follow-up, and its next move with the agency's
    feedback (added to what it said before)."""

    user: Any = None
    move_to = forms.ChoiceField(label=_("Move the referral to"), required=False)
    move_on = forms.DateField(label=_("on"), required=False, initial=timezone.localdate)
    move_feedback = forms.CharField(
        label=_("the agency's feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    MOVE_FIELDS = {"status": "move_to", "on": "move_on", "feedback": "move_feedback"}

    class Meta:
        model = Referral
        fields = ["reason", "follow_up_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = REFERRAL_MOVES[ReferralStatus(self.instance.status)]
        self.fields["move_to"].choices = KEEP + [(status, ReferralStatus(status).label) for status in allowed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        referral = self.instance
        if {"reason", "follow_up_on"} & set(self.changed_data):
            service_errors(
                self,
                lambda: referral_update(
                    referral, reason=cleaned.get("reason") or "", follow_up_on=cleaned.get("follow_up_on"), by=self.user
                ),
            )
        if cleaned.get("move_to"):
            cleaned["move_on"] = cleaned.get("move_on") or timezone.localdate()
            service_errors(self, lambda: referral_move(referral, **self.move_arguments()), self.MOVE_FIELDS)
        return cleaned

    def move_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_status": data["move_to"],
            "on": data["move_on"],
            "feedback": data.get("move_feedback") or "",
            "by": self.user,
        }


class ReferralStatusChangeInline(ReadOnlyInline):
    model = ReferralStatusChange
    fields = ["changed_on", "from_status", "to_status", "changed_by"]


class OverdueReferralFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [("yes", _("Overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return overdue_referrals(queryset)
        return queryset


@admin.register(Referral)
class ReferralAdmin(CaseworkAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """Referrals followed to the end: sent, accepted, in progress, completed or declined."""

    list_display = ["__str__", "about", "agency", "status", "sent_on", "follow_up_on", "completed_on"]
    list_filter = [OverdueReferralFilter, "status", "agency__kind", "programme", "community__region__country"]
    search_fields = ["case__beneficiary__code", "agency__name"]
    autocomplete_fields = ["case", "incident", "agency"]
    date_hierarchy = "sent_on"
    list_select_related = ["case__beneficiary", "agency", "incident"]
    inlines = [ReferralStatusChangeInline]
    formfield_overrides = SMALL_TEXT

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_referrals(viewer).values("pk"))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = ReferralAddForm if obj is None else ReferralForm
        kwargs["fields"] = None
        return with_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": ReferralAddForm.Meta.fields})]
        return [
            (None, {"fields": [("case", "incident"), ("agency", "community", "programme"), "sent_on", "reason"]}),
            (
                _("Status"),
                {
                    "fields": [
                        ("status", "accepted_on", "completed_on"),
                        "follow_up_on",
                        "feedback",
                        ("move_to", "move_on"),
                        "move_feedback",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [
            "case",
            "incident",
            "agency",
            "community",
            "programme",
            "sent_on",
            "status",
            "accepted_on",
            "completed_on",
            "feedback",
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else self.inlines

    @admin.display(description=_("case or incident"))
    def about(self, obj: Referral) -> str:
        if obj.case_id is not None:
            return obj.case.beneficiary.code  # type: ignore[union-attr]
        return gettext("incident #%(number)s") % {"number": obj.incident_id}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            become(obj, referral_create(**form.arguments()))
            return
        data = form.cleaned_data
        if {"reason", "follow_up_on"} & set(form.changed_data):
            referral_update(
                obj, reason=data.get("reason") or "", follow_up_on=data.get("follow_up_on"), by=actor(request)
            )
        if data.get("move_to"):
            referral_move(obj, **form.move_arguments())
        obj.refresh_from_db()


@admin.register(ReferralStatusChange)
class ReferralStatusChangeAdmin(RecordAdminMixin, CaseworkAdminMixin, admin.ModelAdmin):
    """Every move of every referral (written by ``casework.services.referral_move``)."""

    list_display = ["referral", "changed_on", "from_status", "to_status", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["referral__case__beneficiary__code", "referral__agency__name"]
    list_select_related = ["referral__agency", "changed_by"]
    date_hierarchy = "changed_on"

    def scoped(self, queryset: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        return queryset.filter(referral__in=visible_referrals(viewer).values("pk"))


# --- mediation agreements -------------------------------------------------------------------------


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
