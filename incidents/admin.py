from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from communities.admin_bulk import ExportMixin
from communities.admin_site import LabelledTabularInline, ReadableHistoryMixin
from incidents.models import (
    MANUAL_ACTION_KINDS,
    TARGET_STATUSES,
    TRANSITIONS,
    Incident,
    IncidentAction,
    IncidentParty,
    IncidentStatus,
    ResponseMode,
)
from incidents.privacy import INCIDENT
from incidents.services import (
    ensure_action_moment,
    incident_action_add,
    incident_assign,
    incident_open,
    incident_transition,
)
from negotiators.models import Negotiator
from privacy.admin import (
    AdminLogWithoutPersonalDataMixin,
    PersonAdminMixin,
    PersonalDataAdminMixin,
    PersonalDataInlineMixin,
    PersonInlineMixin,
    PhoneLocationAdminMixin,
    RedactionAdminMixin,
    log_shown,
    reads_personal_data,
)
from privacy.search import BlindIndexSearchMixin


class IncidentPartyInline(PersonalDataInlineMixin, PersonInlineMixin, admin.StackedInline):
    """Shown only to those who read personal data; the case's change view logs that they did.
    Stacked: five fields and the privacy tools in a row made the case's form twice a laptop's
    width."""

    privacy_kind = "party"
    model = IncidentParty
    extra = 0
    fields = ["role", "full_name", "phone", "is_minor", "sex", "age_group", "vulnerable_group", "notes"]


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


class IncidentActionInline(LabelledTabularInline):
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
    transition_note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Incident
        # Status, closing time and response change only through the workflow fields below.
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
            "location_accuracy_m",
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
            for name in ("transition_to", "transition_response_mode", "transition_note"):
                del self.fields[name]


class NegotiatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # No name: this list is on every page of the case list, for every negotiator, and a name
        # shown there would be personal data shown unlogged (and decrypted by the thousand).
        return _("Negotiator #%(id)s · %(community)s") % {"id": obj.pk, "community": obj.community}


class IncidentBulkForm(helpers.ActionForm):
    """The change list's action bar, with the negotiator the "assign" action puts in charge."""

    negotiator = NegotiatorChoiceField(
        label=_("Negotiator to assign"),
        queryset=Negotiator.objects.filter(is_active=True)
        .select_related("community")
        .order_by("community__name", "pk"),
        required=False,
    )


def _move_to(status: IncidentStatus):
    def move(modeladmin, request, queryset):
        modeladmin.move_selection(request, queryset, status)

    move.__name__ = f"move_to_{status.value}"
    return move


@admin.register(Incident)
class IncidentAdmin(
    PhoneLocationAdminMixin,
    ExportMixin,
    RedactionAdminMixin,
    ReadableHistoryMixin,
    AdminLogWithoutPersonalDataMixin,
    SimpleHistoryAdmin,
):
    form = IncidentAdminForm
    redaction_kind = INCIDENT
    action_form = IncidentBulkForm
    # The columns staff sort by, Status early, few enough for a 1366 px screen.
    list_display = ["id", "shown_title", "status", "severity", "category", "community", "occurred"]
    export_fields = [
        "id",
        "shown_title",
        "status",
        "severity",
        "category",
        "community",
        "occurred_at",
        "closed_at",
        "response_mode",
        "referred_to",
        "source",
        "police_involved",
        "negotiator",
        "location",
        "phone_location",
    ]
    bulk_actions = ("assign_negotiator", "export_csv", "export_xlsx")
    list_display_links = ["id", "shown_title"]
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

    # --- bulk work (communities.admin_bulk) ---

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # Who may not assign (a programme manager) does not get the negotiator to choose.
        action_form = (getattr(response, "context_data", None) or {}).get("action_form")
        if action_form is not None and not self.has_change_permission(request):
            action_form.fields.pop("negotiator", None)
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            for status in TARGET_STATUSES:
                action = _move_to(status)
                description = _("Move to “%(status)s”") % {"status": status.label}
                actions[action.__name__] = (action, action.__name__, description)
        elif "assign_negotiator" in actions:
            del actions["assign_negotiator"]
        return actions

    def move_selection(self, request, queryset, status):
        """Each selected case through the workflow's service; the ones it refuses are named with
        the reason, the others moved (and logged)."""
        moved, refused = 0, []
        for incident in queryset.select_related("community"):
            try:
                incident_transition(incident=incident, to_status=status, actor=request.user)
            except ValidationError as error:
                refused.append(f"#{incident.pk}: {' '.join(error.messages)}")
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext("%(count)d case moved to “%(status)s”.", "%(count)d cases moved to “%(status)s”.", moved)
                % {"count": moved, "status": status.label},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Not moved: %(cases)s") % {"cases": "; ".join(refused)},
                messages.ERROR,
            )

    @admin.action(description=_("Assign the chosen negotiator"), permissions=["change"])
    def assign_negotiator(self, request, queryset):
        try:
            negotiator = self.action_form().fields["negotiator"].clean(request.POST.get("negotiator"))
        except ValidationError:
            negotiator = None
        if negotiator is None:
            self.message_user(request, _("Choose the negotiator to assign next to the action."), messages.ERROR)
            return
        assigned, refused = 0, []
        for incident in queryset.select_related("community"):
            try:
                incident_assign(incident=incident, negotiator=negotiator, actor=request.user)
            except ValidationError as error:
                refused.append(f"#{incident.pk}: {' '.join(error.messages)}")
            else:
                assigned += 1
        if assigned:
            self.message_user(
                request,
                ngettext("%(count)d case assigned.", "%(count)d cases assigned.", assigned) % {"count": assigned},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, _("Not assigned: %(cases)s") % {"cases": "; ".join(refused)}, messages.ERROR)

    export_personal_prefetch = ("parties",)

    def export_personal_columns(self, request):
        def parties(incident):
            return "; ".join(
                f"{party.display_name} ({party.get_role_display()}{', ' + party.phone if party.phone else ''})"
                for party in incident.parties.all()
            )

        return [(_("parties"), parties)]

    def export_personal_records(self, objects):
        return [party for incident in objects for party in incident.parties.all()]

    @admin.display(description=_("occurred at"), ordering="occurred_at")
    def occurred(self, obj):
        # The short form, in the reader's language's own order: the long one took a quarter of a
        # laptop's list.
        return formats.date_format(timezone.localtime(obj.occurred_at), "SHORT_DATETIME_FORMAT")

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
                {"fields": ["description", "location", *self.location_fields(request), "internal_notes"]},
            ),
        ]
        if self.shows_redaction(request, obj):
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
                            "transition_response_mode",
                            "transition_note",
                        ]
                    },
                ),
            )
            fieldsets.append((_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}))
        return fieldsets

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj):
        return obj.display_title

    def save_model(self, request, obj, form, change):
        if "title" in form.changed_data:
            obj.title_is_automatic = False
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
class IncidentActionAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """The whole log across cases. Entries are added here or on the case, never edited here; an
    entry corrected from the field app shows who corrected what on its history page."""

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
