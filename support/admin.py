"""The staff side of the support to municipalities: an engagement's page with its activities and
recommendations (staff think of them on one screen), and the roster of mediators.

``communities`` cannot know this app (it is a layer below), so the engagement's admin registered
there is replaced here by a subclass with the two inlines, as ``events.admin`` does for the
outreach event's. Every write goes through ``support.services``.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.admin import EngagementAdmin
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from communities.models import Engagement, engagement_event_errors
from support.models import (
    RECOMMENDATION_MOVES,
    Activity,
    Mediator,
    Recommendation,
    RecommendationStatus,
)
from support.selectors import with_hours_delivered
from support.services import (
    activity_delete,
    activity_save,
    recommendation_delete,
    recommendation_move,
    recommendation_move_errors,
    recommendation_save,
)

SMALL_TEXT: dict[Any, Any] = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}


@admin.register(Mediator)
class MediatorAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["person", "languages", "certified_on", "certification_body", "is_active", "hours_delivered"]
    list_filter = ["is_active"]
    search_fields = ["person__full_name", "person__organisation", "languages"]
    autocomplete_fields = ["person"]
    list_select_related = ["person"]
    readonly_fields = ["hours_delivered"]
    fields = ["person", "training", ("certified_on", "certification_body"), "languages", "is_active", "hours_delivered"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return with_hours_delivered(super().get_queryset(request))

    @admin.display(description=_("hours delivered"), ordering="hours_delivered")
    def hours_delivered(self, obj: Mediator) -> Any:
        return getattr(obj, "hours_delivered", None) or 0


ACTIVITY_FIELDS = ["line", "step", "date", "hours", "staff", "mediators", "events", "notes"]
RECOMMENDATION_FIELDS = ["line", "text", "made_on", "status", "status_on", "evidence"]


class ActivityForm(forms.ModelForm):
    """Someone did it, and the events it was are in the engagement's community (as typed: on the
    engagement's page, the engagement being edited there)."""

    class Meta:
        model = Activity
        fields = ["engagement", *ACTIVITY_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("staff") and not cleaned.get("mediators"):
            self.add_error("staff", _("Say who did it: a member of staff or a mediator."))
        engagement, events = cleaned.get("engagement"), cleaned.get("events")
        if engagement is not None and engagement.community_id is not None and events:
            errors = engagement_event_errors(engagement, events)
            if errors:
                self.add_error("events", errors)
        return cleaned


class ActivityInline(LabelledTabularInline):
    model = Activity
    form = ActivityForm
    fields = tuple(ACTIVITY_FIELDS)
    extra = 0
    autocomplete_fields = ["staff", "mediators", "events"]
    formfield_overrides = SMALL_TEXT


def save_activity(request: HttpRequest, form: ActivityForm) -> None:
    activity_save(
        activity=form.instance,
        actor=request.user,  # type: ignore[arg-type]
        staff=list(form.cleaned_data.get("staff") or []),
        mediators=list(form.cleaned_data.get("mediators") or []),
        events=list(form.cleaned_data.get("events") or []),
    )


class RecommendationForm(forms.ModelForm):
    """A new recommendation is *proposed*; a stored one moves only along ``RECOMMENDATION_MOVES``,
    on the date given (today by default)."""

    class Meta:
        model = Recommendation
        fields = ["engagement", *RECOMMENDATION_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.status if self.instance.pk else RecommendationStatus.PROPOSED
        allowed = [stored, *(RECOMMENDATION_MOVES[stored] if self.instance.pk else ())]
        choices = [(status, RecommendationStatus(status).label) for status in allowed]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
        self.fields["status_on"].required = False
        self.stored_status = stored
        self.stored_status_on = self.instance.status_on if self.instance.pk else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        if status and status != self.stored_status:
            on = cleaned.get("status_on")
            if on is None or on == self.stored_status_on:
                on = timezone.localdate()
                cleaned["status_on"] = on
            stored = Recommendation(status=self.stored_status, status_on=self.stored_status_on or on)
            for field, message in recommendation_move_errors(recommendation=stored, status=status, on=on).items():
                self.add_error(field, message)
        elif cleaned.get("status_on") is None:
            cleaned["status_on"] = self.stored_status_on or cleaned.get("made_on")
        return cleaned


class RecommendationInline(LabelledTabularInline):
    model = Recommendation
    form = RecommendationForm
    fields = tuple(RECOMMENDATION_FIELDS)
    extra = 0
    formfield_overrides = SMALL_TEXT


def save_recommendation(request: HttpRequest, saved: RecommendationForm) -> None:
    """Save a recommendation as edited: its text and dates, then its move to another status
    (through the life cycle, logged with who made it)."""
    recommendation = saved.instance
    status, on = recommendation.status, recommendation.status_on
    if recommendation.pk is None or status == saved.stored_status:
        recommendation_save(recommendation=recommendation, actor=request.user)  # type: ignore[arg-type]
        return
    evidence = recommendation.evidence
    recommendation.status, recommendation.status_on = saved.stored_status, saved.stored_status_on
    recommendation.evidence = Recommendation.objects.get(pk=recommendation.pk).evidence
    recommendation_save(recommendation=recommendation, actor=request.user)  # type: ignore[arg-type]
    recommendation_move(
        recommendation=recommendation,
        status=status,
        on=on,
        evidence=evidence,
        actor=request.user,  # type: ignore[arg-type]
    )


class SupportEngagementAdmin(EngagementAdmin):
    inlines = [*EngagementAdmin.inlines, ActivityInline, RecommendationInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Activity:
            formset.save(commit=False)
            activity_delete(activities=formset.deleted_objects)
            for saved in formset.saved_forms:
                save_activity(request, saved)
            return None
        if formset.model is Recommendation:
            formset.save(commit=False)
            recommendation_delete(recommendations=formset.deleted_objects)
            for saved in formset.saved_forms:
                save_recommendation(request, saved)
            return None
        return super().save_formset(request, form, formset, change)


@admin.register(Activity)
class ActivityAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """Every activity across engagements (mostly edited on the engagement's page)."""

    form = ActivityForm
    list_display = ["date", "engagement", "line", "step", "hours"]
    list_filter = ["line", "step", "engagement__mode", "engagement__programme"]
    search_fields = ["engagement__community__name"]
    autocomplete_fields = ["engagement", "staff", "mediators", "events"]
    date_hierarchy = "date"
    list_select_related = ["engagement__community"]

    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        save_activity(request, form)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # who did it and the events were saved with the activity (save_model)

    def delete_model(self, request: HttpRequest, obj: Activity) -> None:
        activity_delete(activities=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        activity_delete(activities=queryset)


@admin.register(Recommendation)
class RecommendationAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """Every recommendation across engagements, to follow them to implementation."""

    form = RecommendationForm
    list_display = ["__str__", "engagement", "line", "made_on", "status", "status_on"]
    list_filter = ["status", "line", "engagement__programme"]
    search_fields = ["text", "engagement__community__name"]
    autocomplete_fields = ["engagement"]
    date_hierarchy = "made_on"
    list_select_related = ["engagement__community"]

    def save_model(self, request: HttpRequest, obj: Recommendation, form: Any, change: bool) -> None:
        save_recommendation(request, form)

    def delete_model(self, request: HttpRequest, obj: Recommendation) -> None:
        recommendation_delete(recommendations=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        recommendation_delete(recommendations=queryset)


admin.site.unregister(Engagement)
admin.site.register(Engagement, SupportEngagementAdmin)
