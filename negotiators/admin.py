from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from communities.admin_bulk import ExportMixin
from communities.admin_site import PastVersionsReadOnly, ReadableHistoryMixin
from negotiators.models import (
    EventLanguage,
    EventSeries,
    EventStatus,
    MediaMention,
    Negotiator,
    NegotiatorContact,
    OutreachEvent,
)
from negotiators.privacy import EVENT
from negotiators.services import ensure_organisers_of, event_update, negotiator_set_active
from privacy.admin import (
    AdminLogWithoutPersonalDataMixin,
    PersonAdminMixin,
    PersonalDataAdminMixin,
    PersonalDataInlineMixin,
    PersonInlineMixin,
    PhoneLocationAdminMixin,
    RedactionAdminMixin,
    log_listed,
    log_shown,
    reads_personal_data,
)
from privacy.models import ViewChannel
from privacy.search import BlindIndexSearchMixin
from privacy.viewlog import record_view


class NegotiatorContactInline(PersonalDataInlineMixin, PersonInlineMixin, admin.StackedInline):
    """Shown only to those who read personal data; the negotiator's change view logs that they did."""

    privacy_kind = "contact"
    model = NegotiatorContact
    can_delete = False
    min_num = 1
    fields = ["full_name", "gender", "phone", "email", "notes"]


def contacts_of(negotiators):
    """The contacts that a list or page of negotiators shows (their names)."""
    return [negotiator.contact for negotiator in negotiators if hasattr(negotiator, "contact")]


