"""Referrals followed to the end, with their moves and the *overdue* filter."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.admin.base import (
    KEEP,
    SMALL_TEXT,
    CaseworkAdminMixin,
    ReadOnlyInline,
    RecordAdminMixin,
    actor,
    become,
    service_errors,
    with_request,
)
from casework.models import REFERRAL_MOVES, Referral, ReferralStatus, ReferralStatusChange
from casework.selectors import visible_referrals
from casework.services import referral_create, referral_move, referral_update
from casework.todo import overdue_referrals
from communities.admin_site import ReadableHistoryMixin


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
