from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.models import Country, periods_overlap
from programmes import figures
from programmes.models import (
    PARTICIPATION_OVERLAP_MESSAGE,
    Agreement,
    Campaign,
    ConsortiumMember,
    Deliverable,
    Document,
    Donor,
    Funding,
    Indicator,
    IndicatorSource,
    Milestone,
    NetworkMembership,
    Participation,
    Programme,
    ProgrammeRisk,
    ReportedValue,
    Result,
    RiskReview,
    Target,
    Tranche,
)
from programmes.services import (
    SCOPE_PARTS,
    agreement_delete,
    agreement_save,
    campaign_delete,
    campaign_save,
    deliverable_delete,
    deliverable_save,
    document_save,
    donor_save,
    indicator_save,
    milestone_save,
    milestones_delete,
    programme_delete,
    programme_part_save,
    programme_parts_delete,
    programme_records_touch,
    programme_save,
    programme_touch,
    reported_value_approve,
    reported_value_save,
    result_save,
    risk_review_save,
    risk_reviews_delete,
    target_save,
)


class ParticipationFormSet(forms.BaseInlineFormSet):
    """The periods as typed, checked together: ``Participation.clean`` compares a row only with
    the saved ones, so two new overlapping periods of one community would both be saved."""

    def clean(self):
        super().clean()
        seen: dict[int, list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            community, joined_on = data.get("community"), data.get("joined_on")
            if community is None or joined_on is None:
                continue
            period = (joined_on, data.get("left_on"))
            if any(periods_overlap(period, other) for other in seen.get(community.pk, [])):
                form.add_error("joined_on", PARTICIPATION_OVERLAP_MESSAGE)
            seen.setdefault(community.pk, []).append(period)


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["donor", "instrument", "grant_reference", "amount"]
    autocomplete_fields = ["donor"]


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    fields = ["amount", "expected_on", "received_on", "condition"]


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    fields = ["partner", "role", "joined_on", "left_on"]
    autocomplete_fields = ["partner"]


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    fields = ["network", "partner", "joined_on", "left_on"]
    autocomplete_fields = ["partner"]


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ["kind", "title", "date", "quantity", "status", "link", "document"]
    autocomplete_fields = ["document"]
    show_change_link = True


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    extra = 0
    fields = ["community", "joined_on", "left_on"]
    autocomplete_fields = ["community"]


class ProgrammeRiskInline(admin.StackedInline):
    """The risk register on the programme's page; each risk's reviews on the risk's own page."""

    model = ProgrammeRisk
    extra = 0
    fields = [("title", "position"), ("likelihood", "impact", "status"), "owner", "description", "mitigation"]
    show_change_link = True


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "country"]

    def save_model(self, request, obj, form, change):
        donor_save(donor=obj)


class ProgrammeForm(forms.ModelForm):
    # Ticked by name, not typed as a JSON list of codes.
    countries = forms.TypedMultipleChoiceField(
        label=_("countries"), choices=Country.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "name_en",
            "implementing_organisation",
            "status",
            "starts_on",
            "ends_on",
            "countries",
            "currency",
            "budget",
        ]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """A programme with its funding, tranches, consortium and communities. Deleting one that
    communities take part in is refused: the admin lists the participations in the way (they
    are protected)."""

    list_display = ["code", "name_en", "status", "starts_on", "ends_on", "currency", "budget"]
    list_filter = ["status", "fundings__donor"]
    search_fields = ["code", "name", "name_en", "implementing_organisation"]
    date_hierarchy = "starts_on"
    form = ProgrammeForm
    inlines = [
        FundingInline,
        TrancheInline,
        ConsortiumMemberInline,
        NetworkMembershipInline,
        ParticipationInline,
        DeliverableInline,
        ProgrammeRiskInline,
    ]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "implementing_organisation", "status"]}),
        (_("Period and countries"), {"fields": [("starts_on", "ends_on"), "countries"]}),
        (_("Budget"), {"fields": [("currency", "budget")]}),
        (_("Results against targets"), {"fields": [("on_track_from", "at_risk_from")]}),
    ]

    def save_model(self, request, obj, form, change):
        programme_save(programme=obj)

    def delete_model(self, request, obj):
        programme_delete(programme=obj)

    def delete_queryset(self, request, queryset):
        for programme in queryset:
            programme_delete(programme=programme)

    def save_related(self, request, form, formsets, change):
        # A community or consortium member coming or going changes who sees the programme's
        # documents, outputs, campaigns and agreements: the feed marks them before (for who loses
        # them) and after (for who gains them).
        scope_changed = any(formset.model in SCOPE_PARTS and formset.has_changed() for formset in formsets)
        if scope_changed:
            programme_records_touch(programme_ids=[form.instance.pk])
        super().save_related(request, form, formsets, change)
        # The inlines' rows are part of the programme the API shows.
        programme_touch(programme_ids=[form.instance.pk])
        if scope_changed:
            programme_records_touch(programme_ids=[form.instance.pk])