@admin.register(Negotiator)
class NegotiatorAdmin(
    ExportMixin, ReadableHistoryMixin, AdminLogWithoutPersonalDataMixin, BlindIndexSearchMixin, SimpleHistoryAdmin
):
    """Names come from the contact: shown (and logged) only to those who read personal data, and
    searched through its blind index; not sortable (encrypted)."""

    list_display = ["full_name", "community", "cohort", "status", "certified_on", "is_active", "event_count"]
    # The name is personal data: in export_personal_columns, for those who read it.
    export_fields = ["id", "community", "cohort", "status", "certified_on", "joined_on", "is_active", "event_count"]
    bulk_actions = ("mark_active", "mark_inactive", "export_csv", "export_xlsx")
    list_filter = ["status", "cohort", "is_active", "community__region", "contact__gender"]
    search_fields = ["community__name"]
    blind_index_fields = ("contact__search_index",)
    autocomplete_fields = ["community", "user"]
    readonly_fields = ["status"]
    inlines: list[type[InlineModelAdmin]] = [NegotiatorContactInline]
    list_select_related = ["community", "contact"]
    date_hierarchy = "joined_on"
    fields = ["community", "cohort", "status", "certified_on", "joined_on", "is_active", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Only held events count, as in the figures.
                event_count=Count("events", distinct=True, filter=Q(events__status=EventStatus.HELD))
            )
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if reads_personal_data(request):
            log_listed(request, response, contacts_of)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if reads_personal_data(request):
            log_shown(request, response, contacts_of)
        return response

    def history_view(self, request, object_id, extra_context=None):
        # The history names the negotiator on every row.
        response = super().history_view(request, object_id, extra_context)
        negotiator = self.get_object(request, unquote(object_id))
        if reads_personal_data(request) and response.status_code == 200 and negotiator is not None:
            record_view(request.user, contacts_of([negotiator]), ViewChannel.ADMIN, request)
        return response

    @admin.display(description=_("full name"))
    def full_name(self, obj):
        # "Negotiator #12" for viewers who do not read personal data (privacy.visibility).
        return str(obj)

    @admin.display(description=_("events organised"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("mark_active", None)
            actions.pop("mark_inactive", None)
        return actions

    def _mark(self, request, queryset, is_active):
        changed = negotiator_set_active(negotiators=queryset, is_active=is_active, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d negotiator changed.", "%(count)d negotiators changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as active"))
    def mark_active(self, request, queryset):
        self._mark(request, queryset, True)

    @admin.action(description=_("Mark as inactive"))
    def mark_inactive(self, request, queryset):
        self._mark(request, queryset, False)

    def export_personal_columns(self, request):
        def contact(attribute):
            return lambda negotiator: getattr(getattr(negotiator, "contact", None), attribute, "")

        return [(_("full name"), contact("full_name")), (_("phone"), contact("phone")), (_("e-mail"), contact("email"))]

    def export_personal_records(self, objects):
        return contacts_of(objects)


@admin.register(NegotiatorContact)
class NegotiatorContactAdmin(
    PersonalDataAdminMixin, PersonAdminMixin, BlindIndexSearchMixin, PastVersionsReadOnly, SimpleHistoryAdmin
):
    """Encrypted names, phones and e-mails: searched through the blind index, not sortable; the
    change history shows old values, so its pages are logged too."""

    privacy_kind = "contact"
    list_display = ["name", "negotiator_community", "gender", "phone_number", "email_address"]
    list_filter = ["gender", "negotiator__community__region"]
    search_fields = ["negotiator__community__name"]
    blind_index_fields = ("search_index",)
    autocomplete_fields = ["negotiator"]
    list_select_related = ["negotiator__community"]

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self.log_history_shown(request, response, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self.log_history_shown(request, response, object_id)
        return response

    def log_history_shown(self, request, response, object_id):
        # The history pages are plain responses (no context to read the record from).
        contact = self.get_object(request, unquote(object_id))
        if response.status_code == 200 and contact is not None:
            record_view(request.user, [contact], ViewChannel.ADMIN, request)

    @admin.display(description=_("full name"))
    def name(self, obj):
        return obj.full_name

    @admin.display(description=_("phone"))
    def phone_number(self, obj):
        return obj.phone

    @admin.display(description=_("e-mail"))
    def email_address(self, obj):
        return obj.email

    @admin.display(description=_("community"), ordering="negotiator__community__name")
    def negotiator_community(self, obj):
        return obj.negotiator.community


class OutreachEventForm(forms.ModelForm):
    """The start is entered as the wall-clock time of the event's own time zone (Europe/Warsaw for
    a webinar held from Poland), whatever the portal's; the date follows from it when given."""

    languages = forms.MultipleChoiceField(
        label=_("languages"), choices=EventLanguage.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = OutreachEvent
        fields = [
            "community",
            "kind",
            "title",
            "status",
            "date",
            "starts_at",
            "duration_minutes",
            "time_zone",
            "format",
            "place",
            "latitude",
            "longitude",
            "location_accuracy_m",
            "meeting_link",
            "stream_link",
            "languages",
            "interpretation",
            "series",
            "part",
            "audience_communities",
            "agenda",
            "registration_open",
            "slug",
            "capacity",
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
            "campaign",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "date" in self.fields:
            # Given by the start when there is one (checked in clean()).
            self.fields["date"].required = False
        instance = self.instance
        if "starts_at" in self.fields and instance.starts_at is not None and not self.is_bound:
            # A naive value is shown as it is: the event's wall-clock time.
            self.initial["starts_at"] = instance.starts_at.astimezone(instance.zone).replace(tzinfo=None)

    def clean_starts_at(self):
        starts_at = self.cleaned_data.get("starts_at")
        zone_name = self.data.get(self.add_prefix("time_zone"), "") if self.is_bound else ""
        if starts_at is None or not zone_name:
            return starts_at
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            return starts_at  # the model names the unknown zone
        wall_clock = timezone.make_naive(starts_at)
        return timezone.make_aware(wall_clock, zone)

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        if slug and not cleaned.get("registration_open"):
            # The address is filled in from the title as staff type it; an event without a public
            # page does not need it, and a routine title ("Information session") is often taken.
            taken = OutreachEvent.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists()
            if taken:
                cleaned["slug"] = None
        if "date" in self.fields and not cleaned.get("date"):
            if cleaned.get("starts_at") is not None:
                self.instance.time_zone = cleaned.get("time_zone") or ""
                cleaned["date"] = cleaned["starts_at"].astimezone(self.instance.zone).date()
            elif "date" not in self.errors:
                self.add_error("date", _("Give the date, or the start date and time."))
        try:
            ensure_organisers_of(community=cleaned.get("community"), organisers=cleaned.get("organisers") or [])
        except ValidationError as error:
            self.add_error("organisers", error.message_dict["organisers"])
        return cleaned


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "parts", "event_count"]
    list_filter = ["programme"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events", distinct=True))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


@admin.register(OutreachEvent)
class OutreachEventAdmin(
    PhoneLocationAdminMixin, ExportMixin, RedactionAdminMixin, ReadableHistoryMixin, SimpleHistoryAdmin
):
    form = OutreachEventForm
    redaction_kind = EVENT
    # Few enough columns for a laptop's screen; who was present is in the filters and the export.
    list_display = ["date", "shown_title", "community", "kind", "status", "topic", "participants_total"]
    list_filter = [
        "status",
        "format",
        "programme",
        "kind",
        "topic",
        "police_present",
        "local_government_present",
        "community__region",
    ]
    search_fields = ["title", "place", "summary", "community__name"]
    autocomplete_fields = ["community", "organisers", "campaign", "series"]
    filter_horizontal = ["audience_communities"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    list_select_related = ["community"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    export_fields = [
        "id",
        "date",
        "shown_title",
        "status",
        "programme",
        "community",
        "kind",
        "format",
        "topic",
        "place",
        "phone_location",
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
    ]
    fieldsets = [
        (None, {"fields": ["community", "programme", "kind", "title", "topic", "organisers"]}),
        (_("Schedule"), {"fields": ["status", "date", "starts_at", ("duration_minutes", "time_zone")]}),
        (_("Format and links"), {"fields": ["format", "place", "meeting_link", "stream_link"]}),
        (_("Languages"), {"fields": ["languages", "interpretation"]}),
        (_("Series"), {"fields": [("series", "part")]}),
        (_("Audience"), {"fields": ["audience_communities"]}),
        (_("Registration"), {"fields": ["registration_open", "slug", "capacity", "agenda"]}),
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
        (_("Advocacy"), {"fields": ["campaign"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        for _name, options in fieldsets:
            if "place" in options["fields"]:
                options["fields"] = [*options["fields"], *self.location_fields(request)]
            if "internal_notes" in options["fields"] and self.shows_redaction(request, obj):
                options["fields"] = [*options["fields"], "redact_free_text"]
        return fieldsets

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj):
        return obj.display_title

    def save_model(self, request, obj, form, change):
        if "title" in form.changed_data:
            obj.title_is_automatic = False
        if change:
            event_update(event=obj, actor=request.user, organisers=form.cleaned_data.get("organisers"))
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MediaMention)
class MediaMentionAdmin(admin.ModelAdmin):
    list_display = ["published_on", "outlet", "medium", "title", "reach", "community"]
    list_filter = ["programme", "medium", "community__region", "campaign"]
    search_fields = ["outlet", "title", "url"]
    autocomplete_fields = ["community", "event", "campaign"]
    date_hierarchy = "published_on"
    list_select_related = ["community"]
