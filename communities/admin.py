from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.admin_bulk import ExportMixin
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from communities.models import (
    Community,
    Engagement,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
    engagement_event_errors,
)
from communities.selectors import with_partnership_state
from communities.services import (
    community_save,
    community_touch,
    partnership_delete,
    partnership_periods_errors,
    partnership_save,
)

admin.site.site_header = _("Zlagoda: programme administration")
admin.site.site_title = _("Zlagoda")
admin.site.index_title = _("Programme data")


class AnyRoleLoginForm(AdminAuthenticationForm):
    """Every role may sign in at ``/admin/login/``; ``communities.views.admin_login`` sends those
    without the admin to their own home rather than refusing a correct password."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)


admin.site.login_form = AnyRoleLoginForm


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "community_count"]
    list_filter = ["country"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(community_count=Count("communities"))

    @admin.display(description=_("communities"), ordering="community_count")
    def community_count(self, obj):
        return obj.community_count


class PartnershipFormSet(forms.BaseInlineFormSet):
    """The community's periods as typed, checked together: ``Partnership.clean`` compares a row
    only with the saved ones, and formsets skip conditional unique constraints, so two new open
    periods would reach the database (IntegrityError) and two new overlapping ones be saved."""

    def clean(self):
        super().clean()
        forms_with_periods = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk is not None)
            and not (self.can_delete and self._should_delete_form(form))
            and getattr(form, "cleaned_data", {}).get("joined_on") is not None
        ]
        periods = [(form.cleaned_data["joined_on"], form.cleaned_data.get("left_on")) for form in forms_with_periods]
        for index, errors in partnership_periods_errors(periods).items():
            for field, message in errors.items():
                forms_with_periods[index].add_error(field, message)


class PartnershipInline(LabelledTabularInline):
    model = Partnership
    formset = PartnershipFormSet
    extra = 0
    fields = ["joined_on", "left_on", "leave_reason", "note"]
    # A short note: the default text area made the community's form wider than a laptop's screen.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}


@admin.register(Community)
class CommunityAdmin(ExportMixin, ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "region", "kind", "population", "is_partner"]
    export_fields = ["id", "name", "region", "kind", "population", "latitude", "longitude", "is_partner"]
    list_filter = ["region__country", "region", "kind"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]
    inlines = [PartnershipInline]
    list_select_related = ["region"]

    def get_queryset(self, request):
        return with_partnership_state(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        community_save(community=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Partnership:
            return super().save_formset(request, form, formset, change)
        # Through the services, so the community counts as changed for the API's sync.
        partnerships = formset.save(commit=False)
        partnership_delete(partnerships=Partnership.objects.filter(pk__in=[obj.pk for obj in formset.deleted_objects]))
        for partnership in partnerships:
            partnership_save(partnership=partnership)
        community_touch(community_ids=[form.instance.pk])
        return None

    @admin.display(description=_("partner now"), boolean=True, ordering="is_partner")
    def is_partner(self, obj):
        return obj.is_partner


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["community", "joined_on", "left_on", "leave_reason"]
    list_filter = ["leave_reason", "community__region"]
    search_fields = ["community__name", "note"]
    autocomplete_fields = ["community"]
    date_hierarchy = "joined_on"
    list_select_related = ["community"]

    def save_model(self, request, obj, form, change):
        partnership_save(partnership=obj)

    def delete_model(self, request, obj):
        partnership_delete(partnerships=Partnership.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        partnership_delete(partnerships=queryset)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "is_active", "community_count"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["communities", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(community_count=Count("communities", distinct=True))

    @admin.display(description=_("communities covered"), ordering="community_count")
    def community_count(self, obj):
        return obj.community_count


@admin.register(SafetyAssessment)
class SafetyAssessmentAdmin(admin.ModelAdmin):
    list_display = [
        "community",
        "year",
        "half",
        "respondents",
        "perceived_safety",
        "trust_in_police",
        "police_interaction",
        "cohesion",
    ]
    list_filter = ["programme", "year", "half", "community__region"]
    search_fields = ["community__name", "identified_risks", "safety_resources"]
    autocomplete_fields = ["community"]
    date_hierarchy = "assessed_on"
    list_select_related = ["community"]
    fieldsets = [
        (None, {"fields": ["community", "programme", ("year", "half"), "assessed_on", "respondents"]}),
        (
            _("Scores (1 = worst, 5 = best)"),
            {
                "fields": [
                    ("perceived_safety", "trust_in_police", "police_interaction"),
                    ("cohesion", "stakeholder_communication"),
                    ("inclusion", "infrastructure_safety"),
                ]
            },
        ),
        (_("Risks and resources"), {"fields": ["identified_risks", "safety_resources"]}),
    ]


class EngagementAdminForm(forms.ModelForm):
    class Meta:
        model = Engagement
        # The admin's fieldsets choose the fields shown; these are the ones the form may take.
        fields = [field.name for field in Engagement._meta.get_fields() if field.concrete and field.editable]

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community")
        events = cleaned.get("events")
        if community is not None and events:
            errors = engagement_event_errors(Engagement(community=community), events)
            if errors:
                self.add_error("events", errors)
        return cleaned


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    form = EngagementAdminForm
    list_display = ["community", "mode", "topic", "starts_on", "ends_on", "partner"]
    list_filter = ["programme", "mode", "topic", "community__region__country"]
    search_fields = ["community__name", "trigger", "outcome"]
    autocomplete_fields = ["community", "partner", "trigger_incident", "follows", "events"]
    date_hierarchy = "starts_on"
    list_select_related = ["community", "partner"]
    fieldsets = [
        (None, {"fields": ["community", "programme", "partner", "mode", "topic", ("starts_on", "ends_on"), "trigger"]}),
        (_("Links"), {"fields": ["trigger_incident", "follows", "events"]}),
        (
            _("Service lines"),
            {"fields": [("line_communication", "line_process_mapping", "line_participation", "line_mediation")]},
        ),
        (_("Outcome"), {"fields": ["outcome"]}),
    ]
