from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.admin_bulk import ExportMixin
from communities.admin_site import EMPTY, LabelledTabularInline, ReadableHistoryMixin
from communities.models import (
    FIRST_INSTRUMENT,
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
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
    assessment_score_delete,
    assessment_score_save,
    community_save,
    community_touch,
    instrument_new_version,
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


class AssessmentDimensionInline(LabelledTabularInline):
    """The instrument's dimensions. Once an assessment uses the instrument only their names may be
    corrected: nothing added, removed or rescaled (a new version is the way to change it)."""

    model = AssessmentDimension
    extra = 0
    fields = [
        *("position", "code", "name_uk", "name_en", "name_cs", "name_ru"),
        *("group", "scale_min", "scale_max", "direction"),
    ]

    def _in_use(self, obj: AssessmentInstrument | None) -> bool:
        return obj is not None and obj.in_use()

    def get_readonly_fields(self, request, obj=None):
        if self._in_use(obj):
            return ["code", "group", "scale_min", "scale_max", "direction"]
        return []

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(AssessmentInstrument)
class AssessmentInstrumentAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "version", "programme", "dimension_count", "assessment_count"]
    list_filter = ["programme", "code"]
    search_fields = ["name", "code", "description"]
    inlines = [AssessmentDimensionInline]
    actions = ["make_new_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("programme")
            .annotate(
                dimension_count=Count("dimensions", distinct=True), assessment_count=Count("assessments", distinct=True)
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # Another code or version would make its assessments belong to another instrument.
        return ["code", "version"] if obj is not None and obj.in_use() else []

    @admin.display(description=_("dimensions"), ordering="dimension_count")
    def dimension_count(self, obj):
        return obj.dimension_count

    @admin.display(description=_("assessments"), ordering="assessment_count")
    def assessment_count(self, obj):
        return obj.assessment_count

    @admin.action(description=_("Make a new version of the selected instruments"))
    def make_new_version(self, request, queryset):
        for instrument in queryset:
            copy = instrument_new_version(instrument=instrument)
            self.message_user(
                request,
                _(
                    "Version %(version)d of %(code)s made: change its dimensions there; "
                    "past assessments keep version %(old)d."
                )
                % {"version": copy.version, "code": copy.code, "old": instrument.version},
                messages.SUCCESS,
            )


class DimensionChoiceField(forms.ModelChoiceField):
    """A dimension with its scale, so a score is typed on the right one."""

    def label_from_instance(self, obj):
        return _("%(name)s (%(scale)s, %(direction)s)") % {
            "name": obj.localized_name(),
            "scale": obj.scale_text(),
            "direction": obj.get_direction_display().lower(),
        }


class AssessmentScoreInline(LabelledTabularInline):
    """The scores of an assessment, one per dimension of its instrument: every dimension not yet
    scored is offered as an empty row."""

    model = AssessmentScore
    fields = ["dimension", "value", "scale"]
    readonly_fields = ["scale"]

    @admin.display(description=_("scale"))
    def scale(self, obj):
        if obj.dimension_id is None:
            return EMPTY
        return obj.dimension.scale_text()

    def _dimensions(self, obj):
        return AssessmentDimension.objects.filter(instrument_id=obj.instrument_id) if obj is not None else None

    def get_formset(self, request, obj=None, **kwargs):
        dimensions = self._dimensions(obj)
        kwargs["formfield_callback"] = lambda field, **extra: (
            DimensionChoiceField(queryset=dimensions, label=field.verbose_name)
            if field.name == "dimension" and dimensions is not None
            else field.formfield(**extra)
        )
        formset = super().get_formset(request, obj, **kwargs)
        missing = list(dimensions.exclude(scores__assessment=obj)) if dimensions is not None else []

        class WithEveryDimension(formset):
            extra = len(missing)

            def __init__(self, *args, **kwargs):
                kwargs.setdefault("initial", [{"dimension": dimension.pk} for dimension in missing])
                super().__init__(*args, **kwargs)

        WithEveryDimension.__name__ = formset.__name__
        return WithEveryDimension

    def has_add_permission(self, request, obj=None):
        return obj is not None and super().has_add_permission(request, obj)


class ReadOnlyListAdmin(admin.ModelAdmin):
    """A list to search and filter, written only from the page of the record it belongs to."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentDimension)
class AssessmentDimensionAdmin(ReadOnlyListAdmin):
    """Every instrument's dimensions side by side; they are edited on their instrument's page."""

    list_display = ["code", "name_uk", "name_en", "instrument", "group", "scale_min", "scale_max", "direction"]
    list_filter = ["instrument", "group", "direction"]
    search_fields = ["code", "name_uk", "name_en", "name_cs", "name_ru"]
    list_select_related = ["instrument"]


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(ReadOnlyListAdmin):
    """Every score, to filter by dimension; they are typed on their assessment's page."""

    list_display = ["assessment", "dimension", "value"]
    list_filter = ["dimension__instrument", "dimension__group", "assessment__year", "assessment__half"]
    search_fields = ["assessment__community__name", "dimension__code", "dimension__name_uk", "dimension__name_en"]
    list_select_related = ["assessment__community", "dimension"]


@admin.register(SafetyAssessment)
class SafetyAssessmentAdmin(admin.ModelAdmin):
    list_display = ["community", "year", "half", "instrument", "respondents", "score_count"]
    list_filter = ["programme", "instrument", "year", "half", "community__region"]
    search_fields = ["community__name", "identified_risks", "safety_resources"]
    autocomplete_fields = ["community"]
    date_hierarchy = "assessed_on"
    list_select_related = ["community", "instrument"]
    inlines = [AssessmentScoreInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "community",
                    "programme",
                    "instrument",
                    ("year", "half"),
                    "assessed_on",
                    "respondents",
                    "method",
                ]
            },
        ),
        (_("Risks and resources"), {"fields": ["identified_risks", "safety_resources"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(score_count=Count("scores"))

    def save_formset(self, request, form, formset, change):
        if formset.model is not AssessmentScore:
            return super().save_formset(request, form, formset, change)
        # Through the services: the assessment counts as changed for the API's sync.
        scores = formset.save(commit=False)
        for score in formset.deleted_objects:
            assessment_score_delete(score=score)
        for score in scores:
            assessment_score_save(score=score)
        return None

    def get_changeform_initial_data(self, request):
        code, version = FIRST_INSTRUMENT
        first = AssessmentInstrument.objects.filter(code=code, version=version).values_list("pk", flat=True).first()
        return {"instrument": first, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("scores"), ordering="score_count")
    def score_count(self, obj):
        return obj.score_count

    def get_inline_instances(self, request, obj=None):
        # The scores are typed once the instrument is saved: the rows offered are its dimensions.
        return super().get_inline_instances(request, obj) if obj is not None else []


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
