from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import (
    MANUAL_ACTION_KINDS,
    TRANSITIONS,
    Agency,
    Incident,
    IncidentAction,
    IncidentParty,
    IncidentStatus,
    ResponseMode,
)
from incidents.services import (
    ensure_action_moment,
    ensure_referral_names_agency,
    incident_action_add,
    incident_open,
    incident_transition,
)
from privacy.admin import (
    AdminLogWithoutPersonalDataMixin,
    PersonAdminMixin,
    PersonalDataAdminMixin,
    PersonalDataInlineMixin,
    PersonInlineMixin,
    log_shown,
    may_erase_in,
    reads_personal_data,
    redact_link,
)
from privacy.search import BlindIndexSearchMixin


class IncidentPartyInline(PersonalDataInlineMixin, PersonInlineMixin, admin.TabularInline):
    """Shown only to those who read personal data; the case's change view logs that they did."""

    privacy_kind = "party"
    model = IncidentParty
    extra = 0
    fields = ["role", "full_name", "phone", "is_minor", "notes"]


class IncidentActionForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=MANUAL_ACTION_KINDS)

    class Meta:
        model = IncidentAction
        fields = ["kind", "performed_at", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "performed_at" in self.fields:
            self.fields["performed_at"].initial = timezone.now

    def clean(self):
        # The service's own rule, here so that a wrong date is an error on the form (with
        # everything typed kept) rather than an exception when the admin saves. The incident is
        # the chosen one (action admin) or the case being edited (inline, with the typed date).
        cleaned = super().clean()
        incident = cleaned.get("incident")
        if self.instance.pk is None and incident is not None:
            try:
                ensure_action_moment(incident=incident, performed_at=cleaned.get("performed_at"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class IncidentActionInline(admin.TabularInline):
    """The log: past entries are read-only; a new row is logged through the service."""

    model = IncidentAction
    form = IncidentActionForm
    extra = 0
    can_delete = False
    fields = ["performed_at", "kind", "from_status", "to_status", "actor", "description"]

    def get_readonly_fields(self, request, obj=None):
        return ["from_status", "to_status", "actor"]

    def has_change_permission(self, request, obj=None):
        return False


class IncidentAdminForm(forms.ModelForm):
    transition_to = forms.ChoiceField(label=_("Move the case to"), required=False)
    transition_response_mode = forms.ChoiceField(
        label=_("Response"), required=False, choices=[("", "---------"), *ResponseMode.choices]
    )
    transition_referred_to = forms.ChoiceField(
        label=_("Referred to"), required=False, choices=[("", "---------"), *Agency.choices]
    )
    transition_note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Incident
        # Status, closing time, response and referral change only through the workflow fields below.
        fields = [
            "community",
            "programme",
            "title",
            "category",
            "severity",
            "occurred_at",
            "source",
            "police_involved",
            "negotiator",
            "description",
            "location",
            "latitude",
            "longitude",
            "internal_notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            allowed = TRANSITIONS[IncidentStatus(self.instance.status)]
            self.fields["transition_to"].choices = [("", _("(keep the status)"))] + [
                (status.value, status.label) for status in allowed
            ]
        else:
            for name in ("transition_to", "transition_response_mode", "transition_referred_to", "transition_note"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        try:
            ensure_referral_names_agency(
                to_status=cleaned.get("transition_to"), referred_to=cleaned.get("transition_referred_to")
            )
        except ValidationError as error:
            self.add_error("transition_referred_to", error.message_dict["referred_to"])
        return cleaned


@admin.register(Incident)
class IncidentAdmin(AdminLogWithoutPersonalDataMixin, SimpleHistoryAdmin):
    form = IncidentAdminForm
    list_display = ["id", "title", "community", "category", "severity", "status", "occurred_at", "police_involved"]
    list_display_links = ["id", "title"]
    list_filter = ["programme", "status", "category", "severity", "police_involved", "referred_to", "community__region"]
    search_fields = ["title", "description", "location", "community__name"]
    autocomplete_fields = ["community", "negotiator"]
    date_hierarchy = "occurred_at"
    list_select_related = ["community"]
    readonly_fields = ["status", "response_mode", "referred_to", "closed_at", "created_by", "created_at", "updated_at"]
    inlines = [IncidentPartyInline, IncidentActionInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if reads_personal_data(request):
            log_shown(request, response, lambda incidents: [p for i in incidents for p in i.parties.all()])
        return response

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "redact_free_text"] if obj is not None and may_erase_in(request) else fields

    @admin.display(description=_("redaction"))
    def redact_free_text(self, obj):
        return redact_link("incident", obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "community",
                        "programme",
                        "title",
                        ("category", "severity"),
                        "occurred_at",
                        ("source", "police_involved"),
                        "negotiator",
                    ]
                },
            ),
            (
                _("Details (internal)"),
                {"fields": ["description", "location", ("latitude", "longitude"), "internal_notes"]},
            ),
        ]
        if obj is not None and may_erase_in(request):
            fieldsets[-1][1]["fields"].append("redact_free_text")
        if obj is not None:
            fieldsets.insert(
                1,
                (
                    _("Status"),
                    {
                        "fields": [
                            ("status", "response_mode", "referred_to", "closed_at"),
                            "transition_to",
                            ("transition_response_mode", "transition_referred_to"),
                            "transition_note",
                        ]
                    },
                ),
            )
            fieldsets.append((_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            incident_open(incident=obj, actor=request.user)
            return
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("transition_to"):
            try:
                incident_transition(
                    incident=obj,
                    to_status=form.cleaned_data["transition_to"],
                    actor=request.user,
                    note=form.cleaned_data.get("transition_note", ""),
                    referred_to=form.cleaned_data.get("transition_referred_to", ""),
                    response_mode=form.cleaned_data.get("transition_response_mode", ""),
                )
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), level="error")
            obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not IncidentAction:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these, which formset.save() would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for action_form in formset.extra_forms:
            if action_form.has_changed() and action_form.is_valid():
                action = incident_action_add(
                    incident=form.instance,
                    kind=action_form.cleaned_data["kind"],
                    actor=request.user,
                    description=action_form.cleaned_data.get("description", ""),
                    performed_at=action_form.cleaned_data.get("performed_at"),
                )
                formset.new_objects.append(action)


@admin.register(IncidentAction)
class IncidentActionAdmin(admin.ModelAdmin):
    """The whole log across cases. Entries are added here or on the case, never edited."""

    form = IncidentActionForm
    list_display = ["performed_at", "incident", "kind", "from_status", "to_status", "actor"]
    list_filter = ["kind", "to_status", "incident__community__region"]
    search_fields = ["description", "incident__title"]
    autocomplete_fields = ["incident"]
    date_hierarchy = "performed_at"
    list_select_related = ["incident", "actor"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["incident", "kind", "performed_at", "description"]
        return ["incident", "kind", "performed_at", "actor", "from_status", "to_status", "description", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["fields"] = ["incident", "kind", "performed_at", "description"]
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        action = incident_action_add(
            incident=obj.incident,
            kind=obj.kind,
            actor=request.user,
            description=obj.description,
            performed_at=obj.performed_at,
        )
        obj.pk = action.pk


@admin.register(IncidentParty)
class IncidentPartyAdmin(PersonalDataAdminMixin, PersonAdminMixin, BlindIndexSearchMixin, admin.ModelAdmin):
    """Names and phones are encrypted: searched through the blind index, not sortable."""

    privacy_kind = "party"
    list_display = ["name", "role", "incident", "is_minor"]
    list_filter = ["role", "is_minor"]
    search_fields = ["incident__title"]
    blind_index_fields = ("search_index",)
    autocomplete_fields = ["incident"]
    list_select_related = ["incident"]

    @admin.display(description=_("full name"))
    def name(self, obj):
        return obj.full_name
