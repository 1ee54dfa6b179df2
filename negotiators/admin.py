from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from negotiators.models import MediaMention, Negotiator, NegotiatorContact, OutreachEvent
from negotiators.services import ensure_organisers_of, event_update
from privacy.admin import PersonAdminMixin, PersonInlineMixin


class NegotiatorContactInline(PersonInlineMixin, admin.StackedInline):
    privacy_kind = "contact"
    model = NegotiatorContact
    can_delete = False
    min_num = 1
    fields = ["full_name", "gender", "phone", "email", "notes"]


@admin.register(Negotiator)
class NegotiatorAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "community", "cohort", "status", "certified_on", "is_active", "event_count"]
    list_filter = ["status", "cohort", "is_active", "community__region", "contact__gender"]
    search_fields = ["contact__full_name", "contact__phone", "contact__email", "community__name"]
    autocomplete_fields = ["community", "user"]
    readonly_fields = ["status"]
    inlines: list[type[InlineModelAdmin]] = [NegotiatorContactInline]
    list_select_related = ["community", "contact"]
    date_hierarchy = "joined_on"
    fields = ["community", "cohort", "status", "certified_on", "joined_on", "is_active", "user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events", distinct=True))

    @admin.display(description=_("full name"), ordering="contact__full_name")
    def full_name(self, obj):
        return str(obj)

    @admin.display(description=_("events organised"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


@admin.register(NegotiatorContact)
class NegotiatorContactAdmin(PersonAdminMixin, SimpleHistoryAdmin):
    privacy_kind = "contact"
    list_display = ["full_name", "negotiator_community", "gender", "phone", "email"]
    list_filter = ["gender", "negotiator__community__region"]
    search_fields = ["full_name", "phone", "email"]
    autocomplete_fields = ["negotiator"]
    list_select_related = ["negotiator__community"]

    @admin.display(description=_("community"), ordering="negotiator__community__name")
    def negotiator_community(self, obj):
        return obj.negotiator.community


class OutreachEventForm(forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = [
            "community",
            "kind",
            "title",
            "date",
            "place",
            "topic",
            "organisers",
            "participants_total",
            "participants_women",
            "participants_men",
            "participants_youth",
            "participants_idps",
            "participants_veterans",
            "participants_vulnerable",
            "police_present",
            "local_government_present",
            "ngos_present",
            "summary",
            "internal_notes",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            ensure_organisers_of(community=cleaned.get("community"), organisers=cleaned.get("organisers") or [])
        except ValidationError as error:
            self.add_error("organisers", error.message_dict["organisers"])
        return cleaned


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    form = OutreachEventForm
    list_display = [
        "date",
        "title",
        "community",
        "kind",
        "topic",
        "participants_total",
        "police_present",
        "local_government_present",
    ]
    list_filter = ["kind", "topic", "police_present", "local_government_present", "community__region"]
    search_fields = ["title", "place", "summary", "community__name"]
    autocomplete_fields = ["community", "organisers"]
    date_hierarchy = "date"
    list_select_related = ["community"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["community", "kind", "title", "date", "place", "topic", "organisers"]}),
        (
            _("Participants"),
            {
                "fields": [
                    "participants_total",
                    ("participants_women", "participants_men"),
                    ("participants_youth", "participants_idps", "participants_veterans", "participants_vulnerable"),
                ]
            },
        ),
        (_("Partners present"), {"fields": [("police_present", "local_government_present", "ngos_present")]}),
        (_("Notes"), {"fields": ["summary", "internal_notes"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if change:
            event_update(event=obj, actor=request.user, organisers=form.cleaned_data.get("organisers"))
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MediaMention)
class MediaMentionAdmin(admin.ModelAdmin):
    list_display = ["published_on", "outlet", "medium", "title", "reach", "community"]
    list_filter = ["medium", "community__region"]
    search_fields = ["outlet", "title", "url"]
    autocomplete_fields = ["community", "event"]
    date_hierarchy = "published_on"
    list_select_related = ["community"]
