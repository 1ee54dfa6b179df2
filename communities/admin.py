from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.models import Community, Engagement, PartnerOrganisation, Partnership, Region, SafetyAssessment
from communities.selectors import with_partnership_state

admin.site.site_header = _("Zlagoda: programme administration")
admin.site.site_title = _("Zlagoda")
admin.site.index_title = _("Programme data")


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


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    fields = ["joined_on", "left_on", "leave_reason", "note"]


@admin.register(Community)
class CommunityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "kind", "population", "is_partner"]
    list_filter = ["region__country", "region", "kind"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]
    inlines = [PartnershipInline]
    list_select_related = ["region"]

    def get_queryset(self, request):
        return with_partnership_state(super().get_queryset(request))

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
    list_filter = ["year", "half", "community__region"]
    search_fields = ["community__name", "identified_risks", "safety_resources"]
    autocomplete_fields = ["community"]
    date_hierarchy = "assessed_on"
    list_select_related = ["community"]
    fieldsets = [
        (None, {"fields": ["community", ("year", "half"), "assessed_on", "respondents"]}),
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


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["community", "mode", "topic", "starts_on", "ends_on", "partner"]
    list_filter = ["mode", "topic", "community__region__country"]
    search_fields = ["community__name", "trigger", "outcome"]
    autocomplete_fields = ["community", "partner"]
    date_hierarchy = "starts_on"
    list_select_related = ["community", "partner"]
    fieldsets = [
        (None, {"fields": ["community", "partner", "mode", "topic", ("starts_on", "ends_on"), "trigger"]}),
        (
            _("Service lines"),
            {"fields": [("line_communication", "line_process_mapping", "line_participation", "line_mediation")]},
        ),
        (_("Outcome"), {"fields": ["outcome"]}),
    ]