class ProgrammePartAdmin(admin.ModelAdmin):
    """A row of a programme edited on its own: through the services, so that its programme
    counts as changed for the API's sync."""

    def save_model(self, request, obj, form, change):
        programme_part_save(part=obj)

    def delete_model(self, request, obj):
        programme_parts_delete(parts=type(obj)._default_manager.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        programme_parts_delete(parts=queryset)


@admin.register(Funding)
class FundingAdmin(ProgrammePartAdmin):
    list_display = ["programme", "donor", "instrument", "grant_reference", "amount"]
    list_filter = ["instrument", "donor__kind"]
    search_fields = ["programme__code", "donor__name", "grant_reference"]
    autocomplete_fields = ["programme", "donor"]
    list_select_related = ["programme", "donor"]


@admin.register(Tranche)
class TrancheAdmin(ProgrammePartAdmin):
    list_display = ["programme", "amount", "expected_on", "received_on"]
    list_filter = ["programme"]
    search_fields = ["programme__code", "condition"]
    autocomplete_fields = ["programme"]
    date_hierarchy = "expected_on"
    list_select_related = ["programme"]


@admin.register(ConsortiumMember)
class ConsortiumMemberAdmin(ProgrammePartAdmin):
    list_display = ["programme", "partner", "role", "joined_on", "left_on"]
    list_filter = ["role", "programme"]
    search_fields = ["programme__code", "partner__name", "partner__short_name"]
    autocomplete_fields = ["programme", "partner"]
    list_select_related = ["programme", "partner"]


@admin.register(Participation)
class ParticipationAdmin(ProgrammePartAdmin):
    list_display = ["programme", "community", "joined_on", "left_on"]
    list_filter = ["programme", "community__region__country"]
    search_fields = ["programme__code", "community__name"]
    autocomplete_fields = ["programme", "community"]
    date_hierarchy = "joined_on"
    list_select_related = ["programme", "community"]


class RiskReviewInline(admin.TabularInline):
    model = RiskReview
    extra = 0
    fields = ["reviewed_on", "status", "what_happened"]


@admin.register(ProgrammeRisk)
class ProgrammeRiskAdmin(ProgrammePartAdmin):
    """A risk of a programme's register with its reviews (what happened, dated)."""

    list_display = ["title", "programme", "likelihood", "impact", "status", "owner"]
    list_filter = ["status", "likelihood", "impact", "programme"]
    search_fields = ["title", "description", "mitigation", "owner", "programme__code"]
    autocomplete_fields = ["programme"]
    list_select_related = ["programme"]
    inlines = [RiskReviewInline]
    fields = [
        "programme",
        ("title", "position"),
        ("likelihood", "impact", "status"),
        "owner",
        "description",
        "mitigation",
    ]

    def save_formset(self, request, form, formset, change):
        reviews = formset.save(commit=False)
        risk_reviews_delete(reviews=RiskReview.objects.filter(pk__in=[row.pk for row in formset.deleted_objects]))
        for review in reviews:
            risk_review_save(review=review)


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    list_display = ["risk", "reviewed_on", "status"]
    list_filter = ["status", "risk__programme"]
    search_fields = ["risk__title", "what_happened"]
    autocomplete_fields = ["risk"]
    date_hierarchy = "reviewed_on"
    list_select_related = ["risk"]

    def save_model(self, request, obj, form, change):
        risk_review_save(review=obj)

    def delete_model(self, request, obj):
        risk_reviews_delete(reviews=RiskReview.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        risk_reviews_delete(reviews=queryset)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """The programmes' library. A file is uploaded once, when the document is added, and checked
    by its content; afterwards the page links to the authorised download, never to the storage
    (to replace a file, add a new document)."""

    list_display = ["title", "programme", "kind", "language", "access", "content_type", "updated_at"]
    list_filter = ["access", "kind", "language", "programme"]
    search_fields = ["title", "programme__code"]
    autocomplete_fields = ["programme", "communities"]
    readonly_fields = ["download", "content_type", "size", "sha256", "created_by"]

    def get_fields(self, request, obj=None):
        source = ["file", "link"] if obj is None else ["download", "link"]
        details = [] if obj is None else ["content_type", "size", "sha256", "created_by"]
        return ["programme", "title", "kind", "language", "communities", "access", *source, *details]

    @admin.display(description=_("file"))
    def download(self, obj: Document) -> str:
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("programmes:document-file", kwargs={"pk": obj.pk}), obj.title)

    def save_model(self, request, obj, form, change):
        document_save(document=obj, actor=request.user)


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(ProgrammePartAdmin):
    list_display = ["partner", "network", "programme", "joined_on", "left_on"]
    list_filter = ["network", "programme"]
    search_fields = ["network", "programme__code", "partner__name", "partner__short_name"]
    autocomplete_fields = ["programme", "partner"]
    date_hierarchy = "joined_on"
    list_select_related = ["programme", "partner"]


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    """The outputs register: the handbook and its print run, the online course and its
    enrolments, studies, maps, videos."""

    list_display = ["title", "programme", "kind", "status", "date", "quantity"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title", "description", "programme__code"]
    autocomplete_fields = ["programme", "document"]
    date_hierarchy = "date"
    list_select_related = ["programme"]
    fields = ["programme", "kind", "title", "status", "date", "quantity", "link", "document", "description"]

    def save_model(self, request, obj, form, change):
        deliverable_save(deliverable=obj, actor=request.user)

    def delete_model(self, request, obj):
        deliverable_delete(deliverable=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for deliverable in queryset:
            deliverable_delete(deliverable=deliverable, actor=request.user)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_on", "done_on", "status"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """An advocacy campaign with its milestones. Its events and media mentions are linked from
    their own pages (their "advocacy campaign" field)."""

    list_display = ["title", "programme", "status", "starts_on", "ends_on"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "goal", "target_bodies", "programme__code"]
    autocomplete_fields = ["programme"]
    date_hierarchy = "starts_on"
    list_select_related = ["programme"]
    inlines = [MilestoneInline]
    fieldsets = [
        (None, {"fields": ["programme", "title", "status", ("starts_on", "ends_on")]}),
        (_("Aim"), {"fields": ["goal", "target_bodies"]}),
        (_("Result"), {"fields": ["result"]}),
    ]

    def save_model(self, request, obj, form, change):
        campaign_save(campaign=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Milestone:
            super().save_formset(request, form, formset, change)
            return
        milestones = formset.save(commit=False)
        milestones_delete(
            milestones=Milestone.objects.filter(pk__in=[row.pk for row in formset.deleted_objects]), actor=request.user
        )
        for milestone in milestones:
            milestone_save(milestone=milestone, actor=request.user)

    def delete_model(self, request, obj):
        campaign_delete(campaign=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for campaign in queryset:
            campaign_delete(campaign=campaign, actor=request.user)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "due_on", "done_on", "status"]
    list_filter = ["status", "campaign__programme"]
    search_fields = ["title", "campaign__title"]
    autocomplete_fields = ["campaign"]
    date_hierarchy = "due_on"
    list_select_related = ["campaign"]

    def save_model(self, request, obj, form, change):
        milestone_save(milestone=obj, actor=request.user)

    def delete_model(self, request, obj):
        milestones_delete(milestones=Milestone.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        milestones_delete(milestones=queryset, actor=request.user)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Memoranda and agreements with communities and partner organisations (the parties)."""

    list_display = ["title", "programme", "kind", "signed_on", "valid_until", "agreement_status"]
    list_filter = ["kind", "programme"]
    search_fields = ["title", "programme__code", "communities__name", "partners__name"]
    autocomplete_fields = ["programme", "communities", "partners", "document"]
    date_hierarchy = "signed_on"
    list_select_related = ["programme"]
    fields = ["programme", "kind", "title", "communities", "partners", "signed_on", "valid_until", "document"]

    @admin.display(description=_("status"))
    def agreement_status(self, obj: Agreement) -> str:
        return str(obj.get_status_display())

    def save_model(self, request, obj, form, change):
        agreement_save(
            agreement=obj,
            actor=request.user,
            communities=form.cleaned_data.get("communities", []),
            partners=form.cleaned_data.get("partners", []),
        )

    def save_related(self, request, form, formsets, change):
        # The parties are saved with the agreement (agreement_save); no inlines.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        agreement_delete(agreement=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for agreement in queryset:
            agreement_delete(agreement=agreement, actor=request.user)


# --- the results framework ------------------------------------------------------------------------


class IndicatorForm(forms.ModelForm):
    """The figure of a computed indicator is chosen from the catalogue ``reports`` publishes."""

    figure = forms.ChoiceField(label=_("figure"), required=False)

    class Meta:
        model = Indicator
        fields = [
            "result",
            "code",
            "name",
            "unit",
            "direction",
            "measure",
            "disaggregations",
            "sdg_targets",
            "source",
            "figure",
            "baseline_value",
            "baseline_date",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["figure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *figures.known().items()]
        field.help_text = str(_("For a computed indicator: the figure it reads."))


class IndicatorInline(admin.TabularInline):
    model = Indicator
    form = IndicatorForm
    extra = 0
    fields = [
        "code",
        "name",
        "unit",
        "direction",
        "measure",
        "source",
        "figure",
        "baseline_value",
        "baseline_date",
        "order",
    ]
    show_change_link = True


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    """A goal, outcome or output of a programme's results framework, with its indicators."""

    list_display = ["code", "programme", "level", "statement_en", "parent", "order"]
    list_filter = ["programme", "level"]
    search_fields = ["code", "statement", "statement_en", "programme__code"]
    autocomplete_fields = ["programme", "parent"]
    list_select_related = ["programme", "parent"]
    inlines = [IndicatorInline]

    def save_model(self, request, obj, form, change):
        result_save(result=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Indicator:
            return super().save_formset(request, form, formset, change)
        for indicator in formset.save(commit=False):
            indicator_save(indicator=indicator)
        for indicator in formset.deleted_objects:
            indicator.delete()
        return None


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["period", "value", "region", "partner"]
    autocomplete_fields = ["region", "partner"]


class ReportedValueInline(admin.TabularInline):
    model = ReportedValue
    extra = 0
    fields = ["period", "value", "note", "evidence_document", "evidence_link", "entered_by", "approved_by"]
    readonly_fields = ["entered_by", "approved_by"]
    autocomplete_fields = ["evidence_document"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """An indicator with its targets per period and, if reported, its values (approved on the
    reported values' page by someone other than who entered them)."""

    form = IndicatorForm
    list_display = ["code", "name", "result", "source", "figure", "unit", "direction"]
    list_filter = ["source", "direction", "result__programme"]
    search_fields = ["code", "name", "result__code", "result__programme__code"]
    autocomplete_fields = ["result"]
    list_select_related = ["result", "result__programme"]
    inlines = [TargetInline, ReportedValueInline]

    def save_model(self, request, obj, form, change):
        indicator_save(indicator=obj)

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            if isinstance(row, Target):
                target_save(target=row)
            else:
                reported_value_save(reported_value=row, actor=request.user)
        for row in formset.deleted_objects:
            row.delete()


@admin.register(ReportedValue)
class ReportedValueAdmin(admin.ModelAdmin):
    """Reported values with their evidence; approving one takes a second person."""

    list_display = ["indicator", "period", "value", "entered_by", "approved_by", "approved_at"]
    list_filter = ["period", "indicator__result__programme", ("approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["indicator__code", "indicator__name", "note"]
    autocomplete_fields = ["indicator", "evidence_document"]
    readonly_fields = ["entered_by", "approved_by", "approved_at"]
    list_select_related = ["indicator", "entered_by", "approved_by"]
    actions = ["approve"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "indicator" in form.base_fields:
            field = form.base_fields["indicator"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Indicator.objects.filter(source=IndicatorSource.REPORTED)
        return form

    def save_model(self, request, obj, form, change):
        reported_value_save(reported_value=obj, actor=request.user)

    @admin.action(description=_("Approve the selected values"))
    def approve(self, request, queryset):
        approved, refused = 0, 0
        for value in queryset.filter(approved_at__isnull=True):
            try:
                reported_value_approve(reported_value=value, actor=request.user)
            except ValidationError:
                refused += 1
            else:
                approved += 1
        if approved:
            self.message_user(request, _("Approved: %(count)d.") % {"count": approved}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not approved (you entered them; someone else approves): %(count)d.") % {"count": refused},
                messages.WARNING,
            )


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets per indicator and period (also edited on the indicator's page)."""

    list_display = ["indicator", "period", "value", "region", "partner"]
    list_filter = ["period", "indicator__result__programme"]
    search_fields = ["indicator__code", "indicator__name"]
    autocomplete_fields = ["indicator", "region", "partner"]
    list_select_related = ["indicator", "region", "partner"]

    def save_model(self, request, obj, form, change):
        target_save(target=obj)
