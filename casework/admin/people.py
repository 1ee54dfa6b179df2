"""The people: registration with identity and consent, the identity, consents."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from access.viewer import request_viewer
from casework.admin.base import (
    SMALL_TEXT,
    CaseworkAdminMixin,
    KeptRecordMixin,
    ReadOnlyInline,
    actor,
    become,
    service_errors,
    with_request,
)
from casework.models import Beneficiary, BeneficiaryIdentity, Case, Consent, Vulnerability
from casework.selectors import reads_identity_of, visible_beneficiaries
from casework.services import IDENTITY_FIELDS, beneficiary_register, consent_record, consent_withdraw, identity_save
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from privacy.admin import PersonAdminMixin, PersonalDataInlineMixin, may_erase_in
from privacy.search import BlindIndexSearchMixin


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
