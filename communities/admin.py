from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.models import (
    ApiKey,
    ApiRequest,
    Community,
    Engagement,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
    periods_overlap,
)
from communities.selectors import with_partnership_state
from communities.services import (
    api_key_check_owner,
    api_key_issue,
    api_key_revoke,
    community_touch,
    partnership_delete,
    partnership_save,
)

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


class PartnershipFormSet(forms.BaseInlineFormSet):
    """The community's periods as typed, checked together: ``Partnership.clean`` compares a row
    only with the saved ones, and formsets skip conditional unique constraints, so two new open
    periods would reach the database (IntegrityError) and two new overlapping ones be saved."""

    def clean(self):
        super().clean()
        periods = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            joined_on = getattr(form, "cleaned_data", {}).get("joined_on")
            if joined_on is None:
                continue
            periods.append((joined_on, form.cleaned_data.get("left_on"), form))
        periods.sort(key=lambda period: period[0])
        open_seen = False
        for index, (joined_on, left_on, form) in enumerate(periods):
            if left_on is None:
                if open_seen:
                    form.add_error(
                        "left_on", _("Only one partnership period of a community can be open (without a leaving date).")
                    )
                    continue
                open_seen = True
            if any(periods_overlap((joined_on, left_on), (other[0], other[1])) for other in periods[:index]):
                form.add_error("joined_on", _("This period overlaps another partnership period of the same community."))


class PartnershipInline(admin.TabularInline):
    model = Partnership
    formset = PartnershipFormSet
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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Partnership:
            # The API shows a community's partnerships as part of it.
            community_touch(community_ids=[form.instance.pk])

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


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["partner", "user", "name", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            try:
                api_key_check_owner(
                    partner=cleaned.get("partner"), user=cleaned.get("user"), expires_at=cleaned.get("expires_at")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Issue keys (the key is shown once, on the page after saving) and revoke them. A key is never
    deleted, so the request log keeps saying who pulled what."""

    form = ApiKeyForm
    list_display = ["__str__", "partner", "user", "state", "created_at", "expires_at", "last_used_at"]
    list_filter = ["partner", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "partner__name", "partner__short_name", "user__username"]
    autocomplete_fields = ["partner", "user"]
    list_select_related = ["partner", "user"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "request_log"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "user", "name", "expires_at"]
        return ["partner", "user", "name", "prefix", "expires_at", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "partner", "user"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_revoked:
            return _("revoked")
        if obj.is_expired():
            return _("expired")
        return _("active")

    @admin.display(description=_("requests"))
    def request_log(self, obj):
        url = reverse("admin:communities_apirequest_changelist") + f"?api_key__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Requests made with this key"))

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(api_key=api_key, actor=request.user)
        self.message_user(request, _("Revoked %(count)d API keys.") % {"count": queryset.count()}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        issued = api_key_issue(
            actor=request.user, partner=obj.partner, user=obj.user, name=obj.name, expires_at=obj.expires_at
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.__dict__.update({k: v for k, v in issued.api_key.__dict__.items() if not k.startswith("_")})
        request.zlagoda_issued_token = issued.token

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new key once, on this response only: it is neither stored nor put in a message
        (which would keep it in a cookie or the session)."""
        token = getattr(request, "zlagoda_issued_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "token": token,
            "title": _("API key issued"),
            "changelist_url": reverse("admin:communities_apikey_changelist"),
        }
        response = TemplateResponse(request, "admin/communities/apikey/issued.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(ApiRequest)
class ApiRequestAdmin(admin.ModelAdmin):
    """Who pulled what: every request made with an API key. Read-only."""

    list_display = ["requested_at", "api_key", "method", "path", "query", "status_code", "duration_ms"]
    list_filter = ["status_code", "method", "api_key__partner", "api_key"]
    search_fields = ["path", "query", "api_key__prefix", "api_key__partner__name"]
    date_hierarchy = "requested_at"
    list_select_related = ["api_key__partner", "api_key__user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
